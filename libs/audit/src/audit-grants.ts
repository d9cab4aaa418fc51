import type { DatabaseRoles } from '@intel/db';

/**
 * The audit log's grants (run as the owner after the migrations). The service may append and
 * nothing more: INSERT on audit_log, with SELECT on `seq` alone (the append's RETURNING), and
 * audit_head to read and move (the chain's head). It owns neither table, so it cannot UPDATE,
 * DELETE or TRUNCATE the log, nor ALTER it or switch its append-only trigger off. The auditor
 * reads both, to verify the chain.
 */
export function auditLogGrants(r: DatabaseRoles): string[] {
  return [
    `REVOKE ALL ON audit_log, audit_head FROM ${r.app}, ${r.auditor}`,
    `GRANT INSERT ON audit_log TO ${r.app}`,
    `GRANT SELECT (seq) ON audit_log TO ${r.app}`,
    `GRANT SELECT, INSERT, UPDATE ON audit_head TO ${r.app}`,
    `GRANT SELECT ON audit_log, audit_head TO ${r.auditor}`,
  ];
}
