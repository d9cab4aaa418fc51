import type { NominalState, OnlineIdentifier } from '@intel/contracts';
import { normaliseOnlineIdentifiers, type MatchOnlineIdentifier } from '@intel/matching';
import { onlineIdentifierKey } from '@intel/records';
import type { SnapshotPart } from '@intel/matching';
import type { MemberKey } from './member-key';
import { malformed, type NationalParts } from './snapshot-parts';

/**
 * The canonical keys (`onlineIdentifierKey`, the form CheckIdentifiers looks up) of a nominal's
 * online identifiers, once each; an identifier with no canonical form has none.
 */
export function identifierKeysOf(state: Pick<NominalState, 'onlineIdentifiers'>): string[] {
  const keys = new Set<string>();
  for (const o of state.onlineIdentifiers) {
    const k = canonicalIdentifierKey(o);
    if (k !== undefined) keys.add(k);
  }
  return [...keys];
}

/**
 * `onlineIdentifierKey(o)`. For the kinds the matching engine compares it is read through the
 * engine's bounded memo, which holds what the engine parsed when it indexed the same nominal
 * (the same key but for the kind's case): a phone number costs about 20 µs to parse, which for
 * a national index of a million phones would add about 20 s to every load. Other kinds (an IP
 * address), and identifiers the engine cannot read, are parsed here.
 */
export function canonicalIdentifierKey(o: OnlineIdentifier): string | undefined {
  return comparedIdentifierKey(o) ?? onlineIdentifierKey(o);
}

/**
 * The canonical key of an online identifier of a kind the matching engine compares (not an IP
 * address), read through the engine's memo as `canonicalIdentifierKey`; undefined for other
 * kinds and for identifiers the engine cannot read.
 */
export function comparedIdentifierKey(o: MatchOnlineIdentifier): string | undefined {
  const [engineKey] = normaliseOnlineIdentifiers([o]);
  if (engineKey === undefined) return undefined;
  const i = engineKey.indexOf(':');
  return engineKey.slice(0, i).toLowerCase() + engineKey.slice(i);
}

/**
 * Exact online-identifier index: canonical identifier key → the live nominals holding it. Unlike
 * the matching engine's blocks, nothing is skipped however many nominals share an identifier.
 *
 * A holder is whatever the caller names nominals by: the national index passes its integer
 * handles (`H` = number), so that postings are small integers, not references to key strings.
 * Stored compactly for a national index (about a million persons): an identifier held by one
 * nominal (most) maps to that holder itself; only a shared identifier has an array. No other
 * object per entry. Each identifier key string is held once, by the map.
 */
export class ExactIdentifierIndex<H extends string | number = MemberKey> {
  private readonly holders = new Map<string, H | H[]>();

  /** Distinct identifiers held. */
  get size(): number {
    return this.holders.size;
  }

  /** Records that `member` holds these identifiers (keys from `identifierKeysOf`). */
  add(member: H, keys: Iterable<string>): void {
    for (const k of keys) {
      const held = this.holders.get(k);
      if (held === undefined) this.holders.set(k, member);
      else if (!Array.isArray(held)) {
        if (held !== member) this.holders.set(k, [held, member]);
      } else if (!held.includes(member)) held.push(member);
    }
  }

  /** Records that `member` no longer holds these identifiers. */
  remove(member: H, keys: Iterable<string>): void {
    for (const k of keys) {
      const held = this.holders.get(k);
      if (held === undefined) continue;
      if (!Array.isArray(held)) {
        if (held === member) this.holders.delete(k);
        continue;
      }
      const i = held.indexOf(member);
      if (i < 0) continue;
      // Order is not kept: readers sort what they show.
      held[i] = held[held.length - 1] as H;
      held.pop();
      if (held.length === 1) this.holders.set(k, held[0] as H);
    }
  }

  /** Moves `member` from the identifiers `before` to `after` (either may be empty). */
  replace(member: H, before: readonly string[], after: readonly string[]): void {
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
    return held === undefined ? 0 : Array.isArray(held) ? held.length : 1;
  }

  /** The live nominals holding the identifier with this canonical key, in no set order. */
  holdersOf(key: string): H[] {
    const held = this.holders.get(key);
    if (held === undefined) return [];
    return Array.isArray(held) ? [...held] : [held];
  }

  /**
   * The index as a snapshot's parts, for integer holders (the national index's handles): the
   * identifier keys, how many hold each, and the holders in order.
   */
  *snapshotParts(this: ExactIdentifierIndex<number>): Generator<SnapshotPart> {
    const counts = new Int32Array(this.holders.size);
    let total = 0;
    let i = 0;
    for (const held of this.holders.values()) {
      const n = Array.isArray(held) ? held.length : 1;
      counts[i++] = n;
      total += n;
    }
    const flat = new Int32Array(total);
    let at = 0;
    for (const held of this.holders.values())
      if (Array.isArray(held)) for (const h of held) flat[at++] = h;
      else flat[at++] = held;
    yield { name: 'identifiers.keys', strings: this.holders.keys() };
    yield { name: 'identifiers.count', i32: counts };
    yield { name: 'identifiers.holders', i32: flat };
  }

  /** The index `snapshotParts` wrote (same holders in the same order). */
  static fromSnapshot(parts: NationalParts): ExactIdentifierIndex<number> {
    const out = new ExactIdentifierIndex<number>();
    const keys = parts.strings('identifiers.keys');
    const counts = parts.i32('identifiers.count');
    const flat = parts.i32('identifiers.holders');
    if (counts.length !== keys.length) throw malformed('identifier keys and counts disagree');
    let at = 0;
    keys.forEach((k, i) => {
      const n = counts[i] as number;
      if (n < 1 || at + n > flat.length) throw malformed(`identifier ${i} counts ${n} holders`);
      out.holders.set(k, n === 1 ? (flat[at] as number) : [...flat.subarray(at, at + n)]);
      at += n;
    });
    if (at !== flat.length) throw malformed('more identifier holders than counted');
    return out;
  }
}
