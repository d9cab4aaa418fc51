import { F, FIELD_COUNT, FIELDS } from '../compare/fields';
import type { NormalisedRecord } from '../normalise/record.normaliser';

/**
 * Per-field value counts over the records an index (or a batch) holds, for term-frequency
 * adjustment. Counts are per record (a value a record carries twice counts once) and change as
 * records are added and removed, so the adjustment always reflects the current population.
 */
export class TermFrequencies {
  private readonly counts: Map<number, number>[] = Array.from(
    { length: FIELD_COUNT },
    () => new Map<number, number>(),
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
    this.counts.forEach((m, field) => {
      for (const [value, count] of m) {
        out[i++] = field;
        out[i++] = value;
        out[i++] = count;
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
    for (let i = 0; i + 2 < triples.length; i += 3) {
      const map1 = this.counts[triples[i] ?? -1];
      const v = triples[i + 1] ?? -1;
      if (!map1) throw new Error(`TermFrequencies.load: no field ${triples[i]}`);
      map1.set(map ? (map[v] ?? -1) : v, triples[i + 2] ?? 0);
    }
    this.total = size;
  }

  /** Records carrying token `value` (token-ids.ts) in field `field` (0 when unknown). */
  count(field: number, value: number): number {
    return this.counts[field]?.get(value) ?? 0;
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
    const map = this.counts[field] as Map<number, number>;
    const next = (map.get(value) ?? 0) + delta;
    if (next <= 0) map.delete(value);
    else map.set(value, next);
  }
}

/** Fields whose top level is TF-adjusted, as a boolean per field index. */
export const TF_FIELDS: readonly boolean[] = FIELDS.map((f) => f.tf);
