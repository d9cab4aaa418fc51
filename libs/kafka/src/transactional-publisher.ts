import type { Kafka } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import type { EventPublisher, OutgoingMessage } from './event-publisher';
import { LazyProducer, topicMessages } from './lazy-producer';

/**
 * Publishes a batch atomically in one Kafka transaction: read_committed consumers see all of it
 * or none of it. An attempt that fails (broker down, timeout) is aborted, so its messages are
 * never visible and the retry cannot show up twice. Idempotent producer, acks=-1 (all in-sync
 * replicas), one request in flight, as kafkajs requires for transactions.
 */
export class KafkaTransactionalPublisher extends LazyProducer implements EventPublisher {
  constructor(kafka: Kafka, transactionalId: string) {
    super(kafka, {
      idempotent: true,
      transactionalId,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 },
    });
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connected();
    let txn;
    try {
      txn = await producer.transaction();
    } catch (err) {
      await this.reset();
      throw err;
    }
    try {
      await txn.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: topicMessages(messages),
      });
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => undefined);
      // After a broker outage the producer's epoch or connection may be unusable: start afresh
      // (a new producer with the same transactional id fences the old one).
      await this.reset();
      throw err;
    }
  }
}
