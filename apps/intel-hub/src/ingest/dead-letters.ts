import { DeadLetter, timestampFromDate } from '@intel/contracts';
import {
  HEADER_SCHEMA_VERSION,
  SCHEMA_VERSION,
  TOPICS,
  type ConsumedMessage,
  type EventPublisher,
  type OutgoingMessage,
} from '@intel/kafka';
import type { Kafka, Producer } from 'kafkajs';

export const HEADER_DLQ_ERROR = 'intel-dlq-error';

export interface Failure {
  message: ConsumedMessage;
  error: string;
}

/** The intel.dlq.v1 message for a poison message: the original bytes and why it failed. */
export function deadLetterMessage(f: Failure, consumerGroup: string, at: Date): OutgoingMessage {
  const m = f.message;
  const letter: DeadLetter = {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key: Buffer.from(m.key, 'utf8'),
    value: m.value ?? Buffer.alloc(0),
    error: f.error,
    consumerGroup,
    failedAt: timestampFromDate(at),
  };
  return {
    topic: TOPICS.dlq,
    key: m.key,
    value: Buffer.from(DeadLetter.encode(letter).finish()),
    headers: {
      [HEADER_SCHEMA_VERSION]: String(SCHEMA_VERSION),
      [HEADER_DLQ_ERROR]: f.error.slice(0, 200),
    },
  };
}

/** Parks poison messages on intel.dlq.v1; resolves once the broker acknowledged them all. */
export async function publishDeadLetters(
  publisher: EventPublisher,
  failures: Failure[],
  consumerGroup: string,
  at = new Date(),
): Promise<void> {
  if (failures.length === 0) return;
  await publisher.publish(failures.map((f) => deadLetterMessage(f, consumerGroup, at)));
}

/**
 * A plain producer for dead letters (and the hub's alerts, which carry their own id): acks=all, one request in flight, bounded retries (so a
 * broker outage fails the batch, which the consumer then redelivers, instead of blocking it).
 * Neither idempotent nor transactional: a retry may park the same message twice, which the DLQ
 * tolerates (people read it; the offset and consumer group identify the original).
 */
export class DeadLetterPublisher implements EventPublisher {
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
