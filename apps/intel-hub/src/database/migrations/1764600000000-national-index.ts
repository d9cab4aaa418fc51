import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The national index derived from the force state: national persons with stable ids, which
 * force nominals belong to each, the links with their per-field evidence, each incident's
 * subjects, the flags with their evidence, the alerts raised, and the queue of force entities
 * whose change has not yet been resolved (filled in the ingest transaction, so nothing
 * accepted is lost between ingestion and resolution).
 */
export class NationalIndex1764600000000 implements MigrationInterface {
  name = 'NationalIndex1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE resolution_queue (
        entity      text NOT NULL CHECK (entity IN ('nominal', 'incident')),
        force_code  text NOT NULL,
        id          text NOT NULL,
        queued_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (entity, force_code, id)
      )`);
    await q.query(`
      CREATE TABLE national_person (
        person_id    uuid PRIMARY KEY,
        -- Creation order: a merge keeps the older id.
        seq          bigserial UNIQUE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        -- Set when this id was merged into another (the older) one.
        merged_into  uuid REFERENCES national_person (person_id),
        -- Set when this person was split off another.
        split_from   uuid REFERENCES national_person (person_id),
        -- Set when no nominal is left (every record withdrawn).
        retired_at   timestamptz
      )`);
    await q.query(`
      CREATE TABLE person_member (
        force_code  text NOT NULL,
        nominal_id  text NOT NULL,
        person_id   uuid NOT NULL REFERENCES national_person (person_id),
        linked_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (force_code, nominal_id)
      )`);
    await q.query(`CREATE INDEX person_member_person ON person_member (person_id)`);
    await q.query(`
      CREATE TABLE person_link (
        member_a     text NOT NULL,
        member_b     text NOT NULL,
        score        double precision NOT NULL,
        band         text NOT NULL,
        -- Per-field comparison level and weight (libs/matching FieldEvidence[]).
        explanation  jsonb NOT NULL,
        decided_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_a, member_b),
        CHECK (member_a < member_b)
      )`);
    await q.query(`CREATE INDEX person_link_b ON person_link (member_b)`);
    await q.query(`
      CREATE TABLE person_history (
        id            bigserial PRIMARY KEY,
        person_id     uuid NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('created', 'merged', 'split', 'retired')),
        other_person  uuid,
        at            timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX person_history_person ON person_history (person_id)`);
    await q.query(`
      CREATE TABLE incident_subject (
        force_code   text NOT NULL,
        incident_id  text NOT NULL,
        nominal_id   text NOT NULL,
        role         text NOT NULL,
        PRIMARY KEY (force_code, incident_id, nominal_id, role)
      )`);
    await q.query(
      `CREATE INDEX incident_subject_nominal ON incident_subject (force_code, nominal_id)`,
    );
    await q.query(`
      CREATE TABLE person_flag (
        person_id  uuid NOT NULL REFERENCES national_person (person_id),
        flag_type  text NOT NULL,
        reason     text NOT NULL,
        evidence   jsonb NOT NULL,
        raised_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (person_id, flag_type)
      )`);
    await q.query(`
      CREATE TABLE person_incident (
        person_id    uuid NOT NULL REFERENCES national_person (person_id),
        force_code   text NOT NULL,
        incident_id  text NOT NULL,
        PRIMARY KEY (person_id, force_code, incident_id)
      )`);
    await q.query(`
      CREATE TABLE alert (
        alert_id         bigserial PRIMARY KEY,
        recipient_force  text NOT NULL,
        alert_type       text NOT NULL,
        person_id        uuid,
        -- protobuf intel.v1.Alert as delivered (already filtered for the recipient).
        payload          bytea NOT NULL,
        raised_at        timestamptz NOT NULL DEFAULT now(),
        published_at     timestamptz
      )`);
    await q.query(`CREATE INDEX alert_recipient ON alert (recipient_force, alert_id)`);
    await q.query(`CREATE INDEX alert_unpublished ON alert (alert_id) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE alert, person_incident, person_flag, incident_subject, person_history,
         person_link, person_member, national_person, resolution_queue`,
    );
  }
}
