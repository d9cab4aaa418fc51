import { F, FIELD_COUNT, FIELDS } from '../compare/fields';
import type { NormalisedRecord } from '../normalise/record.normaliser';

/**
 * The table of town counts (an address's town, folded), kept after the fields' tables: the
 * address level `town` is adjusted by the agreed town's frequency (FellegiSunterScorer).
 */
export const TOWN_TF = FIELD_COUNT;

/**
 * Per-field value counts over the records an index (or a batch) holds, for term-frequency
 * adjustment. Counts are per record (a value a record carries twice counts once) and change as
 * records are added and removed, so the adjustment always reflects the current population.
 */
export class TermFrequencies {
  private readonly counts: TokenCounts[] = Array.from(
    { length: FIELD_COUNT + 1 },
    () => new TokenCounts(),
  );
  private total = 0;

  get size(): number {
    return this.total;
  }

  add(r: NormalisedRecord): void {
    this.total++;
    this.visit(r, 1);
  }

  remove(r: NormalisedRecord): void {
    this.total--;
    this.visit(r, -1);
  }

  /** The counts as (field, token id, count) triples, for a snapshot; `size` apart. */
  triples(): Int32Array<ArrayBuffer> {
    let n = 0;
    for (const m of this.counts) n += m.size;
    const out = new Int32Array(n * 3);
    let i = 0;
    // By field, then token id: the same triples for the same counts however they were reached
    // (a snapshot loaded and written again is the same bytes).
    this.counts.forEach((m, field) => {
      const values = new Int32Array(m.size);
      let k = 0;
      m.forEach((value) => (values[k++] = value));
      for (const value of values.sort()) {
        out[i++] = field;
        out[i++] = value;
        out[i++] = m.get(value);
      }
    });
    return out;
  }

  /**
   * Takes the counts of a snapshot (`triples`) into these empty frequencies, each token id
   * through `map` when given (records written by a process whose token table differed).
   */
  load(triples: Int32Array, size: number, map?: Int32Array): void {
    if (this.total !== 0 || this.counts.some((m) => m.size > 0))
      throw new Error('TermFrequencies.load needs empty frequencies');
    // Each field's table sized once for its values (a 1M snapshot holds millions: doubling
    // the table as they arrive rehashed them all several times).
    const perField = new Int32Array(this.counts.length);
    for (let i = 0; i + 2 < triples.length; i += 3) {
      const f = triples[i] ?? -1;
      if (f >= 0 && f < perField.length) perField[f] = (perField[f] ?? 0) + 1;
    }
    perField.forEach((n, f) => this.counts[f]?.reserve(n));
    for (let i = 0; i + 2 < triples.length; i += 3) {
      const map1 = this.counts[triples[i] ?? -1];
      const v = triples[i + 1] ?? -1;
      if (!map1) throw new Error(`TermFrequencies.load: no field ${triples[i]}`);
      const value = map ? (map[v] ?? -1) : v;
      if (value < 0) throw new Error(`TermFrequencies.load: token ${v} has no id here`);
      map1.add(value, triples[i + 2] ?? 0);
    }
    this.total = size;
  }

  /** Records carrying token `value` (token-ids.ts) in field `field` (0 when unknown). */
  count(field: number, value: number): number {
    return value < 0 ? 0 : (this.counts[field]?.get(value) ?? 0);
  }

  /**
   * Σ n² over the values of table `field` (each value's record count squared): Σ n² / size² is
   * the chance that two records drawn at random agree on the field (both holding it).
   */
  sumOfSquares(field: number): number {
    return this.counts[field]?.sumOfSquares ?? 0;
  }

  /**
   * Bumps each distinct value a record carries, per field. Works on the token ids the normaliser
   * already interned (`givenIds`, `familyId`, identifier `id`, `onlineIds`, address `keyId`) —
   * each is `tokenId` of exactly the text counted here, so the counts are the same as counting
   * by text, without building a key string and a Set per record.
   */
  private visit(r: NormalisedRecord, delta: number): void {
    this.seen.length = 0;
    for (const n of r.names) {
      if (n.given.length > 0) this.bump(F.given, n.givenIds[0] ?? -1, delta);
    }
    for (const n of r.names) this.bump(F.family, n.familyId, delta);
    for (const id of r.custodyIds) this.bump(F.custodyId, id.id, delta);
    for (const id of r.nationalIds) this.bump(F.nationalId, id.id, delta);
    for (const o of r.onlineIds) this.bump(F.online, o, delta);
    for (const a of r.addresses) this.bump(F.address, a.keyId, delta);
    for (const a of r.addresses) this.bump(TOWN_TF, a.townId, delta);
  }

