import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analysts' open consultations (docs/analyst.md "Justification"): the purpose and reason an
 * analyst gave, which every data read names in X-Consultation-Id until it expires. Opening one
 * is also in the audit chain (Analyst.openConsultation); this table is what reads are checked
 * against.
 */
export class AnalystConsultation1765000000000 implements MigrationInterface {
  name = 'AnalystConsultation1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE analyst_consultation (
        id uuid PRIMARY KEY,
        sub text NOT NULL,
        force_code text NOT NULL,
        purpose_code text NOT NULL,
        reason text NOT NULL,
        operation_ref text NOT NULL DEFAULT '',
        opened_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX analyst_consultation_user ON analyst_consultation (sub, opened_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE analyst_consultation`);
  }
}
