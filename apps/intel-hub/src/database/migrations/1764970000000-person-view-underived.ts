import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closes the upgrade's leak window (docs/security.md, "One disclosure policy"): the migration
 * that introduced per-view flags (PersonFlagView1764950000000) copied each person's national
 * flags, derived from every record including handling code C ones, into the public view, and a
 * person's views were derived again only when the person next changed. Every person holding
 * such a copy is listed in `person_view_underived`; the hub derives their views from their
 * members when it loads its index, before it answers anything, and removes them from the list
 * (empty from then on, so a later start does nothing more).
 */
export class PersonViewUnderived1764970000000 implements MigrationInterface {
  name = 'PersonViewUnderived1764970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE person_view_underived (
        person_id uuid PRIMARY KEY REFERENCES national_person (person_id)
      )`);
    await q.query(`
      INSERT INTO person_view_underived (person_id)
      SELECT DISTINCT person_id FROM person_flag_view WHERE viewer = ''`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE person_view_underived`);
  }
}
