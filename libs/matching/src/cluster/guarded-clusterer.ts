/** What the guard needs to know of one cross pair. */
export interface CrossPair {
  /** Score in bits. */
  score: number;
  /** Some field both records hold weighs against a match (FellegiSunterScorer.contradicts). */
  contradicts: boolean;
}

export interface GuardOptions {
  /** Score and contradiction of an arbitrary pair, for the cross-cluster test. */
  pair: (a: number, b: number) => CrossPair;
  /** The link threshold in bits (`-Infinity`: no guard, plain connected components). */
  linkBits: number;
  /** Members sampled per side for the cross-cluster test. */
  sample?: number;
}

/**
 * Clustering over scored links with a guard against chaining.
 *
 * Plain connected components lets one wrong edge join two large clusters: every member of one
 * becomes "the same person" as every member of the other on the strength of a single pair. Here
 * links are taken strongest first (as in single-linkage agglomeration), and a merge of two
 * clusters is tested on the pairs across them (a sample of up to `sample` members per side):
 *
 * - if no cross pair contradicts (no field both records hold weighs against a match; unshared
 *   online identifiers aside — see `FellegiSunterScorer.contradicts`), the merge is accepted:
 *   low scores there come from missing evidence (a sparse record with no date of birth or PNC
 *   ID to compare), and the links that proposed the merge stand;
 * - otherwise the clusters must agree as wholes: the mean score over the cross pairs must
 *   itself reach the link threshold — average linkage as the acceptance test (cf. Hassanzadeh
 *   et al. 2009, "Framework for evaluating clustering algorithms in duplicate detection", PVLDB
 *   2(1), on the precision loss of connected components).
 *
 * So a wrong link between two clusters of different people is refused as soon as one sampled
 * cross pair conflicts (a different date of birth, a different PNC ID) and the pairs do not
 * outweigh it on average. A merge of two singletons is the link itself, so pairs are unaffected.
 *
 * Analysts' decisions win over scores: must-link pairs are merged first and unconditionally;
 * no merge ever puts a cannot-link pair into one cluster.
 */
export class GuardedClusterer {
  private readonly parent: Int32Array;
  private readonly members: (number[] | undefined)[];
  private readonly cannot = new Map<number, number[]>();
  private readonly refused = new Set<string>();
  private readonly sample: number;
  merges = 0;
  refusals = 0;

  constructor(
    readonly n: number,
    private readonly guard: GuardOptions,
  ) {
    this.parent = new Int32Array(n);
    this.members = new Array<number[] | undefined>(n);
    for (let i = 0; i < n; i++) {
      this.parent[i] = i;
      this.members[i] = [i];
    }
    this.sample = guard.sample ?? 12;
  }

  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r] ?? r;
    // Path compression.
    while (this.parent[i] !== r) {
      const next = this.parent[i] ?? r;
      this.parent[i] = r;
      i = next;
    }
    return r;
  }

  membersOf(root: number): readonly number[] {
    return this.members[root] ?? [];
  }

  addCannotLink(a: number, b: number): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const list = this.cannot.get(x);
      if (list) list.push(y);
      else this.cannot.set(x, [y]);
    }
  }

  /** Merges unconditionally (an analyst's must-link), unless it would break a cannot-link. */
  forceLink(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb || this.violatesCannotLink(ra, rb)) return false;
    this.union(ra, rb);
    return true;
  }

  /** Offers one link; returns true if it merged two clusters. Offer links strongest first. */
  offer(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    const ma = this.members[ra] ?? [];
    const mb = this.members[rb] ?? [];
    if (this.violatesCannotLink(ra, rb)) return false;
    if (ma.length > 1 || mb.length > 1) {
      const key =
        ra < rb ? `${ra}:${ma.length}:${rb}:${mb.length}` : `${rb}:${mb.length}:${ra}:${ma.length}`;
      if (this.refused.has(key)) return false;
      if (!this.agree(ma, mb)) {
        this.refused.add(key);
        this.refusals++;
        return false;
      }
    }
    this.union(ra, rb);
    return true;
  }

  /** The cross-cluster test: no cross pair contradicts, or their mean score reaches the link. */
  private agree(ma: readonly number[], mb: readonly number[]): boolean {
    const sa = sampleOf(ma, this.sample);
    const sb = sampleOf(mb, this.sample);
    let sum = 0;
    let contradicted = false;
    for (const x of sa) {
      for (const y of sb) {
        const p = this.guard.pair(x, y);
        sum += p.score;
        contradicted ||= p.contradicts;
      }
    }
    return !contradicted || sum / (sa.length * sb.length) >= this.guard.linkBits;
  }

  private violatesCannotLink(ra: number, rb: number): boolean {
    if (this.cannot.size === 0) return false;
    const ma = this.members[ra] ?? [];
    for (const x of ma) {
      for (const y of this.cannot.get(x) ?? []) if (this.find(y) === rb) return true;
    }
    return false;
  }

  private union(ra: number, rb: number): void {
    // Small into large; the root is the larger cluster's.
    const ma = this.members[ra] ?? [];
    const mb = this.members[rb] ?? [];
    const [big, small, bigRoot, smallRoot] =
      ma.length >= mb.length ? [ma, mb, ra, rb] : [mb, ma, rb, ra];
    for (const x of small) big.push(x);
    this.members[smallRoot] = undefined;
    this.parent[smallRoot] = bigRoot;
    this.merges++;
  }
}

/** Up to k members spread evenly over the list (deterministic). */
function sampleOf(list: readonly number[], k: number): readonly number[] {
  if (list.length <= k) return list;
  const out: number[] = [];
  const step = list.length / k;
  for (let i = 0; i < k; i++) out.push(list[Math.floor(i * step)] ?? 0);
  return out;
}
