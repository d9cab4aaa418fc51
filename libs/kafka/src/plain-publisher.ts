import type { Kafka, Producer } from 'kafkajs';
import type { EventPublisher, OutgoingMessage } from './transactional-publisher';

/**
 * A plain producer, for messages whose consumers tolerate a duplicate: acks=all, one request in
 * flight, bounded retries (so a broker outage fails the call, and the caller retries later,
 * instead of blocking it). Neither idempotent nor transactional: a retry may send a message
 * twice. The hub uses it for dead letters (people read them; the offset and consumer group
 * identify the original) and for alerts (each carries a stable event id).
 */
export class KafkaPlainPublisher implements EventPublisher {
  private producer: Producer | undefined;

  constructor(private readonly kafka: Kafka) {}

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: false,
      maxInFlightRequests: 1,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connected();
    try {
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, ms]) => ({
          topic,
          messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        })),
      });
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await p.disconnect().catch(() => undefined);
  }
}
