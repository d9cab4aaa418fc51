import type { Kafka } from 'kafkajs';
import { LazyProducer, topicMessages } from './lazy-producer';
import type { EventPublisher, OutgoingMessage } from './event-publisher';

/**
 * A plain producer, for messages whose consumers tolerate a duplicate: acks=all, one request in
 * flight, bounded retries (so a broker outage fails the call, and the caller retries later,
 * instead of blocking it). Neither idempotent nor transactional: a retry may send a message
 * twice. The hub uses it for dead letters (people read them; the offset and consumer group
 * identify the original) and for alerts (each carries a stable event id).
 */
export class KafkaPlainPublisher extends LazyProducer implements EventPublisher {
  constructor(kafka: Kafka) {
    super(kafka, {
      idempotent: false,
      maxInFlightRequests: 1,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    });
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connected();
    try {
      await producer.sendBatch({ acks: -1, topicMessages: topicMessages(messages) });
    } catch (err) {
      await this.reset();
      throw err;
    }
  }
}
