import type { MemberKey } from '../src/resolution/member-key';

// The exact online-identifier index as it was before it held integer handles: the reference the
// national index's equivalence spec compares the compact one against. Not built.

/**
 * Exact online-identifier index: canonical identifier key → the live nominals holding it. Unlike
 * the matching engine's blocks, nothing is skipped however many nominals share an identifier.
 *
 * Stored compactly for a national index (about a million persons): an identifier held by one
 * nominal (most) maps to that member key itself; only a shared identifier has an array. No
 * other object per entry, and the member keys are the strings the caller passes (the national
 * index passes the ones its other maps hold), not copies. Each identifier key string is held
 * once, by the map.
 */
export class ReferenceExactIdentifierIndex {
  private readonly holders = new Map<string, MemberKey | MemberKey[]>();

  /** Distinct identifiers held. */
  get size(): number {
    return this.holders.size;
  }

  /** Records that `member` holds these identifiers (keys from `identifierKeysOf`). */
  add(member: MemberKey, keys: Iterable<string>): void {
    for (const k of keys) {
      const held = this.holders.get(k);
      if (held === undefined) this.holders.set(k, member);
      else if (typeof held === 'string') {
        if (held !== member) this.holders.set(k, [held, member]);
      } else if (!held.includes(member)) held.push(member);
    }
  }

  /** Records that `member` no longer holds these identifiers. */
  remove(member: MemberKey, keys: Iterable<string>): void {
    for (const k of keys) {
      const held = this.holders.get(k);
      if (held === undefined) continue;
      if (typeof held === 'string') {
        if (held === member) this.holders.delete(k);
        continue;
      }
      const i = held.indexOf(member);
      if (i < 0) continue;
      // Order is not kept: readers sort what they show.
      held[i] = held[held.length - 1] as MemberKey;
      held.pop();
      if (held.length === 1) this.holders.set(k, held[0] as MemberKey);
    }
  }

  /** Moves `member` from the identifiers `before` to `after` (either may be empty). */
  replace(member: MemberKey, before: readonly string[], after: readonly string[]): void {
    const next = new Set(after);
    const prev = new Set(before);
    this.remove(
      member,
      before.filter((k) => !next.has(k)),
    );
    this.add(
      member,
      after.filter((k) => !prev.has(k)),
    );
  }

  /** How many live nominals hold the identifier with this canonical key. */
  holderCount(key: string): number {
    const held = this.holders.get(key);
    return held === undefined ? 0 : typeof held === 'string' ? 1 : held.length;
  }

  /** The live nominals holding the identifier with this canonical key, in no set order. */
  holdersOf(key: string): MemberKey[] {
    const held = this.holders.get(key);
    if (held === undefined) return [];
    return typeof held === 'string' ? [held] : [...held];
  }
}
