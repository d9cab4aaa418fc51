import type { Sql } from '@intel/db';
import type { ConsumedMessage } from '@intel/kafka';

/** `topic:partition`. */
export const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/**
 * The next offset to apply of every partition a batch holds: one past its highest offset.
 * Pure.
 */
export function nextOffsets(batch: readonly ConsumedMessage[]): Map<string, bigint> {
  const next = new Map<string, bigint>();
  for (const m of batch) {
    const k = partitionKey(m.topic, m.partition);
    const o = BigInt(m.offset) + 1n;
    if ((next.get(k) ?? -1n) < o) next.set(k, o);
  }
  return next;
}

/** The messages of a batch at or past their partition's stored next offset. Pure. */
export function notYetApplied(
  batch: readonly ConsumedMessage[],
  stored: ReadonlyMap<string, bigint>,
): ConsumedMessage[] {
  return batch.filter(
    (m) => BigInt(m.offset) >= (stored.get(partitionKey(m.topic, m.partition)) ?? 0n),
  );
}

/**
 * Consumer offsets kept with the data they cover (`consumer_offset`): a group's next offset per
 * partition, written in the transaction that applies the messages before it, so that a batch is
 * applied exactly once whatever Kafka's own committed offsets say.
 */
export class ConsumerOffsetsRepository {
  /**
   * The stored next offsets of the batch's partitions, locked until the transaction ends (a
   * second consumer of the same group and partition, e.g. a zombie after a rebalance, waits and
   * then sees what this one stored). A partition never stored reads as 0.
   */
  async lock(tx: Sql, groupId: string, partitions: string[]): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    if (partitions.length === 0) return out;
    const topics = partitions.map((p) => p.slice(0, p.lastIndexOf(':')));
    const numbers = partitions.map((p) => Number(p.slice(p.lastIndexOf(':') + 1)));
    await tx.query(
      `INSERT INTO consumer_offset (group_id, topic, partition, next_offset)
       SELECT $1, t, p, 0 FROM unnest($2::text[], $3::int[]) AS u(t, p)
       ON CONFLICT (group_id, topic, partition) DO NOTHING`,
      [groupId, topics, numbers],
    );
    const rows = await tx.query<Array<{ topic: string; partition: number; next_offset: string }>>(
      `SELECT c.topic, c.partition, c.next_offset FROM consumer_offset c
       JOIN unnest($2::text[], $3::int[]) AS u(t, p) ON c.topic = u.t AND c.partition = u.p
       WHERE c.group_id = $1
       ORDER BY c.topic, c.partition
       FOR UPDATE OF c`,
      [groupId, topics, numbers],
    );
    for (const r of rows) out.set(partitionKey(r.topic, r.partition), BigInt(r.next_offset));
    return out;
  }

  /** Moves each partition's next offset forward (never back) in the caller's transaction. */
  async store(tx: Sql, groupId: string, next: ReadonlyMap<string, bigint>): Promise<void> {
    if (next.size === 0) return;
    const keys = [...next.keys()];
    await tx.query(
      `UPDATE consumer_offset c SET next_offset = GREATEST(c.next_offset, u.o), updated_at = now()
       FROM unnest($2::text[], $3::int[], $4::bigint[]) AS u(t, p, o)
       WHERE c.group_id = $1 AND c.topic = u.t AND c.partition = u.p`,
      [
        groupId,
        keys.map((k) => k.slice(0, k.lastIndexOf(':'))),
        keys.map((k) => Number(k.slice(k.lastIndexOf(':') + 1))),
        keys.map((k) => String(next.get(k))),
      ],
    );
  }

  /** A partition's stored next offset, if the group stored one (where to seek on assignment). */
  async read(
    db: Sql,
    groupId: string,
    topic: string,
    partition: number,
  ): Promise<string | undefined> {
    const [row] = await db.query<Array<{ next_offset: string }>>(
      `SELECT next_offset FROM consumer_offset WHERE group_id = $1 AND topic = $2 AND partition = $3`,
      [groupId, topic, partition],
    );
    return row?.next_offset;
  }
}
