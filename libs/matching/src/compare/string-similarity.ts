import { distance as levenshtein } from 'fastest-levenshtein';
import { similarity as talismanJaroWinkler } from 'talisman/metrics/jaro-winkler';
import { isTransientToken, queryEpoch, tokenId, tokenString } from '../normalise/token-ids';
import { jaroWinklerCeiling } from '../normalise/token-shapes';

/**
 * Jaro-Winkler similarity (Winkler 1990) from talisman, memoised by token-id pair. One talisman
 * call costs ~0.5 µs for a name and ~3 µs for a street (it allocates per call); name and place
 * vocabularies are small next to the number of pairs, so repeats cost one map look-up on a
 * number key. The memo is cleared when it fills rather than evicting piecemeal: simple, bounded.
 * A pair with a query's own token (a transient id, `withQueryTokens`) is compared by its texts
 * and memoised for that query only (`inQuery`, emptied when the next query uses it): its ids
 * mean nothing once the query returns, and the lasting memo keeps nothing of it.
 */
export class JaroWinklerMemo {
  /**
   * Value ≥ 0: the similarity. Value < 0: only an upper bound was computed (−bound), enough to
   * answer every query whose floor is above it without calling the library.
   */
  private readonly memo: PairMemo;
  private readonly histogram = new Int32Array(65536);
  /**
   * The current query's pairs with a transient side, as the memo's values (see above): a small
   * table of the same kind (transient ids fit its Int32 keys), emptied for each query.
   */
  private readonly inQuery = new PairMemo(10);
  private epoch = -1;

  constructor(capacityLog2 = 22) {
    this.memo = new PairMemo(capacityLog2);
  }

  /** Pairs memoised (for diagnostics and tests). */
  get memoised(): number {
    return this.memo.size;
  }

  /** Similarity of two tokens by id (see `token-ids.ts`); 0 when it cannot reach `floor`. */
  similarityIds(x: number, y: number, floor = 0): number {
    if (x === y) return 1;
    if (x < 0 || y < 0) return 0;
    // Two tokens whose lengths and letters cannot reach the floor: no memo probe, no strings.
    if (floor > 0 && jaroWinklerCeiling(x, y) < floor) return 0;
    const lo = x < y ? x : y;
    const hi = x < y ? y : x;
    const transient = isTransientToken(hi);
    const memo = transient ? this.inQuery : this.memo;
    if (transient && this.epoch !== queryEpoch()) {
      if (this.inQuery.size > 0) this.inQuery.clear();
      this.epoch = queryEpoch();
    }
    const known = memo.get(lo, hi);
    if (known !== undefined) {
      if (known >= 0) return known;
      if (-known < floor) return 0;
    }
    const a = tokenString(x);
    const b = tokenString(y);
    // Only an upper bound (−bound) when that rules the floor out, as in the memo.
    const bound = known === undefined && floor > 0 ? this.upperBound(a, b) : 1;
    const s = bound < floor ? -bound : talismanJaroWinkler(a, b);
    memo.set(lo, hi, s);
    return bound < floor ? 0 : s;
  }

  /** Similarity of two strings (interned on the way); 0 when it cannot reach `floor`. */
  similarity(a: string, b: string, floor = 0): number {
    if (a === b) return 1;
    if (a.length === 0 || b.length === 0) return 0;
    return this.similarityIds(tokenId(a), tokenId(b), floor);
  }

  /**
   * Jaro counts m matching characters, and m is at most the size of the two strings' character
   * multiset intersection, so Jaro ≤ (m/|a| + m/|b| + 1) / 3, and Jaro-Winkler ≤ Jaro + 0.4
   * (1 − Jaro) (prefix of at most 4, scaling 0.1). O(|a| + |b|), no allocation: most dissimilar
   * pairs never reach the library.
   */
  private upperBound(a: string, b: string): number {
    const h = this.histogram;
    for (let i = 0; i < a.length; i++) {
      const c = a.charCodeAt(i);
      h[c] = (h[c] ?? 0) + 1;
    }
    let common = 0;
    for (let i = 0; i < b.length; i++) {
      const c = b.charCodeAt(i);
      if ((h[c] ?? 0) > 0) {
        h[c] = (h[c] ?? 0) - 1;
        common++;
      }
    }
    for (let i = 0; i < a.length; i++) h[a.charCodeAt(i)] = 0;
    if (common === 0) return 0;
    const jaro = (common / a.length + common / b.length + 1) / 3;
    return jaro < 0.7 ? jaro : jaro + 0.4 * (1 - jaro);
  }
}

