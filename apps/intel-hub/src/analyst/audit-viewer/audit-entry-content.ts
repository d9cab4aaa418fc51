/**
 * What an audit entry's request and response name, read generically: every audited action
 * follows one convention (docs/analyst.md, "Audit viewer"), which the persons column the
 * screen searches (audit_log.person_ids, libs/audit auditPersonIds) follows too:
 * - a national person is named by a string member `nationalPersonId` or `personId`;
 * - a record is an object with a string `forceCode` and a string `nominalId` (a holding) or
 *   `id` (a RecordRef, with `entity`); the records under an object naming a person are that
 *   person's;
 * - what was withheld from the caller sits under a member whose name starts with `withheld`
 *   or `hidden` (e.g. `withheld.rateLimited`, `hiddenScore`), and is read only for national
 *   auditors.
 * Pure; bounded in depth and in nodes walked, whatever the entry holds.
 */

export interface RecordSeen {
  forceCode: string;
  /** 'nominal' or 'incident'. */
  entity: string;
  /** Empty when the caller was told only that the force holds a record (hit only). */
  id: string;
  disclosure?: string;
}

export interface EntryContent {
  /** Persons named, in order of first mention, each with the records found under it. */
  persons: Map<string, RecordSeen[]>;
  /** Every record named, in order, without repeats. */
  records: RecordSeen[];
}

const HIDDEN = /^(withheld|hidden)/i;
const MAX_DEPTH = 32;
const MAX_NODES = 50_000;

/** The persons and records an entry's JSON names; `withheld` parts only when `withHidden`. */
export function entryContent(values: unknown[], withHidden: boolean): EntryContent {
  const persons = new Map<string, RecordSeen[]>();
  const records: RecordSeen[] = [];
  const seen = new Set<string>();
  let nodes = 0;
  const visit = (node: unknown, depth: number, person: string | undefined): void => {
    if (node === null || typeof node !== 'object' || depth > MAX_DEPTH) return;
    if (++nodes > MAX_NODES) return;
    if (Array.isArray(node)) {
      for (const v of node) visit(v, depth + 1, person);
      return;
    }
    const o = node as Record<string, unknown>;
    const named = personNamed(o);
    if (named !== undefined && !persons.has(named)) persons.set(named, []);
    const owner = named ?? person;
    const record = recordOf(o);
    if (record) {
      const key = `${record.forceCode}|${record.entity}|${record.id}|${record.disclosure ?? ''}`;
      if (!seen.has(key)) {
        seen.add(key);
        records.push(record);
      }
      const mine = owner === undefined ? undefined : persons.get(owner);
      if (mine && !mine.some((r) => sameRecord(r, record))) mine.push(record);
    }
    for (const [k, v] of Object.entries(o)) {
      if (!withHidden && HIDDEN.test(k)) continue;
      visit(v, depth + 1, owner);
    }
  };
  for (const v of values) visit(v, 0, undefined);
  return { persons, records };
}

function personNamed(o: Record<string, unknown>): string | undefined {
  const id = o['nationalPersonId'] ?? o['personId'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function recordOf(o: Record<string, unknown>): RecordSeen | undefined {
  const forceCode = o['forceCode'];
  if (typeof forceCode !== 'string') return undefined;
  const nominalId = o['nominalId'];
  const id = o['id'];
  const disclosure = typeof o['disclosure'] === 'string' ? o['disclosure'] : undefined;
  if (typeof nominalId === 'string')
    return { forceCode, entity: 'nominal', id: nominalId, ...(disclosure ? { disclosure } : {}) };
  if (typeof id === 'string')
    return {
      forceCode,
      entity: typeof o['entity'] === 'string' ? o['entity'] : 'nominal',
      id,
      ...(disclosure ? { disclosure } : {}),
    };
  return undefined;
}

function sameRecord(a: RecordSeen, b: RecordSeen): boolean {
  return a.forceCode === b.forceCode && a.entity === b.entity && a.id === b.id;
}
