import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deconfliction hits found in ingested records are written in the ingest transaction (durable
 * exactly when the record is), then put in the hash-chained audit and delivered. `audited_at`
 * marks the notices whose hit is in the audit: a notice is delivered only once it is, and a hub
 * that stopped in between audits the rest when it starts (docs/security.md, "Deconfliction").
 */
export class DeconflictionHitAudited1765400000000 implements MigrationInterface {
  name = 'DeconflictionHitAudited1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deconfliction_hit ADD COLUMN IF NOT EXISTS audited_at timestamptz`);
    // Notices written before this migration were audited as they were written.
    await q.query(`UPDATE deconfliction_hit SET audited_at = hit_at WHERE audited_at IS NULL`);
    await q.query(`
      CREATE INDEX IF NOT EXISTS deconfliction_hit_unaudited ON deconfliction_hit (seq)
      WHERE audited_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deconfliction_hit_unaudited`);
    await q.query(`ALTER TABLE deconfliction_hit DROP COLUMN audited_at`);
  }
}
