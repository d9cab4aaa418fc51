import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay takes pending rows by (priority DESC, id) from `outbox_pending_priority`, and the
 * backlog count reads the same partial index: `outbox_pending` (id, the same predicate) only
 * cost every outbox row one more index entry (issue #14: fewer index entries per record).
 */
export class OutboxOnePendingIndex1765600000001 implements MigrationInterface {
  name = 'OutboxOnePendingIndex1765600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS outbox_pending`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (id) WHERE published_at IS NULL`,
    );
  }
}
