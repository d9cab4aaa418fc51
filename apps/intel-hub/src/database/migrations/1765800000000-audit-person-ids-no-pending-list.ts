import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The auditors' GIN index on `audit_log.person_ids` without a pending list (`fastupdate = off`).
 *
 * With PostgreSQL's default, new entries go to the index's pending list, and the insert that
 * finds the list past `gin_pending_list_limit` (4 MB) merges the whole list into the index
 * before it commits. That insert is an audit group's, and every query's answer waits on its
 * group: under load, a stall of hundreds of milliseconds every few seconds, the p99 of an
 * open loop of CheckIdentifiers at 1M (docs/benchmarks.md). Off, each entry's few person ids
 * go into the index as it is inserted, for no measurable CPU but more WAL (the entry tree's
 * inserts).
 *
 * The list is merged first (`gin_clean_pending_list` does nothing once it is off); entries
 * appended in between are merged by the next vacuum. Changing the option takes the index's
 * exclusive lock until the migration commits, a moment in which appends wait (none fails).
 */
export class AuditPersonIdsNoPendingList1765800000000 implements MigrationInterface {
  name = 'AuditPersonIdsNoPendingList1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SELECT gin_clean_pending_list('audit_log_person_ids')`);
    await q.query(`ALTER INDEX audit_log_person_ids SET (fastupdate = off)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX audit_log_person_ids RESET (fastupdate)`);
  }
}
