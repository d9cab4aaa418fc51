/**
 * The same value with every object's keys in reverse order: for tests that a canonical form
 * (content hash, audit chain) does not depend on key order.
 */
export function reverseKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((k) => [k, reverseKeysDeep((value as Record<string, unknown>)[k])]),
  );
}
