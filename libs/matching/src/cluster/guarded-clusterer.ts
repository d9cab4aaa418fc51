import { DisjointSets } from './disjoint-sets';

/** What the guard needs to know of one cross pair. */
export interface CrossPair {
  /** Score in bits. */
  score: number;
  /**
   * Some field both records hold that tells two people apart (date of birth, identifiers,
   * address, sex, region — not the names) weighs against a match (FellegiSunterScorer.conflicts).
   */
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
 * - if no cross pair contradicts (no field both records hold that tells two people apart weighs
 *   against a match; names and unshared online identifiers aside — see
 *   `FellegiSunterScorer.conflicts`), the merge is accepted: low scores there come from missing
 *   or damaged evidence (a sparse record with no date of birth or PNC ID to compare, a lone
 *   name, a misspelt one), and the links that proposed the merge stand;
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
 * no merge ever puts a cannot-link pair into one cluster. A must-link joins the two records'
 * clusters (`find`), not their evidence: the guard keeps testing a link on the records that
 * links put together (each side's link cluster), so joining a sparse or damaged record to a
 * person by decision never makes that person refuse the links its other records already make
 * (the chaining guard would otherwise weigh every record against the damaged one).
 */
export class GuardedClusterer {
  /** Link clusters: what links made, the unit of the guard's test. */
  private readonly linked: DisjointSets;
  /** Clusters: link clusters joined by analysts' must-links (the result, `find`). */
  private readonly joined: DisjointSets;
  private readonly cannot = new Map<number, number[]>();
  private readonly refused = new Set<string>();
  private readonly sample: number;
  merges = 0;
  refusals = 0;

  constructor(
    readonly n: number,
    private readonly guard: GuardOptions,
  ) {
    this.linked = new DisjointSets(n);
    this.joined = new DisjointSets(n);
    this.sample = guard.sample ?? 12;
  }

  /** The root of `i`'s cluster (links and must-links). */
  find(i: number): number {
    return this.joined.find(i);
  }

  /** The members of the cluster whose root is `root`. */
  membersOf(root: number): readonly number[] {
    return this.joined.membersOf(root);
  }

  private linkRoot(i: number): number {
    return this.linked.find(i);
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
    const ja = this.find(a);
    const jb = this.find(b);
    if (ja === jb || this.violatesCannotLink(ja, jb)) return false;
    this.joined.union(ja, jb);
    this.merges++;
    return true;
  }

  /**
   * Offers one link; returns true if it merged two link clusters. Offer links strongest first.
   * The guard tests the two link clusters; no cannot-link may end up in one cluster.
   */
  offer(a: number, b: number): boolean {
    const ra = this.linkRoot(a);
    const rb = this.linkRoot(b);
    if (ra === rb) return false;
    const ma = this.linked.membersOf(ra);
    const mb = this.linked.membersOf(rb);
    const ja = this.find(a);
    const jb = this.find(b);
    if (ja !== jb && this.violatesCannotLink(ja, jb)) return false;
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
    this.linked.union(ra, rb);
    if (ja !== jb) {
      this.joined.union(ja, jb);
      this.merges++;
    }
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

  /** Whether joining the clusters rooted at `ja` and `jb` would put a cannot-link pair in one. */
  private violatesCannotLink(ja: number, jb: number): boolean {
    if (this.cannot.size === 0) return false;
    for (const x of this.joined.membersOf(ja)) {
      for (const y of this.cannot.get(x) ?? []) if (this.find(y) === jb) return true;
    }
    return false;
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