/**
 * Open-addressing hash table from a pair of token ids to a float, on typed arrays. A Map keyed by
 * `lo * 2^26 + hi` boxed every key beyond the small-integer range, and the garbage that made was
 * a third of scoring time. Cleared when 3/4 full at its largest: bounded memory, no eviction
 * bookkeeping.
 *
 * Each slot is 16 bytes in one buffer — `lo`, `hi` (Int32) and the value (Float64) side by side —
 * so a probe touches one cache line. With the keys and values in three separate arrays a look-up
 * in this (64 MiB) table cost three cache misses, and those misses were the top line of the
 * scoring profile.
 *
 * Sized to need (issue #14): it starts at 2^16 slots (1 MiB) and doubles when 3/4 full, up to
 * 2^capacityLog2 (64 MiB by default), so a process that compares few pairs (a hub answering
 * queries, a force node) holds what it uses, not 64 MiB from its first comparison (hashed slots
 * touch every page of the table within a few thousand entries).
 */
class PairMemo {
  /** Int32 view: slot i's keys at [4i] (lo + 1, 0 when empty) and [4i + 1] (hi). */
  private keys: Int32Array;
  /** Float64 view of the same buffer: slot i's value at [2i + 1]. */
  private values: Float64Array;
  private mask: number;
  size = 0;
  private readonly largest: number;

  constructor(capacityLog2: number) {
    this.largest = 1 << capacityLog2;
    const n = 1 << Math.min(capacityLog2, FIRST_MEMO_LOG2);
    // A fresh buffer is zero-filled, which is "every slot empty": no clearing pass (one over
    // 64 MiB cost ~0.4 s a comparator).
    const buffer = new ArrayBuffer(n * 16);
    this.keys = new Int32Array(buffer);
    this.values = new Float64Array(buffer);
    this.mask = n - 1;
  }

  clear(): void {
    this.keys.fill(0);
    this.size = 0;
  }

  /** Doubles the table, every entry kept. */
  private grow(): void {
    const { keys, values } = this;
    const n = (this.mask + 1) * 2;
    const buffer = new ArrayBuffer(n * 16);
    this.keys = new Int32Array(buffer);
    this.values = new Float64Array(buffer);
    this.mask = n - 1;
    for (let i = 0; i < keys.length; i += 4) {
      const k = keys[i] ?? 0;
      if (k === 0) continue;
      const hi = keys[i + 1] ?? 0;
      const j = this.slot(k - 1, hi);
      this.keys[j * 4] = k;
      this.keys[j * 4 + 1] = hi;
      this.values[j * 2 + 1] = values[i / 2 + 1] ?? 0;
    }
  }

  private slot(lo: number, hi: number): number {
    let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b);
    h ^= h >>> 15;
    let i = h & this.mask;
    const keys = this.keys;
    const key = lo + 1;
    for (;;) {
      const k = keys[i * 4] ?? 0;
      if (k === 0 || (k === key && keys[i * 4 + 1] === hi)) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(lo: number, hi: number): number | undefined {
    const i = this.slot(lo, hi);
    return this.keys[i * 4] === 0 ? undefined : this.values[i * 2 + 1];
  }

  set(lo: number, hi: number, value: number): void {
    if (this.size * 4 >= (this.mask + 1) * 3) {
      if (this.mask + 1 < this.largest) this.grow();
      else this.clear();
    }
    const i = this.slot(lo, hi);
    if (this.keys[i * 4] === 0) this.size++;
    this.keys[i * 4] = lo + 1;
    this.keys[i * 4 + 1] = hi;
    this.values[i * 2 + 1] = value;
  }
}

/** The Jaro–Winkler memo's first size (2^16 slots of 16 bytes: 1 MiB). */
const FIRST_MEMO_LOG2 = 16;

/**
 * True when b is a from one insertion, deletion, substitution or swap of two adjacent characters
 * (Damerau 1964): the keying errors a check letter exists to catch. Levenshtein distance comes
 * from fastest-levenshtein; the adjacent swap, which Levenshtein counts as two edits, is tested
 * directly.
 */
export function isOneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  const dl = a.length - b.length;
  if (dl > 1 || dl < -1) return false;
  if (dl === 0) {
    let first = -1;
    let diffs = 0;
    for (let i = 0; i < a.length; i++) {
      if (a.charCodeAt(i) !== b.charCodeAt(i)) {
        if (diffs === 0) first = i;
        diffs++;
        if (diffs > 2) return false;
      }
    }
    if (diffs === 1) return true;
    return (
      diffs === 2 &&
      a.charCodeAt(first) === b.charCodeAt(first + 1) &&
      a.charCodeAt(first + 1) === b.charCodeAt(first)
    );
  }
  return levenshtein(a, b) === 1;
}
