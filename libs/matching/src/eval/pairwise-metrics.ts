/**
 * Pairwise evaluation (Christen 2012, "Data Matching", §7.2): a predicted pair is two records in
 * the same final cluster; a true pair is two records of the same entity. Blocking recall (pairs
 * completeness) is the share of true pairs that blocking ever puts forward for comparison.
 */
export interface PairwiseMetrics {
  records: number;
  truePairs: number;
  predictedPairs: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Share of true pairs among the blocked candidate pairs; undefined when not measured. */
  blockingRecall?: number;
  candidatePairs?: number;
}

function pairsWithin(groups: Map<string, number[]>): number {
  let n = 0;
  for (const g of groups.values()) n += (g.length * (g.length - 1)) / 2;
  return n;
}

function groupBy(keys: readonly string[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const g = m.get(k);
    if (g) g.push(i);
    else m.set(k, [i]);
  });
  return m;
}

/** `truth[i]` and `predicted[i]` are record i's entity and cluster. */
export function pairwiseMetrics(
  truth: readonly string[],
  predicted: readonly string[],
): PairwiseMetrics {
  const trueGroups = groupBy(truth);
  const predGroups = groupBy(predicted);
  // True positives: pairs sharing both entity and cluster = pairs within (entity, cluster) cells.
  const cells = groupBy(truth.map((t, i) => `${t}\u0000${predicted[i] ?? ''}`));
  const tp = pairsWithin(cells);
  const truePairs = pairsWithin(trueGroups);
  const predictedPairs = pairsWithin(predGroups);
  const precision = predictedPairs === 0 ? 1 : tp / predictedPairs;
  const recall = truePairs === 0 ? 1 : tp / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    records: truth.length,
    truePairs,
    predictedPairs,
    truePositives: tp,
    precision,
    recall,
    f1,
  };
}

/** Share of true pairs (i < j) that are in `candidates` (encoded i * n + j). */
export function blockingRecall(truth: readonly string[], candidates: ReadonlySet<number>): number {
  const n = truth.length;
  let total = 0;
  let found = 0;
  for (const g of groupBy(truth).values()) {
    for (let x = 0; x < g.length; x++) {
      for (let y = x + 1; y < g.length; y++) {
        const i = Math.min(g[x] ?? 0, g[y] ?? 0);
        const j = Math.max(g[x] ?? 0, g[y] ?? 0);
        total++;
        if (candidates.has(i * n + j)) found++;
      }
    }
  }
  return total === 0 ? 1 : found / total;
}
