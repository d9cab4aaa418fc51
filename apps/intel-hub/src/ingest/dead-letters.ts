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
