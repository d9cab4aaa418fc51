import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's flags per view (docs/security.md, "One disclosure policy"): the public view
 * (viewer '': every force's records not marked C) and one per force owning C records of the
 * person, each derived from that view's records alone and dated from when it first appeared
 * there, so neither a flag nor its time is ever derived from a record the recipient may not
 * see. Existing flags become the public view's (they are derived again, per view, the next
 * time the person changes).
 */
export class PersonFlagView1764950000000 implements MigrationInterface {
  name = 'PersonFlagView1764950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE person_flag_view (
        person_id  uuid NOT NULL REFERENCES national_person (person_id),
        viewer     text NOT NULL,
        flag_type  text NOT NULL,
        reason     text NOT NULL,
        evidence   jsonb NOT NULL,
        raised_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (person_id, viewer, flag_type)
      )`);
    await q.query(`
      INSERT INTO person_flag_view (person_id, viewer, flag_type, reason, evidence, raised_at)
      SELECT person_id, '', flag_type, reason, evidence, raised_at FROM person_flag`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE person_flag_view`);
  }
}
