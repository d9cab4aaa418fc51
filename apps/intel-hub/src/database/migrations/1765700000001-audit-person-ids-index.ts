import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Who consulted this national person" on the auditors' screen reads a plain GIN index on
 * `audit_log.person_ids` (the column the appender fills, AuditPersonIds1765700000000), in place of
 * the expression index `audit_log_persons` on `audit_person_ids(request, response)`, whose four
 * jsonpath walks of every entry (40–75 µs) ran inside each group commit of the audit, on every
 * query's path (docs/analyst.md, "Audit viewer"). The function stays: the column's fill trigger
 * and backfill use it.
 *
 * Built CONCURRENTLY (outside a transaction) and the old index dropped CONCURRENTLY, so that the
 * log keeps taking appends; a failed attempt is retried whole (a half-built index dropped
 * first).
 */
export class AuditPersonIdsIndex1765700000001 implements MigrationInterface {
  name = 'AuditPersonIdsIndex1765700000001';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS audit_log_person_ids`);
    await q.query(
      `CREATE INDEX CONCURRENTLY audit_log_person_ids ON audit_log USING gin (person_ids)`,
    );
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS audit_log_persons`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Not CONCURRENTLY: TypeORM reverts a migration inside a transaction whatever it says.
    await q.query(
      `CREATE INDEX IF NOT EXISTS audit_log_persons ON audit_log USING gin (audit_person_ids(request, response))`,
    );
    await q.query(`DROP INDEX IF EXISTS audit_log_person_ids`);
  }
}
