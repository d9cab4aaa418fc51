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

  appendStatement(messages: OutboxMessage[]): Statement | undefined {
    if (messages.length === 0) return undefined;
    return {
      sql: `INSERT INTO outbox (event_id, topic, key, value, headers, priority)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[], $5::jsonb[], $6::boolean[])`,
      params: [
        messages.map((m) => m.eventId),
        messages.map((m) => m.topic),
        messages.map((m) => m.key),
        messages.map((m) => m.value),
        messages.map((m) => JSON.stringify(m.headers)),
        messages.map((m) => m.priority === true),
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
