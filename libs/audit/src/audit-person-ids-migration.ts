import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_PERSON_IDS_FUNCTION } from './audit-person-ids';

/** Rows filled in one transaction (appends wait for it: about 0.1–0.2 s at this size). */
export const PERSON_IDS_BACKFILL_BATCH = 1000;

/**
 * `audit_log.person_ids`: the national persons an entry names (auditPersonIds), written by the
 * appender beside the entry so that "who consulted this person" is a plain GIN index on a
 * column (the hub's AuditPersonIdsIndex1765700000001) instead of an expression index whose four
 * jsonpath walks ran inside every group commit. Not hashed: the chain verifier recomputes it
 * from the hashed request and response and reports a row whose column disagrees
 * (audit-chain.verifier.ts; docs/security.md, "Audit log").
 *
 * - The column is nullable and added without a rewrite. A BEFORE INSERT trigger fills it with
 *   audit_person_ids() when a row comes without it (an older hub still appending during a
 *   rolling deploy, SQL typed by hand); the appender always sends it, so the trigger's WHEN is
 *   all it costs.
 * - Rows already in the log are filled in batches of PERSON_IDS_BACKFILL_BATCH by seq, each in
 *   its own transaction that switches the append-only trigger off and on again around its
 *   UPDATE: ALTER TABLE is transactional, so no other session ever sees the trigger off, and
 *   appends wait only for the batch. Only rows still NULL are touched, so a run that stopped
 *   part way carries on where it was. The trigger's creation waits for appends in flight, so
 *   every row after it is filled on insert and every row before it is in the batches' range.
 *
 * Not in one transaction (each batch commits); run as the owner, like every migration.
 */
export class AuditPersonIds1765700000000 implements MigrationInterface {
  name = 'AuditPersonIds1765700000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_PERSON_IDS_FUNCTION);
    await q.query(`ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS person_ids text[]`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_fill_person_ids() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.person_ids := audit_person_ids(NEW.request, NEW.response); RETURN NEW; END $$`);
    await q.query(`DROP TRIGGER IF EXISTS audit_log_fill_person_ids ON audit_log`);
    await q.query(`
      CREATE TRIGGER audit_log_fill_person_ids BEFORE INSERT ON audit_log
      FOR EACH ROW WHEN (NEW.person_ids IS NULL) EXECUTE FUNCTION audit_log_fill_person_ids()`);
    const [bounds] = (await q.query(
      `SELECT min(seq)::text AS lo, max(seq)::text AS hi FROM audit_log`,
    )) as Array<{ lo: string | null; hi: string | null }>;
    if (bounds?.lo == null || bounds.hi == null) return;
    const hi = BigInt(bounds.hi);
    for (let from = BigInt(bounds.lo); from <= hi; from += BigInt(PERSON_IDS_BACKFILL_BATCH)) {
      await q.startTransaction();
      try {
        await q.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`);
        await q.query(
          `UPDATE audit_log SET person_ids = audit_person_ids(request, response)
           WHERE seq >= $1::bigint AND seq < $2::bigint AND person_ids IS NULL`,
          [from.toString(), (from + BigInt(PERSON_IDS_BACKFILL_BATCH)).toString()],
        );
        await q.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`);
        await q.commitTransaction();
      } catch (err) {
        await q.rollbackTransaction();
        throw err;
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS audit_log_fill_person_ids ON audit_log`);
    await q.query(`DROP FUNCTION IF EXISTS audit_log_fill_person_ids()`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN IF EXISTS person_ids`);
  }
}
