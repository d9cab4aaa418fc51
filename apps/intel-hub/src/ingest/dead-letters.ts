import { DeadLetter, timestampFromDate } from '@intel/contracts';
import {
  HEADER_SCHEMA_VERSION,
  SCHEMA_VERSION,
  TOPICS,
  type ConsumedMessage,
  type EventPublisher,
  type OutgoingMessage,
} from '@intel/kafka';

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
    headers: { ...m.headers },
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

/**
 * A broker takes a produce request's batch for one partition up to `message.max.bytes` (1 MiB by
 * default) and intel.dlq.v1 has one partition: a poll across partitions can park more than
 * that (a catch-up past another run's events), so dead letters go in requests of at most this.
 */
export const DEAD_LETTER_REQUEST_BYTES = 512 * 1024;

/** Consecutive runs of messages of at most `maxBytes` each (a larger message alone). Pure. */
export function inRequests(messages: OutgoingMessage[], maxBytes: number): OutgoingMessage[][] {
  const out: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = (m.value?.length ?? 0) + Buffer.byteLength(m.key) + 128;
    if (current.length > 0 && bytes + size > maxBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Parks poison messages on intel.dlq.v1; resolves once the broker acknowledged them all. */
export async function publishDeadLetters(
  publisher: EventPublisher,
  failures: Failure[],
  consumerGroup: string,
  at = new Date(),
): Promise<void> {
  if (failures.length === 0) return;
  const letters = failures.map((f) => deadLetterMessage(f, consumerGroup, at));
  for (const request of inRequests(letters, DEAD_LETTER_REQUEST_BYTES))
    await publisher.publish(request);
}
