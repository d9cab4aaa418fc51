/**
 * Which part of the national audit an auditor sees (docs/analyst.md, "Audit viewer").
 *
 * - A **national auditor** (an auditor whose token force is one of the hub's
 *   `ANALYST_NATIONAL_AUDITOR_FORCES`, e.g. the national oversight unit) sees every entry in
 *   full, with what was withheld from its caller (hidden scores, answers held back by the probe
 *   rate) and the stored request and response.
 * - A **force auditor** sees the entries of its own force's users and systems (`own`: as they
 *   were answered, nothing withheld from them shown), and the entries of other forces that told
 *   its force something (`told`: only what the alert it received said: which force, what
 *   action, when, the persons on whom its force holds records, and its own records; not the
 *   other force's user, reason, operation or search). Nothing else: the audit of another
 *   force's consultation, above all of its handling-code-C records, is that force's.
 */
export interface AuditScope {
  /** The auditor's force (token `force`). */
  force: string;
  national: boolean;
}

export type EntryView = 'national' | 'own' | 'told';

export function auditScopeOf(
  force: string,
  nationalAuditorForces: ReadonlySet<string>,
): AuditScope {
  return { force, national: nationalAuditorForces.has(force) };
}

/** How `scope` sees an entry of `callerForce` told to `recipients`; undefined: not at all. */
export function entryView(
  scope: AuditScope,
  entry: { callerForce: string; recipients: readonly string[] },
): EntryView | undefined {
  if (scope.national) return 'national';
  if (entry.callerForce !== '' && entry.callerForce === scope.force) return 'own';
  if (entry.recipients.includes(scope.force)) return 'told';
  return undefined;
}
