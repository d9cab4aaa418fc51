import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_PERSON_IDS_FUNCTION } from '@intel/audit';

/**
 * What the auditors' screen asks of audit_log (apps/intel-hub/src/analyst/audit-viewer), kept
 * fast at millions of rows (docs/analyst.md, "Audit viewer"; EXPLAIN in
 * audit-viewer.repository.int-spec.ts):
 * - who consulted a national person: `audit_person_ids(request, response) && $ids`, a GIN
 *   index over every string member named `nationalPersonId` or `personId`, at any depth, of the
 *   entry's request or response (the convention every audited action follows); since
 *   replaced by a GIN index on the column audit_log.person_ids (AuditPersonIdsIndex1765700000001);
 * - what a user or calling system consulted: `caller_name = $1 ORDER BY seq DESC`, a btree on
 *   (caller_name, seq) read backwards;
 * - over a period: `at` in a range, a BRIN index (the log is appended in time order, so each
 *   block range holds a narrow span of times; 24 kB at a million rows, and nearly free to keep
 *   up on append). `autosummarize` summarises each range once it is full: a range not yet
 *   summarised matches every period, so without it a period would read the whole log;
 * - a person's merged ids (national_person.merged_into, walked down from the person), a
 *   partial btree.
 *
 * Built CONCURRENTLY (outside a transaction), so that an existing log keeps taking appends
 * while they are built; a failed attempt leaves nothing recorded and is retried whole (the
 * function replaced, any half-built index dropped first). Run as the owner, like every
 * migration; the auditor role reads through them with no further grant.
 */
export class AuditViewerIndexes1765100000000 implements MigrationInterface {
  name = 'AuditViewerIndexes1765100000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    // The same text as when this migration was written, now kept with the writer (libs/audit).
    await q.query(AUDIT_PERSON_IDS_FUNCTION);
    for (const [name, definition] of INDEXES) {
      await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
      await q.query(`CREATE INDEX CONCURRENTLY ${name} ON ${definition}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // Not CONCURRENTLY: TypeORM reverts a migration inside a transaction whatever it says.
    for (const [name] of INDEXES) await q.query(`DROP INDEX IF EXISTS ${name}`);
    await q.query(`DROP FUNCTION IF EXISTS audit_person_ids(jsonb, jsonb)`);
  }
}

const INDEXES: Array<[string, string]> = [
  ['audit_log_persons', 'audit_log USING gin (audit_person_ids(request, response))'],
  ['audit_log_caller', 'audit_log (caller_name, seq)'],
  ['audit_log_at', 'audit_log USING brin (at) WITH (pages_per_range = 32, autosummarize = on)'],
  ['national_person_merged_into', 'national_person (merged_into) WHERE merged_into IS NOT NULL'],
];
