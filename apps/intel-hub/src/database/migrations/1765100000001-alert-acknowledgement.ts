import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The analysts' alerts inbox (apps/intel-hub/src/analyst/alerts): who of the recipient force
 * acknowledged an alert, and when. The first acknowledgement stands (a second is answered with
 * it, changing nothing); every one is in the audit chain. The unacknowledged of a force, newest
 * first, come from a partial index, built CONCURRENTLY so that alerts keep being stored.
 */
export class AlertAcknowledgement1765100000001 implements MigrationInterface {
  name = 'AlertAcknowledgement1765100000001';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alert
        ADD COLUMN IF NOT EXISTS acknowledged_at timestamptz,
        -- The acknowledging user's subject (the identity provider's \`sub\`) and display name.
        ADD COLUMN IF NOT EXISTS acknowledged_by text,
        ADD COLUMN IF NOT EXISTS acknowledged_by_name text`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS alert_unacknowledged`);
    await q.query(`
      CREATE INDEX CONCURRENTLY alert_unacknowledged ON alert (recipient_force, alert_id)
      WHERE acknowledged_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Not CONCURRENTLY: TypeORM reverts a migration inside a transaction whatever it says.
    await q.query(`DROP INDEX IF EXISTS alert_unacknowledged`);
    await q.query(`
      ALTER TABLE alert DROP COLUMN acknowledged_at, DROP COLUMN acknowledged_by,
        DROP COLUMN acknowledged_by_name`);
  }
}