  /**
   * Scratch list of the (field, value) pairs already bumped for the current record, flat: a
   * record carries a handful of values, so a linear scan beats allocating a Set per record.
   */
  private readonly seen: number[] = [];

  private bump(field: number, value: number, delta: number): void {
    // -1 is the id of the empty string: a missing value is not counted.
    if (value < 0) return;
    const seen = this.seen;
    for (let i = 0; i < seen.length; i += 2) {
      if (seen[i] === field && seen[i + 1] === value) return;
    }
    seen.push(field, value);
    (this.counts[field] as TokenCounts).add(value, delta);
  }
}

/**
 * Counts by token id (≥ 0) for one field: an open-addressing hash table (linear probing,
 * backward-shift deletion) of ids and counts in two Int32Arrays, at most three quarters full;
 * a count that falls to 0 takes its id out. ~11–21 bytes a distinct value, where a
 * Map<number, number> cost ~30–60 (issue #14: identifiers, online identifiers and addresses
 * have about one distinct value a record each).
 */
export class TokenCounts {
  /** Token id per slot, -1 = empty; its size is a power of two. */
  private ids = new Int32Array(16).fill(-1);
  private counts = new Int32Array(16);
  size = 0;
  /** Σ count² over the ids held. */
  sumOfSquares = 0;

  get(id: number): number {
    const mask = this.ids.length - 1;
    for (let s = slotOf(id, mask); ; s = (s + 1) & mask) {
      const held = this.ids[s] as number;
      if (held === id) return this.counts[s] as number;
      if (held < 0) return 0;
    }
  }

  /** Room for `n` ids in all without growing (an empty table only: a load's presizing). */
  reserve(n: number): void {
    if (this.size !== 0) return;
    let length = this.ids.length;
    while (n * 4 > length * 3) length *= 2;
    if (length === this.ids.length) return;
    this.ids = new Int32Array(length).fill(-1);
    this.counts = new Int32Array(length);
  }

  /** Adds `delta` to `id`'s count (a new id starts at 0); an id whose count is not above 0 goes. */
  add(id: number, delta: number): void {
    const mask = this.ids.length - 1;
    let s = slotOf(id, mask);
    while (this.ids[s] !== id && (this.ids[s] as number) >= 0) s = (s + 1) & mask;
    if (this.ids[s] === id) {
      const held = this.counts[s] as number;
      const next = held + delta;
      this.sumOfSquares += (next > 0 ? next * next : 0) - held * held;
      if (next > 0) this.counts[s] = next;
      else this.takeOut(s);
      return;
    }
    if (delta <= 0) return;
    if ((this.size + 1) * 4 > this.ids.length * 3) {
      this.rehash(this.ids.length * 2);
      this.add(id, delta);
      return;
    }
    this.ids[s] = id;
    this.counts[s] = delta;
    this.sumOfSquares += delta * delta;
    this.size++;
  }

  /** Calls `f` with each id held and its count, in no set order. */
  forEach(f: (id: number, count: number) => void): void {
    for (let s = 0; s < this.ids.length; s++) {
      const id = this.ids[s] as number;
      if (id >= 0) f(id, this.counts[s] as number);
    }
  }

  /** Empties slot `s`, shifting back the entries that probed past it. */
  private takeOut(s: number): void {
    const mask = this.ids.length - 1;
    let hole = s;
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const id = this.ids[j] as number;
      if (id < 0) break;
      const home = slotOf(id, mask);
      // Move it into the hole unless its home lies cyclically in (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        this.ids[hole] = id;
        this.counts[hole] = this.counts[j] as number;
        hole = j;
      }
    }
    this.ids[hole] = -1;
    this.counts[hole] = 0;
    this.size--;
  }

  private rehash(length: number): void {
    const [ids, counts] = [this.ids, this.counts];
    this.ids = new Int32Array(length).fill(-1);
    this.counts = new Int32Array(length);
    this.size = 0;
    this.sumOfSquares = 0;
    for (let s = 0; s < ids.length; s++) {
      const id = ids[s] as number;
      if (id >= 0) this.add(id, counts[s] as number);
    }
  }
}

function slotOf(id: number, mask: number): number {
  let h = Math.imul(id, 0x9e3779b1);
  h ^= h >>> 16;
  return h & mask;
}

/** Fields whose top level is TF-adjusted, as a boolean per field index. */
export const TF_FIELDS: readonly boolean[] = FIELDS.map((f) => f.tf);
