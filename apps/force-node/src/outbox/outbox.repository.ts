import { runCombined, type Sql, type Statement } from '@intel/db';
import type { OutboxMessage } from './outbox-message';

export interface PendingOutboxRow {
  id: string;
  topic: string;
  key: string;
  value: Buffer | null;
  headers: Record<string, string>;
  createdAt: Date;
}

/** SQL for the transactional outbox (docs/force-node.md, "Outbox and delivery"). One method per query. */
export class OutboxRepository {
  /** Appends messages in the caller's transaction, in order. */
  async append(tx: Sql, messages: OutboxMessage[]): Promise<void> {
    await runCombined(tx, [this.appendStatement(messages)]);
  }

  /**
   * The rows as one JSON document (one JSON.stringify; the value in base64), not six arrays
   * whose elements the driver escapes one by one (the value as hex). Inserted in the messages'
   * order (`ORDER BY` their ordinality), so the outbox ids, which the relay publishes in, follow
   * it: a key's events reach Kafka in the order they were written.
   */
  appendStatement(messages: OutboxMessage[]): Statement | undefined {
    if (messages.length === 0) return undefined;
    return {
      sql: `INSERT INTO outbox (event_id, topic, key, value, headers, priority)
       SELECT r.e, r.t, r.k, decode(r.v, 'base64'), r.h, r.p
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
                AS (e uuid, t text, k text, v text, h jsonb, p boolean))
              WITH ORDINALITY AS r(e, t, k, v, h, p, n)
        ORDER BY r.n`,
      params: [
        JSON.stringify(
          messages.map((m) => ({
            e: m.eventId,
            t: m.topic,
            k: m.key,
            v: m.value === null ? null : m.value.toString('base64'),
            h: m.headers,
            p: m.priority === true,
          })),
        ),
      ],
    };
  }

  /**
   * The unpublished rows, priority ones first, then the oldest, locked so a second relay skips
   * them rather than double-sending. Every row of one topic and key has the same priority
   * (priority rows are on `intel.priority.v1` only), so each key's rows keep their order.
   */
  async lockPending(tx: Sql, limit: number): Promise<PendingOutboxRow[]> {
    const rows = await tx.query<
      Array<{
        id: string;
        topic: string;
        key: string;
        value: Buffer | null;
        headers: Record<string, string>;
        created_at: Date;
      }>
    >(
      `SELECT id, topic, key, value, headers, created_at FROM outbox
       WHERE published_at IS NULL ORDER BY priority DESC, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      topic: r.topic,
      key: r.key,
      value: r.value,
      headers: r.headers,
      createdAt: r.created_at,
    }));
  }

  async markPublished(tx: Sql, ids: string[]): Promise<void> {
    await tx.query(
      `UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  async backlog(db: Sql): Promise<{ pending: number; oldest: Date | null }> {
    const [row] = await db.query<Array<{ pending: string; oldest: Date | null }>>(
      `SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox WHERE published_at IS NULL`,
    );
    return { pending: Number(row?.pending ?? 0), oldest: row?.oldest ?? null };
  }

  /** Published rows are kept for a while for audit and replay, then pruned. */
  async prunePublished(db: Sql, olderThanHours: number): Promise<number> {
    // Wrapped in a SELECT: TypeORM returns [rows, count] for a bare DELETE.
    const [row] = await db.query<Array<{ n: string }>>(
      `WITH d AS (DELETE FROM outbox WHERE published_at < now() - make_interval(hours => $1) RETURNING 1)
       SELECT count(*) AS n FROM d`,
      [olderThanHours],
    );
    return Number(row?.n ?? 0);
  }
}
