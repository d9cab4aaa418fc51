import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which force's consultation raised an alert (null for alerts raised by a change in the index),
 * so a restarted hub knows which consultations already alerted within the quiet window
 * (`HUB_QUERY_ALERT_QUIET_MS`) and does not alert for them again.
 */
export class AlertConsultedBy1764800000000 implements MigrationInterface {
  name = 'AlertConsultedBy1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert ADD COLUMN consulted_by text`);
    await q.query(
      `CREATE INDEX alert_consultation ON alert (raised_at) WHERE consulted_by IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alert_consultation`);
    await q.query(`ALTER TABLE alert DROP COLUMN consulted_by`);
  }
}
