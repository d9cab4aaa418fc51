import { F } from '../compare/fields';
import { ROW_DERIVED, ROW_STRIDE, TF_COUNT } from '../compare/record.comparator';
import { FL, FLAT_FIELDS, type NormalisedRecord } from '../normalise/record.normaliser';
import { TOWN_TF, type TermFrequencies } from '../score/term-frequencies';

/**
 * A batch's records as one table, ROW_STRIDE integers a record (struct of arrays): each record's
 * flat row, then the count in `tf` of each of its term-frequency values, then room for the
 * derived tokens of its identifiers and handles (ROW_DERIVED). Scoring a pair of simple
 * records reads two rows of this one array — no pointer to follow, and no frequency look-up in a
 * map of a million entries, which at national scale cost a cache miss or two per field.
 * `tf` must be the population the batch scores with, and must not change while the rows are used.
 */
export function batchRows(norm: readonly NormalisedRecord[], tf: TermFrequencies): Int32Array {
  const rows = new Int32Array(norm.length * ROW_STRIDE);
  for (let i = 0; i < norm.length; i++) {
    const { flat, flatAt } = norm[i] as NormalisedRecord;
    const o = i * ROW_STRIDE;
    for (let k = 0; k < FLAT_FIELDS; k++) rows[o + k] = flat[flatAt + k] ?? 0;
    rows[o + TF_COUNT.given] = countOf(tf, F.given, rows[o + FL.gId]);
    rows[o + TF_COUNT.family] = countOf(tf, F.family, rows[o + FL.fId]);
    rows[o + TF_COUNT.custodyId] = countOf(tf, F.custodyId, rows[o + FL.cuId]);
    rows[o + TF_COUNT.nationalId] = countOf(tf, F.nationalId, rows[o + FL.naId]);
    for (let k = 0; k < 3; k++)
      rows[o + TF_COUNT.on0 + k] = countOf(tf, F.online, rows[o + FL.on0 + k]);
    rows[o + TF_COUNT.address] = countOf(tf, F.address, rows[o + FL.adId]);
    rows[o + TF_COUNT.town] = countOf(tf, TOWN_TF, rows[o + FL.twId]);
    // The derived tokens, worked out as scoring first needs them.
    rows.fill(-2, o + ROW_DERIVED.custodyCompact, o + ROW_STRIDE);
  }
  return rows;
}

function countOf(tf: TermFrequencies, field: number, value: number | undefined): number {
  return value === undefined || value < 0 ? -1 : tf.count(field, value);
}
