import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The priority lane (issue #13): an outbox row for `intel.priority.v1` (an immediate-risk
 * incident and its subjects' states) is published ahead of every queued bulk row. The relay
 * takes pending rows by (priority DESC, id) from a partial index.
 */
export class OutboxPriority1765300000000 implements MigrationInterface {
  name = 'OutboxPriority1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE outbox ADD COLUMN IF NOT EXISTS priority boolean NOT NULL DEFAULT false`,
    );
    await q.query(`
      CREATE INDEX IF NOT EXISTS outbox_pending_priority ON outbox (priority DESC, id)
      WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS outbox_pending_priority`);
    await q.query(`ALTER TABLE outbox DROP COLUMN priority`);
  }
}
