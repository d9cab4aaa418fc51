import type { DatabaseRoles } from '@intel/db';

/**
 * What a force node's own role may do (libs/db provisionDatabase runs these as the owner):
 * read and write its working tables (records, nominals, incidents, outbox), and only INSERT
 * into record_log (DPA 2018 s.62: collection and alteration), which it can neither read back,
 * change, delete, truncate nor ALTER. The auditor reads record_log.
 */
export function forceNodeGrants(r: DatabaseRoles): string[] {
  return [
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r.app}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r.app}`,
    `REVOKE INSERT, UPDATE, DELETE ON migrations FROM ${r.app}`,
    `REVOKE ALL ON record_log FROM ${r.app}`,
    `GRANT INSERT ON record_log TO ${r.app}`,
    `GRANT SELECT ON record_log TO ${r.auditor}`,
  ];
}
