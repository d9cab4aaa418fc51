import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `outbox.event_id` was UNIQUE: an index entry per event at a random place (a v4 UUID), which
 * nothing reads (the relay reads by pending order, consumers de-duplicate by event id on their
 * side) and which could only catch the node drawing the same random UUID twice. Issue #14:
 * fewer index entries per record.
 */
export class OutboxEventIdNotIndexed1765700000001 implements MigrationInterface {
  name = 'OutboxEventIdNotIndexed1765700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_event_id_key`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD CONSTRAINT outbox_event_id_key UNIQUE (event_id)`);
  }
}
