import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { EventEnvelope } from '@intel/contracts';
import { ADMIN_PRINCIPAL, createKafka } from '@intel/kafka';
import { testKafka } from './test-env';

export interface ReadMessage {
  topic: string;
  key: string;
  envelope: EventEnvelope | null;
  /** The value's bytes as they travelled (null = tombstone). */
  value: Buffer | null;
  headers: Record<string, string>;
  offset: string;
  partition: number;
}

/**
 * Reads a topic from the beginning with a fresh consumer group (read_committed, so aborted
 * transactional writes are invisible, as for every real consumer) until `until` is satisfied
 * or the timeout passes; returns what it read. It reads as the operators' `admin` principal
 * (a super user: tests inspect every topic) unless `as` names another principal, with the
 * group prefix that principal may use (`groupPrefix`, e.g. `force-36-`).
 * `brokers` must be the test broker's.
 */
export async function readTopic(
  brokers: string[],
  topic: string,
  opts: {
    until: (msgs: ReadMessage[]) => boolean;
    timeoutMs?: number;
    keyPrefix?: string;
    as?: string;
    groupPrefix?: string;
    /** Keep the bytes only (a topic whose values are not EventEnvelopes, e.g. intel.dlq.v1). */
    raw?: boolean;
  },
): Promise<ReadMessage[]> {
  const kafka = createKafka({ ...testKafka(opts.as ?? ADMIN_PRINCIPAL, 'test-reader'), brokers });
  kafka.logger().setLogLevel(logLevel.NOTHING);
  const consumer = kafka.consumer({
    groupId: `${opts.groupPrefix ?? 'test-'}${randomUUID()}`,
    readUncommitted: false,
  });
  const msgs: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        const key = message.key?.toString() ?? '';
        if (opts.keyPrefix && !key.startsWith(opts.keyPrefix)) return;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        msgs.push({
          topic: t,
          key,
          envelope: message.value && !opts.raw ? EventEnvelope.decode(message.value) : null,
          value: message.value ?? null,
          headers,
          offset: message.offset,
          partition,
        });
        if (opts.until(msgs)) resolveDone();
        return Promise.resolve();
      },
    });
    if (!opts.until(msgs)) {
      await Promise.race([done, new Promise((r) => setTimeout(r, opts.timeoutMs ?? 30_000))]);
    }
    return msgs;
  } finally {
    await consumer.disconnect();
  }
}
