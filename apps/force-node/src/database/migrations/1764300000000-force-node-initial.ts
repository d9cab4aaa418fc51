import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The force node's own store: source records as submitted (canonical), the nominals they are
 * merged into, the keys used to find a nominal, incidents, the transactional outbox, and the
 * collection/alteration log DPA 2018 s.62 asks for.
 */
export class ForceNodeInitial1764300000000 implements MigrationInterface {
  name = 'ForceNodeInitial1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE nominal (
        id            uuid PRIMARY KEY,
        version       bigint NOT NULL,
        -- The published state (protobuf NominalState): what the last event carried.
        state         bytea NOT NULL,
        published     boolean NOT NULL DEFAULT false,
        merged_into   uuid,
        withdrawn_at  timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE person_record (
        source_system     text NOT NULL,
        source_record_id  text NOT NULL,
        nominal_id        uuid NOT NULL REFERENCES nominal(id),
        content_hash      bytea NOT NULL,
        record            jsonb NOT NULL,
        seq               bigserial,
        withdrawn_at      timestamptz,
        withdrawal_reason text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_system, source_record_id)
      )`);
    await q.query(`CREATE INDEX person_record_nominal ON person_record (nominal_id)`);
    await q.query(`
      CREATE TABLE nominal_key (
        key         text NOT NULL,
        nominal_id  uuid NOT NULL REFERENCES nominal(id),
        PRIMARY KEY (key, nominal_id)
      )`);
    await q.query(`CREATE INDEX nominal_key_nominal ON nominal_key (nominal_id)`);
    await q.query(`
      CREATE TABLE incident (
        id                uuid PRIMARY KEY,
        source_system     text NOT NULL,
        source_record_id  text NOT NULL,
        version           bigint NOT NULL,
        content_hash      bytea NOT NULL,
        record            jsonb NOT NULL,
        withdrawn_at      timestamptz,
        withdrawal_reason text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source_system, source_record_id)
      )`);
    await q.query(`
      CREATE TABLE incident_subject (
        incident_id              uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
        idx                      int NOT NULL,
        person_source_system     text NOT NULL,
        person_source_record_id  text NOT NULL,
        role                     text NOT NULL,
        PRIMARY KEY (incident_id, idx)
      )`);
    await q.query(
      `CREATE INDEX incident_subject_person ON incident_subject (person_source_system, person_source_record_id)`,
    );
    await q.query(`
      CREATE TABLE outbox (
        id            bigserial PRIMARY KEY,
        event_id      uuid NOT NULL UNIQUE,
        topic         text NOT NULL,
        key           text NOT NULL,
        value         bytea,
        headers       jsonb NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at  timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL`);
    await q.query(`
      CREATE TABLE record_log (
        id                bigserial PRIMARY KEY,
        at                timestamptz NOT NULL DEFAULT now(),
        caller            text NOT NULL,
        action            text NOT NULL,
        entity            text NOT NULL,
        source_system     text NOT NULL,
        source_record_id  text NOT NULL,
        outcome           text NOT NULL,
        entity_id         uuid
      )`);
    // The log is append-only: no updates or deletes, even by the application's own role.
    await q.query(`
      CREATE FUNCTION record_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'record_log is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER record_log_no_change BEFORE UPDATE OR DELETE ON record_log
      FOR EACH ROW EXECUTE FUNCTION record_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE record_log, outbox, incident_subject, incident, nominal_key, person_record, nominal`,
    );
    await q.query(`DROP FUNCTION record_log_append_only`);
  }
}
