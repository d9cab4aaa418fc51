import { auditLogGrants } from '@intel/audit';
import type { DatabaseRoles } from '@intel/db';

/**
 * What the hub's own role may do (libs/db provisionDatabase runs these as the owner): read and
 * write its working tables (force state, national index, alerts), and only append to the audit
 * log (auditLogGrants). It reads which migrations ran and changes nothing else. Review
 * judgements are history: their status changes (retracted, rejected), they are never deleted.
 * Deconfliction registrations and notices likewise (retired, delivered, acknowledged; never
 * deleted), and the auditor role (the analysts' audit viewer) has nothing on them: covert units'
 * business is not on any analyst's screen.
 */
export function hubGrants(r: DatabaseRoles): string[] {
  return [
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r.app}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r.app}`,
    `REVOKE INSERT, UPDATE, DELETE ON migrations FROM ${r.app}`,
    `REVOKE DELETE, TRUNCATE ON review_judgement FROM ${r.app}`,
    `REVOKE DELETE, TRUNCATE ON deconfliction_persona, deconfliction_target, deconfliction_hit FROM ${r.app}`,
    `REVOKE ALL ON deconfliction_persona, deconfliction_target, deconfliction_hit FROM ${r.auditor}`,
    ...auditLogGrants(r),
  ];
}
