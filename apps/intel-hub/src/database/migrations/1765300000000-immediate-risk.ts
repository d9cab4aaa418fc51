import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The immediate-risk-to-child fast path (issue #13, docs/hub.md "Immediate risk to a child"):
 * queued entities that came by the priority lane are resolved first; IMMEDIATE alerts are
 * published first and carry a durable acknowledgement deadline, which the leader's escalation
 * scheduler reads (so an escalation survives a restart); an escalation names the alert it
 * escalates, and that alert when it was escalated; each force is told of each immediate-risk
 * incident once, whatever order the records were resolved in.
 */
export class ImmediateRisk1765300000000 implements MigrationInterface {
  name = 'ImmediateRisk1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE resolution_queue ADD COLUMN IF NOT EXISTS priority boolean NOT NULL DEFAULT false`,
    );
    await q.query(`
      CREATE INDEX IF NOT EXISTS resolution_queue_priority
        ON resolution_queue (queued_at, entity, force_code, id) WHERE priority`);
    await q.query(`
      ALTER TABLE alert
        ADD COLUMN IF NOT EXISTS immediate boolean NOT NULL DEFAULT false,
        ADD COLUMN IF NOT EXISTS ack_due_at timestamptz,
        ADD COLUMN IF NOT EXISTS escalated_at timestamptz,
        ADD COLUMN IF NOT EXISTS escalates_alert_id bigint,
        -- The acknowledgement of an IMMEDIATE alert has been counted in the metrics (either
        -- channel: AcknowledgeAlert or the analysts' inbox).
        ADD COLUMN IF NOT EXISTS ack_counted boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE INDEX IF NOT EXISTS alert_unpublished_priority ON alert (immediate DESC, alert_id)
      WHERE published_at IS NULL`);
    await q.query(`
      CREATE INDEX IF NOT EXISTS alert_ack_uncounted ON alert (alert_id)
      WHERE immediate AND acknowledged_at IS NOT NULL AND NOT ack_counted
        AND escalates_alert_id IS NULL`);
    await q.query(`
      CREATE INDEX IF NOT EXISTS alert_ack_due ON alert (ack_due_at)
      WHERE ack_due_at IS NOT NULL AND acknowledged_at IS NULL AND escalated_at IS NULL`);
    // Which force has been given an IMMEDIATE alert for which immediate-risk incident: a force
    // whose record of the suspect is resolved after the incident is told all the same, and no
    // force is told twice (replays, re-derivations, merges).
    await q.query(`
      CREATE TABLE IF NOT EXISTS immediate_notice (
        recipient_force text NOT NULL,
        incident_force  text NOT NULL,
        incident_id     text NOT NULL,
        alert_id        bigint NOT NULL,
        PRIMARY KEY (incident_force, incident_id, recipient_force)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS immediate_notice`);
    await q.query(`DROP INDEX IF EXISTS alert_ack_due`);
    await q.query(`DROP INDEX IF EXISTS alert_ack_uncounted`);
    await q.query(`DROP INDEX IF EXISTS alert_unpublished_priority`);
    await q.query(`
      ALTER TABLE alert DROP COLUMN immediate, DROP COLUMN ack_due_at, DROP COLUMN escalated_at,
        DROP COLUMN escalates_alert_id, DROP COLUMN ack_counted`);
    await q.query(`DROP INDEX IF EXISTS resolution_queue_priority`);
    await q.query(`ALTER TABLE resolution_queue DROP COLUMN priority`);
  }
}
