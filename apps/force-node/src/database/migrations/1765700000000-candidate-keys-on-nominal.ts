import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A nominal's candidate keys (`blk:`, about eight a record) move from `nominal_key` rows, each
 * with two index entries, to one array on the nominal's row, stamped from a sequence so that
 * every replica can read what changed since it last looked; the node serves them from memory
 * (nominals/candidate-key-index.ts, docs/force-node.md "Candidate keys in memory"; issue #14:
 * fewer rows per record). Identifier keys stay in `nominal_key`.
 */
export class CandidateKeysOnNominal1765700000000 implements MigrationInterface {
  name = 'CandidateKeysOnNominal1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE nominal_candidate_keys_seq`);
    await q.query(
      `ALTER TABLE nominal ADD COLUMN candidate_keys text[] NOT NULL DEFAULT '{}',
                           ADD COLUMN candidate_keys_seq bigint`,
    );
    await q.query(
      `UPDATE nominal n SET candidate_keys = k.keys,
              candidate_keys_seq = nextval('nominal_candidate_keys_seq')
         FROM (SELECT nominal_id, array_agg(key ORDER BY key) AS keys FROM nominal_key
                WHERE key LIKE 'blk:%' GROUP BY nominal_id) k
        WHERE k.nominal_id = n.id`,
    );
    await q.query(`DELETE FROM nominal_key WHERE key LIKE 'blk:%'`);
    await q.query(
      `CREATE INDEX nominal_candidate_keys_seq_idx ON nominal (candidate_keys_seq)
        WHERE candidate_keys_seq IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO nominal_key (key, nominal_id)
       SELECT DISTINCT unnest(candidate_keys), id FROM nominal ON CONFLICT DO NOTHING`,
    );
    await q.query(`DROP INDEX nominal_candidate_keys_seq_idx`);
    await q.query(`ALTER TABLE nominal DROP COLUMN candidate_keys, DROP COLUMN candidate_keys_seq`);
    await q.query(`DROP SEQUENCE nominal_candidate_keys_seq`);
  }
}
