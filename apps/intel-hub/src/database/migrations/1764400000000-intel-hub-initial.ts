import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hub's copy of every force's published state: one row per force nominal and per force
 * incident (the latest version seen), and the event ids already applied (idempotent consumer).
 */
export class IntelHubInitial1764400000000 implements MigrationInterface {
  name = 'IntelHubInitial1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE force_nominal (
        force_code    text NOT NULL,
        nominal_id    text NOT NULL,
        version       bigint NOT NULL,
        -- protobuf NominalState as published; NULL once withdrawn (MoPI: every copy must go).
        state         bytea,
        withdrawn_at  timestamptz,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (force_code, nominal_id)
      )`);
    await q.query(`
      CREATE TABLE force_incident (
        force_code        text NOT NULL,
        incident_id       text NOT NULL,
        version           bigint NOT NULL,
        -- protobuf IncidentState as published; NULL once withdrawn.
        state             bytea,
        shared_reference  text,
        withdrawn_at      timestamptz,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (force_code, incident_id)
      )`);
    await q.query(
      `CREATE INDEX force_incident_shared_reference ON force_incident (shared_reference)
       WHERE shared_reference IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE processed_event (
        event_id      uuid PRIMARY KEY,
        processed_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE processed_event, force_incident, force_nominal`);
  }
}
