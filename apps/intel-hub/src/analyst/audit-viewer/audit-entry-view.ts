import type { AuditEntryInput } from '@intel/audit';
import { forceName } from '@intel/config';
import { entryContent, type RecordSeen } from './audit-entry-content';
import { entryView, type AuditScope, type EntryView } from './audit-scope';

/** An audit_log entry as the viewer reads it (its chain hashes are not needed). */
export type StoredAuditEntry = AuditEntryInput & { seq: number };

/** Who made the call, as far as the view may say. */
export interface AuditCaller {
  force: string;
  forceName: string;
  /** `analyst` (the analysts' API: callerName `analyst:<sub>`), `system` (gRPC), or neither. */
  kind: 'analyst' | 'system' | 'unidentified';
  /** The stored caller name (`analyst:<sub>`, or the calling system's). */
  name?: string;
  sub?: string;
  displayName?: string;
  roles?: string[];
  consultationId?: string;
}

export interface AuditOutcome {
  status: 'answered' | 'not-found' | 'refused';
  /** The refusal's status (e.g. INVALID_ARGUMENT, 428) and the fields it named. */
  code?: string;
  fields?: string[];
}

/** One entry as an auditor sees it (listAuditEntries). */
export interface AuditEntryItem {
  seq: string;
  at: string;
  action: string;
  view: EntryView;
  caller: AuditCaller;
  purposeCode?: string;
  reason?: string;
  operationRef?: string;
  recipients: string[];
  /** National persons the entry names (what the view may see of it). */
  persons: string[];
  records: RecordSeen[];
  outcome: AuditOutcome;
  /** What this view leaves out. */
  withheld: string[];
  /** National auditors only: the request and response as stored. */
  detail?: { request: unknown; response: unknown };
}

const TOLD_WITHHELD = [
  'caller.name',
  'purposeCode',
  'reason',
  'operationRef',
  'request',
  'records of other forces',
  'detail',
];

/**
 * The entry as `scope` may see it (audit-scope.ts), or undefined when it may not. A view is
 * built from an allow-list, never by removing fields from the stored JSON: `own` shows what its
 * force's caller was given (nothing under `withheld`/`hidden`), `told` what its force was told.
 */
export function viewEntry(e: StoredAuditEntry, scope: AuditScope): AuditEntryItem | undefined {
  const view = entryView(scope, e);
  if (!view) return undefined;
  const content = entryContent([e.request, e.response], view === 'national');
  const caller = callerOf(e);
  const outcome = outcomeOf(e.response);
  const base = { seq: String(e.seq), at: e.at.toISOString(), action: e.action, view, outcome };
  if (view !== 'told') {
    // What its force's caller was answered (own), or everything (national).
    const full = {
      ...base,
      caller,
      purposeCode: e.purposeCode,
      reason: e.reason,
      operationRef: e.operationRef,
      persons: [...content.persons.keys()],
      records: content.records,
    };
    if (view === 'national')
      return {
        ...full,
        recipients: [...e.recipients],
        withheld: [],
        detail: { request: e.request, response: e.response },
      };
    const visible = new Set([scope.force, ...content.records.map((r) => r.forceCode)]);
    return {
      ...full,
      recipients: e.recipients.filter((f) => visible.has(f)),
      withheld: ['detail'],
    };
  }
  const told = toldPersons(content.persons, scope.force);
  return {
    ...base,
    caller: { force: caller.force, forceName: caller.forceName, kind: caller.kind },
    recipients: e.recipients.filter((f) => f === scope.force || f === e.callerForce),
    persons: [...told.keys()],
    records: content.records.filter((r) => r.forceCode === scope.force),
    withheld: TOLD_WITHHELD,
  };
}

/**
 * Whether the entry, as `scope` sees it, names one of `personIds` (the index finds candidates
 * from everything stored; a force auditor must not learn that a person is named only in what
 * was withheld, or in what its force was not told).
 */
export function viewNamesPerson(item: AuditEntryItem, personIds: ReadonlySet<string>): boolean {
  return item.persons.some((p) => personIds.has(p));
}

/** Persons on whom `force` holds a record, in the entry: what a `told` alert could be about. */
function toldPersons(persons: Map<string, RecordSeen[]>, force: string): Map<string, RecordSeen[]> {
  return new Map([...persons].filter(([, records]) => records.some((r) => r.forceCode === force)));
}

const ANALYST = 'analyst:';

function callerOf(e: StoredAuditEntry): AuditCaller {
  const base = { force: e.callerForce, forceName: e.callerForce ? forceName(e.callerForce) : '' };
  if (e.callerName.startsWith(ANALYST)) {
    const identity = identityOf(e.request);
    return {
      ...base,
      kind: 'analyst',
      name: e.callerName,
      sub: e.callerName.slice(ANALYST.length),
      ...identity,
    };
  }
  if (e.callerForce === '' && e.callerName === '') return { ...base, kind: 'unidentified' };
  return { ...base, kind: 'system', name: e.callerName };
}

/** The analyst's identity as the analysts' API writes it into the request (`analyst`). */
function identityOf(
  request: unknown,
): Pick<AuditCaller, 'displayName' | 'roles' | 'consultationId'> {
  const user = member(request, 'analyst');
  const out: Pick<AuditCaller, 'displayName' | 'roles' | 'consultationId'> = {};
  const name = member(user, 'name');
  if (typeof name === 'string') out.displayName = name;
  const roles = member(user, 'roles');
  if (Array.isArray(roles)) out.roles = roles.filter((r): r is string => typeof r === 'string');
  const consultation = member(user, 'consultationId');
  if (typeof consultation === 'string') out.consultationId = consultation;
  return out;
}

function outcomeOf(response: unknown): AuditOutcome {
  const refused = member(response, 'refused');
  if (refused !== undefined) {
    const code = member(refused, 'code');
    const errors = member(refused, 'errors');
    return {
      status: 'refused',
      code: typeof code === 'string' || typeof code === 'number' ? String(code) : '',
      fields: Array.isArray(errors)
        ? errors.map((x) => member(x, 'field')).filter((f): f is string => typeof f === 'string')
        : [],
    };
  }
  if (member(response, 'found') === false) return { status: 'not-found' };
  return { status: 'answered' };
}

function member(o: unknown, key: string): unknown {
  return o !== null && typeof o === 'object' && !Array.isArray(o)
    ? (o as Record<string, unknown>)[key]
    : undefined;
}
