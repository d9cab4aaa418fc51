import { createHash } from 'node:crypto';

/**
 * A stable digest of a record's content: canonical JSON with object keys sorted, so the same
 * content always hashes the same whatever order a client serialised it in. Re-submitting an
 * unchanged record must be UNCHANGED and publish nothing (docs/force-node.md, "De-duplication").
 */
export function contentHash(value: unknown): Buffer {
  return createHash('sha256').update(stableStringify(value)).digest();
}

export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}
