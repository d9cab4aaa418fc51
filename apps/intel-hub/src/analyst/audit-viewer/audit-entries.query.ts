import { AUDIT_LOG_COLUMNS } from '@intel/audit';

/**
 * The SQL of one page of audit entries, newest first (keyset on seq), with only the conditions
 * asked for, so that each shape of query gets its own plan on its index (migration
 * AuditViewerIndexes1765100000000, AuditPersonIdsIndex1765700000001): persons on
 * audit_log_person_ids (GIN on the person_ids column), a caller on
 * audit_log_caller (caller_name, seq), a period on audit_log_at (BRIN), none on the primary
 * key read backwards. Every value is a bound parameter. Deconfliction's entries
 * (`Deconfliction.*`) are never read. Pure.
 */
export interface AuditEntriesFilter {
  /** Entries naming any of these national persons (a person and the ids merged into it). */
  personIds?: readonly string[];
  /** Entries of this caller (`analyst:<sub>`, or a calling system's name). */
  callerName?: string;
  /** Entries of this force's callers only. */
  callerForce?: string;
  /** A force auditor: entries of its force's callers, or told to its force. */
  visibleTo?: string;
  /** `at` >= from. */
  from?: Date;
  /** `at` < to. */
  to?: Date;
  /** Entries before this seq (the cursor). */
  beforeSeq?: string;
  limit: number;
}

/**
 * `now`: a period wholly in the past (or wholly in the future), asked with neither person nor
 * caller, is read from the BRIN index on `at` and sorted (ORDER BY seq + 0, which the primary
 * key cannot serve): read newest first along the primary key instead, as the planner would,
 * every newer entry would be read and dropped before the period's (0.5 s for a day a year back
 * in a million rows, against 2 ms; docs/analyst.md).
 */
export function auditEntriesQuery(
  f: AuditEntriesFilter,
  now: Date = new Date(),
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  // Covert-persona deconfliction has its own restricted view (docs/security.md): its entries
  // are in the chain, never on an analyst's or force auditor's screen, national ones included.
  const where: string[] = [`action NOT LIKE 'Deconfliction.%'`];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (f.personIds !== undefined) where.push(`person_ids && ${param(f.personIds)}::text[]`);
  if (f.callerName !== undefined) where.push(`caller_name = ${param(f.callerName)}`);
  if (f.callerForce !== undefined) where.push(`caller_force = ${param(f.callerForce)}`);
  if (f.visibleTo !== undefined) {
    const p = param(f.visibleTo);
    where.push(`(caller_force = ${p} OR recipients @> ARRAY[${p}::text])`);
  }
  if (f.from !== undefined) where.push(`at >= ${param(f.from)}`);
  if (f.to !== undefined) where.push(`at < ${param(f.to)}`);
  if (f.beforeSeq !== undefined) where.push(`seq < ${param(f.beforeSeq)}::bigint`);
  const byPeriod =
    f.personIds === undefined &&
    f.callerName === undefined &&
    ((f.to !== undefined && f.to < now) || (f.from !== undefined && f.from > now));
  const text =
    `SELECT ${AUDIT_LOG_COLUMNS} FROM audit_log` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY audit_log.seq${byPeriod ? ' + 0' : ''} DESC LIMIT ${param(f.limit)}`;
  return { text, values };
}
