import { DisjointSets } from '@intel/matching';

/**
 * The recall the pairwise model allows on a labelled set, whatever the blocking: the share of
 * true pairs whose two records are joined by a path of true pairs each scoring at least `bits`.
 * It assumes every true pair compared, no chaining guard and no false link, so it bounds what a
 * better blocking can give: at the link threshold, true pairs outside it are lost to the scores,
 * not to blocking; at the POSSIBLE threshold, it is what the review queue could reach.
 *
 * `truePairs[k]` (record indices) is scored `scores[k]` in bits. NaN when there are no true pairs.
 */
export function recallCeiling(
  records: number,
  truePairs: readonly (readonly [number, number])[],
  scores: readonly number[],
  bits: number,
): number {
  if (truePairs.length === 0) return NaN;
  const sets = new DisjointSets(records);
  truePairs.forEach(([a, b], k) => {
    if ((scores[k] ?? -Infinity) >= bits) sets.union(sets.find(a), sets.find(b));
  });
  let joined = 0;
  for (const [a, b] of truePairs) if (sets.find(a) === sets.find(b)) joined++;
  return joined / truePairs.length;
}
