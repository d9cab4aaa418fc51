import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exactly-once ingest without a row per event (issue #14): the hub stores each consumer group's
 * next offset per partition in the transaction that applies the messages before it, and skips
 * anything below it on redelivery; the consumer seeks there on assignment. Each entity's row
 * keeps the ids of the events handled for it (`event_ids`, 16 bytes a version), which tells a
 * second copy of one of them (a resend or a replay, at another offset) from a genuinely stale
 * event. `processed_event` (a row and an index entry per event ever handled) goes.
 */
export class ConsumerOffsets1765600000000 implements MigrationInterface {
  name = 'ConsumerOffsets1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS consumer_offset (
        group_id     text NOT NULL,
        topic        text NOT NULL,
        partition    integer NOT NULL,
        next_offset  bigint NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, topic, partition)
      )`);
    await q.query(
      `ALTER TABLE force_nominal ADD COLUMN IF NOT EXISTS event_ids uuid[] NOT NULL DEFAULT '{}'`,
    );
    await q.query(
      `ALTER TABLE force_incident ADD COLUMN IF NOT EXISTS event_ids uuid[] NOT NULL DEFAULT '{}'`,
    );
    await q.query(`DROP TABLE IF EXISTS processed_event`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS processed_event (
        event_id      uuid PRIMARY KEY,
        processed_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE force_incident DROP COLUMN IF EXISTS event_ids`);
    await q.query(`ALTER TABLE force_nominal DROP COLUMN IF EXISTS event_ids`);
    await q.query(`DROP TABLE IF EXISTS consumer_offset`);
  }
}
