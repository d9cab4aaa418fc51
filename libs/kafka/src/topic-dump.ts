import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

/**
 * Every message value on `topic` as it stands now, from the beginning to each partition's high
 * watermark (read_committed), without committing offsets: an operator's read of a small topic
 * (e.g. the audit anchors), not a consumer of record.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  /** The reader's consumer group starts with this (its ACL names a prefix). */
  groupPrefix: string,
  timeoutMs = 60_000,
): Promise<Array<{ key: string; value: string }>> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const left = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  const out: Array<{ key: string; value: string }> = [];
  if (left.size === 0) return out;
  const consumer = kafka.consumer({
    groupId: `${groupPrefix}${randomUUID()}`,
    readUncommitted: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} did not reach its end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer
        .run({
          autoCommit: false,
          eachMessage: ({ partition, message }) => {
            if (message.value)
              out.push({
                key: message.key?.toString() ?? '',
                value: message.value.toString('utf8'),
              });
            if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) left.delete(partition);
            if (left.size === 0) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
    return out;
  } finally {
    await consumer.disconnect();
  }
}
