import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The matching parameters (m/u per comparison level, λ) the index's links were scored with.
 * Kept so a restart restores the index as it was (its clusters from `person_member`, its links
 * from `person_link`) with the same engine, instead of re-learning the parameters and
 * re-clustering every nominal in a new order. A new row is written whenever the parameters are
 * learned again; the latest row is the one in use.
 */
export class MatchingParameters1764700000000 implements MigrationInterface {
  name = 'MatchingParameters1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE matching_parameters (
        id          bigserial PRIMARY KEY,
        learned_at  timestamptz NOT NULL DEFAULT now(),
        -- 'index': EM over the nominals held; 'reference': EM over the generated reference population.
        source      text NOT NULL CHECK (source IN ('index', 'reference')),
        -- Live nominals held when they were learned.
        nominals    integer NOT NULL,
        -- json, not jsonb: kept byte for byte as the engine wrote it (key order included).
        parameters  json NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE matching_parameters`);
  }
}
