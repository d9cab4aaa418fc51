import { F, FIELD_COUNT, FIELDS } from '../compare/fields';
import { tokenId } from '../normalise/token-ids';
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

  /** Records carrying token `value` (token-ids.ts) in field `field` (0 when unknown). */
  count(field: number, value: number): number {
    return this.counts[field]?.get(value) ?? 0;
  }

  private visit(r: NormalisedRecord, delta: number): void {
    const seen = new Set<string>();
    const bump = (field: number, text: string): void => {
      if (text === '') return;
      const k = `${field}\u0000${text}`;
      if (seen.has(k)) return;
      seen.add(k);
      const value = tokenId(text);
      const map = this.counts[field] as Map<number, number>;
      const next = (map.get(value) ?? 0) + delta;
      if (next <= 0) map.delete(value);
      else map.set(value, next);
    };
    for (const n of r.names) {
      const g = n.given[0];
      if (g !== undefined) bump(F.given, g);
      bump(F.family, n.family);
    }
    for (const id of r.custodyIds) bump(F.custodyId, `${id.scheme}:${id.value}`);
    for (const id of r.nationalIds) bump(F.nationalId, `${id.scheme}:${id.value}`);
    for (const o of r.online) bump(F.online, o);
    for (const a of r.addresses) bump(F.address, a.key);
  }
}

/** Fields whose top level is TF-adjusted, as a boolean per field index. */
export const TF_FIELDS: readonly boolean[] = FIELDS.map((f) => f.tf);
