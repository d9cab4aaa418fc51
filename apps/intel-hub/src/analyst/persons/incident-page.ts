import type { RecordRef } from '@intel/contracts';
import { invalidRequest } from '../http/problem';

/** An incident as a page orders it. */
export interface IncidentKey {
  forceCode: string;
  id: string;
}

const compare = (a: IncidentKey, b: IncidentKey) =>
  a.forceCode === b.forceCode
    ? a.id < b.id
      ? -1
      : a.id > b.id
        ? 1
        : 0
    : a.forceCode < b.forceCode
      ? -1
      : 1;

/** The opaque cursor after `k` (base64url of its key: it says nothing the page did not). */
export function cursorAfter(k: IncidentKey): string {
  return Buffer.from(JSON.stringify([k.forceCode, k.id]), 'utf8').toString('base64url');
}

function keyOf(cursor: string): IncidentKey {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string'))
      return { forceCode: v[0] as string, id: v[1] as string };
  } catch {
    /* refused below */
  }
  throw invalidRequest([{ field: 'cursor', message: 'is not a cursor this API gave' }]);
}

/**
 * Pure: one page of a person's incidents (those the caller may see), in a stable order (force,
 * then id), starting after `cursor`; `nextCursor` null on the last page.
 */
export function incidentPage(
  refs: RecordRef[],
  cursor: string | undefined,
  limit: number,
): { page: IncidentKey[]; nextCursor: string | null } {
  const after = cursor ? keyOf(cursor) : undefined;
  const sorted = refs
    .map((r) => ({ forceCode: r.forceCode, id: r.id }))
    .sort(compare)
    .filter((k) => !after || compare(k, after) > 0);
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: sorted.length > limit && last ? cursorAfter(last) : null };
}
