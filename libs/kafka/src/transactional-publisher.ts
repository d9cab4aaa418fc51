import type { Kafka, Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';

export interface OutgoingMessage {
  topic: string;
  key: string;
  /** null = tombstone. */
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Publishes a batch atomically in one Kafka transaction: read_committed consumers see all of it
 * or none of it. An attempt that fails (broker down, timeout) is aborted, so its messages are
 * never visible and the retry cannot show up twice. Idempotent producer, acks=-1 (all in-sync
 * replicas), one request in flight, as kafkajs requires for transactions.
 */
export interface EventPublisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export class KafkaTransactionalPublisher implements EventPublisher {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly transactionalId: string,
  ) {}

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      transactionalId: this.transactionalId,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connected();
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push(m);
      byTopic.set(m.topic, list);
    }
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
        topicMessages: [...byTopic].map(([topic, msgs]) => ({
          topic,
          messages: msgs.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        })),
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

  private async reset(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await p.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.reset();
  }
}
