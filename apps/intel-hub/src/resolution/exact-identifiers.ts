import type { NominalState, OnlineIdentifier } from '@intel/contracts';
import { normaliseOnlineIdentifiers, type MatchOnlineIdentifier } from '@intel/matching';
import { onlineIdentifierKey } from '@intel/records';
import { TextHandles, type SnapshotPart } from '@intel/matching';
import { malformed, type NationalParts } from './snapshot-parts';
import { withSlot } from './typed-growth';

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
 * A holder is the national index's integer handle for a nominal. Stored compactly for a national
 * index (about a million persons, most identifiers held by one nominal), with no object per
 * identifier: the keys are interned to handles in a `TextHandles` (a byte arena; an identifier's
 * handle is released when its last holder goes), and `one[k]` is identifier `k`'s holder when it
 * has one, or -1 when it is shared: only a shared identifier has an array of its holders, in
 * `shared`.
 */
export class ExactIdentifierIndex {
  private readonly keys: TextHandles;
  private one: Int32Array;
  private readonly shared = new Map<number, number[]>();

  constructor(keys = new TextHandles(), one = new Int32Array(0)) {
    this.keys = keys;
    this.one = one;
  }

  /** Distinct identifiers held. */
  get size(): number {
    return this.keys.size;
  }

  /** Records that `member` holds these identifiers (keys from `identifierKeysOf`). */
  add(member: number, keys: Iterable<string>): void {
    for (const key of keys) {
      const known = this.keys.find(key);
      if (known < 0) {
        const k = this.keys.intern(key);
        this.one = withSlot(this.one, k, -1);
        this.one[k] = member;
        continue;
      }
      const held = this.one[known] as number;
      if (held >= 0) {
        if (held !== member) {
          this.shared.set(known, [held, member]);
          this.one[known] = -1;
        }
        continue;
      }
      const list = this.shared.get(known) as number[];
      if (!list.includes(member)) list.push(member);
    }
  }

  /** Records that `member` no longer holds these identifiers. */
  remove(member: number, keys: Iterable<string>): void {
    for (const key of keys) {
      const k = this.keys.find(key);
      if (k < 0) continue;
      const held = this.one[k] as number;
      if (held >= 0) {
        if (held === member) this.keys.release(k);
        continue;
      }
      const list = this.shared.get(k) as number[];
      const i = list.indexOf(member);
      if (i < 0) continue;
      // Order is not kept: readers sort what they show.
      list[i] = list[list.length - 1] as number;
      list.pop();
      if (list.length === 1) {
        this.one[k] = list[0] as number;
        this.shared.delete(k);
      }
    }
  }

  /** Moves `member` from the identifiers `before` to `after` (either may be empty). */
  replace(member: number, before: readonly string[], after: readonly string[]): void {
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
    const k = this.keys.find(key);
    if (k < 0) return 0;
    return (this.one[k] as number) >= 0 ? 1 : (this.shared.get(k) as number[]).length;
  }

  /** The live nominals holding the identifier with this canonical key, in no set order. */
  holdersOf(key: string): number[] {
    const k = this.keys.find(key);
    if (k < 0) return [];
    const held = this.one[k] as number;
    return held >= 0 ? [held] : [...(this.shared.get(k) as number[])];
  }

  /**
   * The index as a snapshot's parts: the identifier keys, how many hold each, and the holders in
   * order (identifiers in handle order).
   */
  *snapshotParts(): Generator<SnapshotPart> {
    const live: number[] = [];
    for (let k = 0; k < this.keys.limit; k++) if (this.keys.has(k)) live.push(k);
    const counts = new Int32Array(live.length);
    let total = 0;
    live.forEach((k, i) => {
      const n = (this.one[k] as number) >= 0 ? 1 : (this.shared.get(k) as number[]).length;
      counts[i] = n;
      total += n;
    });
    const flat = new Int32Array(total);
    let at = 0;
    for (const k of live) {
      const held = this.one[k] as number;
      if (held >= 0) flat[at++] = held;
      else for (const h of this.shared.get(k) as number[]) flat[at++] = h;
    }
    const keys = this.keys;
    const texts = function* (): Generator<string> {
      for (const k of live) yield keys.text(k);
    };
    yield { name: 'identifiers.keys', strings: texts() };
    yield { name: 'identifiers.count', i32: counts };
    yield { name: 'identifiers.holders', i32: flat };
  }

  /** The index `snapshotParts` wrote (same holders in the same order). */
  static fromSnapshot(parts: NationalParts): ExactIdentifierIndex {
    const keys = parts.rawStrings('identifiers.keys');
    const counts = parts.i32('identifiers.count');
    const flat = parts.i32('identifiers.holders');
    if (counts.length !== keys.count) throw malformed('identifier keys and counts disagree');
    let texts: TextHandles;
    try {
      texts = TextHandles.restoredUtf8(keys, []);
    } catch (e) {
      throw malformed(`identifier keys: ${(e as Error).message}`);
    }
    const out = new ExactIdentifierIndex(texts, new Int32Array(keys.count));
    let at = 0;
    counts.forEach((_, i) => {
      const n = counts[i] as number;
      if (n < 1 || at + n > flat.length) throw malformed(`identifier ${i} counts ${n} holders`);
      if (n === 1) out.one[i] = flat[at] as number;
      else {
        out.one[i] = -1;
        out.shared.set(i, [...flat.subarray(at, at + n)]);
      }
      at += n;
    });
    if (at !== flat.length) throw malformed('more identifier holders than counted');
    return out;
  }
}
