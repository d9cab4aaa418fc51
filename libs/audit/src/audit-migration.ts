import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log of consultations and disclosures (DPA 2018 s.62), for the database of the
 * service that answers queries (the hub lists this class in its own migrations).
 *
 * audit_log is hash-chained (libs/audit/src/audit-entry.ts chainHash); audit_head holds the last
 * seq and hash in one row, so the chain's end is known even if its last rows are deleted, and
 * appenders in several processes serialise on it (audit-log.ts).
 *
 * Append-only: a trigger rejects UPDATE, DELETE and TRUNCATE on audit_log for everyone. The
 * tables and the trigger belong to the database's owner role, which runs the migrations
 * (libs/db provisionDatabase); the hub's own role only appends (audit-grants.ts), so it can
 * neither change rows nor switch the trigger off. A superuser still can (the integration tests
 * do, to tamper): that is what the hash chain and the signed anchors of its head
 * (audit-anchor.ts) are for.
 */
export class AuditLog1764500000000 implements MigrationInterface {
  name = 'AuditLog1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        seq            bigint PRIMARY KEY,
        at             timestamptz NOT NULL,
        caller_force   text NOT NULL,
        caller_name    text NOT NULL,
        action         text NOT NULL,
        purpose_code   text NOT NULL,
        reason         text NOT NULL,
        operation_ref  text NOT NULL,
        -- jsonb reorders keys and drops whitespace: the hash is over canonical JSON, which is
        -- recomputed from what is read back.
        request        jsonb NOT NULL,
        response       jsonb NOT NULL,
        recipients     text[] NOT NULL,
        prev_hash      text NOT NULL,
        hash           text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE audit_head (
        id    int PRIMARY KEY CHECK (id = 1),
        seq   bigint NOT NULL,
        hash  text NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only (DPA 2018 s.62)'; END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_head, audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only`);
  }
}
