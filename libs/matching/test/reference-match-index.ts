import { DEFAULT_MAX_BLOCK_SIZE, keyType } from '../src/block/blocking-keys';
import { GuardedClusterer } from '../src/cluster/guarded-clusterer';
import { newComparison, type RecordComparator } from '../src/compare/record.comparator';
import type { MatchInput } from '../src/model/match-input';
import { normaliseRecord, type NormalisedRecord } from '../src/normalise/record.normaliser';
import { FellegiSunterScorer, type PairScore } from '../src/score/fellegi-sunter.scorer';
import type { MatchParameters } from '../src/score/match-parameters';
import { TermFrequencies } from '../src/score/term-frequencies';
import { waterfallOf } from '../src/score/waterfall';
import { symmetricBlockingKeys } from './symmetric-lone-keys';
import type {
  AddResult,
  ClusterChanges,
  HeldLink,
  MatchIndexOptions,
  PairConstraint,
  PairWaterfall,
  QueryCandidate,
  RestoredLink,
  RestoredRecord,
  ScoredCandidate,
  ScoredLink,
} from '../src/engine/match-index';

/*
 * MatchIndex as it was before its storage was made compact (issue #14): one object per record
 * holding its whole NormalisedRecord, string-keyed blocks, a Map of links per record and a Set
 * per cluster; lone names filed under every birth year (`symmetricBlockingKeys`). Kept here, outside the build, only as the reference the equivalence spec checks
 * the compact index against: the same operations must give the same results.
 */

interface Entry {
  id: string;
  seq: number;
  norm: NormalisedRecord;
  clusterId: string;
  /** Linked neighbours (seq → score). */
  links: Map<number, number>;
}

/**
 * Incremental index for the hub and the force node: records can be added and removed one at a
 * time, and each change reports the links and cluster changes it caused. Candidate search is a
 * look-up of the record's blocking keys; clusters follow the same guarded rule as the batch.
 *
 * Cluster ids are the id of the cluster's earliest-added member, so they are stable while that
 * member stays. Term frequencies track the records held; links already made are not re-scored
 * when frequencies drift (re-run the batch to refresh them).
 *
 * Analysts' decisions (`PairConstraint`) name records, not scores, and are honoured by every
 * change: a must-link pair is one cluster whatever its records score (when either is added
 * again, the other's cluster is joined to it); a cannot-link pair is never one cluster: the
 * records concerned are clustered from their links strongest first, and the first link that
 * would join the pair is not taken (the weakest link on the strongest path between them).
 */
export class ReferenceMatchIndex {
  private readonly scorer: FellegiSunterScorer;
  private readonly tf = new TermFrequencies();
  private readonly bySeq = new Map<number, Entry>();
  private readonly byId = new Map<string, Entry>();
  private readonly blocks = new Map<string, number[]>();
  private readonly clusters = new Map<string, Set<number>>();
  /** Analysts' decisions, both ways: record id → other record id → decision. */
  private readonly constraints = new Map<string, Map<string, PairConstraint>>();
  private readonly maxBlockSize: number;
  private readonly corroboratedLinks: boolean;
  private nextSeq = 0;
  private readonly cmp = newComparison();

  constructor(
    readonly parameters: MatchParameters,
    private readonly comparator: RecordComparator,
    options: MatchIndexOptions = {},
  ) {
    this.scorer = new FellegiSunterScorer(parameters, this.tf);
    this.maxBlockSize = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
    this.corroboratedLinks = options.corroboratedLinks ?? false;
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  clusterOf(id: string): string | undefined {
    return this.byId.get(id)?.clusterId;
  }

  membersOf(clusterId: string): string[] {
    return [...(this.clusters.get(clusterId) ?? [])].map((s) => this.bySeq.get(s)?.id ?? '');
  }

  /** Adds (or replaces) a record; returns its links and the cluster changes. */
  add(id: string, input: MatchInput): AddResult {
    const changes = new Map<string, string[]>();
    if (this.byId.has(id))
      for (const c of this.remove(id).clusters) changes.set(c.clusterId, c.members);
    const norm = normaliseRecord(input);
    const seq = this.nextSeq++;
    const keys = symmetricBlockingKeys(norm);
    const entry: Entry = { id, seq, norm, clusterId: id, links: new Map() };
    this.tf.add(norm);
    const scored: { seq: number; score: number; namesOnly: boolean }[] = [];
    for (const s of this.candidateSeqs(keys)) {
      const other = this.bySeq.get(s);
      if (!other) continue;
      const c = this.comparator.compare(norm, other.norm, this.cmp);
      const score = this.scorer.score(c);
      const namesOnly =
        this.corroboratedLinks && this.scorer.isLink(score) && !this.scorer.corroborates(c);
      scored.push({ seq: s, score, namesOnly });
    }
    this.insert(entry, keys);
    this.clusters.set(id, new Set([seq]));
    scored.sort((x, y) => y.score - x.score);
    const links: ScoredLink[] = [];
    const possibles: ScoredLink[] = [];
    for (const { seq: s, score, namesOnly } of scored) {
      const other = this.bySeq.get(s);
      const band = this.scorer.band(score);
      if (!other || band === undefined) continue;
      if (namesOnly) possibles.push({ id: other.id, score, band: 'MATCH_BAND_POSSIBLE' });
      else if (this.scorer.isLink(score)) {
        links.push({ id: other.id, score, band });
        entry.links.set(s, score);
        other.links.set(seq, score);
      } else possibles.push({ id: other.id, score, band });
    }
    // Offer the new record's links strongest first, as the batch does.
    for (const l of links) {
      const other = this.byId.get(l.id);
      if (!other || other.clusterId === entry.clusterId) continue;
      this.tryMerge(entry.clusterId, other.clusterId, changes);
    }
    // An analyst's must-link holds whatever the record scores now (it may have been updated, or
    // the index rebuilt with other parameters): its partners' clusters are joined to its own.
    for (const [partner, kind] of this.constraints.get(id) ?? []) {
      const other = this.byId.get(partner);
      if (kind !== 'must' || !other || other.clusterId === entry.clusterId) continue;
      for (const c of this.reclusterAround(id, partner).clusters)
        changes.set(c.clusterId, c.members);
    }
    const clusterId = entry.clusterId;
    changes.set(clusterId, this.membersOf(clusterId));
    return {
      id,
      clusterId,
      links,
      possibles,
      clusters: [...changes].map(([c, members]) => ({ clusterId: c, members })),
    };
  }

  /**
   * Fills an empty index with records as they were saved: each joins its saved cluster and the
   * saved links are taken as they are; nothing is scored, linked or re-clustered. Restoring what
   * `links()` and the clusters gave reproduces the index whatever order records come in, where
   * adding them again would not (the guard's decisions and term frequencies depend on the order
   * of adds). Links naming an unknown record are ignored. Cluster ids are the id of each
   * cluster's first record restored.
   */
  restore(records: Iterable<RestoredRecord>, links: Iterable<RestoredLink>): void {
    if (this.byId.size > 0) throw new Error('MatchIndex.restore needs an empty index');
    const clusterOfLabel = new Map<string, string>();
    for (const { id, input, cluster } of records) {
      if (this.byId.has(id)) throw new Error(`MatchIndex.restore: record ${id} given twice`);
      // The reference normalises every record itself: it is given their inputs.
      const norm = normaliseRecord(input as MatchInput);
      const seq = this.nextSeq++;
      let clusterId = clusterOfLabel.get(cluster);
      if (clusterId === undefined) {
        clusterId = id;
        clusterOfLabel.set(cluster, id);
        this.clusters.set(id, new Set());
      }
      this.tf.add(norm);
      this.insert({ id, seq, norm, clusterId, links: new Map() }, symmetricBlockingKeys(norm));
      this.clusters.get(clusterId)?.add(seq);
    }
    for (const { a, b, score } of links) {
      const ea = this.byId.get(a);
      const eb = this.byId.get(b);
      if (!ea || !eb || ea === eb) continue;
      ea.links.set(eb.seq, score);
      eb.links.set(ea.seq, score);
    }
  }

  /**
   * Clusters the records of `id`'s cluster again from their stored links (after a restore that
   * left a withdrawn member out: what held the cluster together may be gone).
   */
  regroup(id: string): ClusterChanges {
    return this.reclusterAround(id, id);
  }

  /** Every link held, once each (what `restore` takes back). */
  *links(): IterableIterator<HeldLink> {
    for (const e of this.bySeq.values())
      for (const [s, score] of e.links) {
        const other = this.bySeq.get(s);
        const band = this.scorer.band(score);
        if (other && e.seq < s && band) yield { a: e.id, b: other.id, score, band };
      }
  }

  /** Removes a record (MoPI disposal, withdrawal); its cluster is re-clustered and may split. */
  remove(id: string): ClusterChanges {
    const entry = this.byId.get(id);
    if (!entry) return { clusters: [] };
    this.tf.remove(entry.norm);
    // Keys are recomputed rather than stored: ~1 kB a record at national scale.
    for (const k of symmetricBlockingKeys(entry.norm)) {
      const b = this.blocks.get(k);
      if (!b) continue;
      const i = b.indexOf(entry.seq);
      if (i >= 0) b.splice(i, 1);
      if (b.length === 0) this.blocks.delete(k);
    }
    for (const s of entry.links.keys()) this.bySeq.get(s)?.links.delete(entry.seq);
    const members = [...(this.clusters.get(entry.clusterId) ?? [])].filter((s) => s !== entry.seq);
    this.clusters.delete(entry.clusterId);
    this.bySeq.delete(entry.seq);
    this.byId.delete(id);
    const out = new Map<string, string[]>([[entry.clusterId, []]]);
    for (const c of this.recluster(members)) out.set(c.clusterId, c.members);
    return { clusters: [...out].map(([clusterId, m]) => ({ clusterId, members: m })) };
  }

  /** Ids of indexed records sharing a blocking key with `input` (no scoring). */
  candidates(input: MatchInput): string[] {
    const norm = normaliseRecord(input);
    return [...this.candidateSeqs(symmetricBlockingKeys(norm))].map(
      (s) => this.bySeq.get(s)?.id ?? '',
    );
  }

  /**
   * Scores `input` against its candidates without adding it (a query such as CheckPerson);
   * returns those at POSSIBLE or better, strongest first, with explanations.
   */
  match(input: MatchInput, maxResults = 20): ScoredCandidate[] {
    const norm = normaliseRecord(input);
    const entries = [...this.candidateSeqs(symmetricBlockingKeys(norm))].map((s) =>
      this.bySeq.get(s),
    );
    return this.scoreEntries(norm, entries).slice(0, maxResults);
  }

  /**
   * Scores `input` against these indexed records, whatever blocks they share with it (records
   * found by another index: e.g. the exact holders of an identifier, which no block size limit
   * leaves out); as `match`, those at POSSIBLE or better, strongest first, explained. Ids not
   * held are left out.
   */
  matchAmong(input: MatchInput, ids: Iterable<string>): ScoredCandidate[] {
    const entries = [...new Set(ids)].map((id) => this.byId.get(id));
    return this.scoreEntries(normaliseRecord(input), entries);
  }

  /**
   * A query's candidates, for a caller that decides itself what to answer (the hub's CheckPerson):
   * the records `match` returns (blocked candidates at POSSIBLE or better), and, whatever they
   * score, every record holding one of the query's valid custody ids (PNC ID, CRO number) exactly
   * — read from the exact-custody-id blocks, with no block size limit — and every record named
   * in `exact` (found by another index: e.g. the exact holders of an online identifier). The
   * scores, bands and explanations are the engine's, as `match` gives them (`band` is undefined
   * below POSSIBLE); each says whether it holds the query's custody id and whether anything
   * contradicts the match. Strongest first, not cut.
   */
  query(input: MatchInput, exact: Iterable<string> = []): QueryCandidate[] {
    const norm = normaliseRecord(input);
    const keys = symmetricBlockingKeys(norm);
    const custody = new Set<number>();
    for (const k of keys) {
      if (keyType(k) !== 'c') continue;
      for (const s of this.blocks.get(k) ?? []) custody.add(s);
    }
    const named = new Set<number>(custody);
    for (const id of exact) {
      const e = this.byId.get(id);
      if (e) named.add(e.seq);
    }
    const out: QueryCandidate[] = [];
    for (const s of new Set([...this.candidateSeqs(keys), ...named])) {
      const other = this.bySeq.get(s);
      if (!other) continue;
      const c = this.comparator.compare(norm, other.norm, this.cmp);
      if (!named.has(s) && this.scorer.band(this.scorer.score(c)) === undefined) continue;
      out.push({
        ...this.scorer.explain(c),
        id: other.id,
        clusterId: other.clusterId,
        exactCustodyId: custody.has(s),
        contradicts: this.scorer.contradicts(c),
      });
    }
    out.sort((x, y) => y.score - x.score);
    return out;
  }

  /** The posterior thresholds of this index's bands, in bits (`FellegiSunterScorer`). */
  get thresholdBits(): { possible: number; link: number; certain: number } {
    const s = this.scorer;
    return { possible: s.possibleBits, link: s.linkBits, certain: s.certainBits };
  }

  private scoreEntries(
    norm: NormalisedRecord,
    entries: readonly (Entry | undefined)[],
  ): ScoredCandidate[] {
    const out: ScoredCandidate[] = [];
    for (const other of entries) {
      if (!other) continue;
      const c = this.comparator.compare(norm, other.norm, this.cmp);
      // Most candidates score below POSSIBLE: score without allocating, and build the
      // explanation (same sum, same order: the same score) only for those returned.
      if (this.scorer.band(this.scorer.score(c)) === undefined) continue;
      out.push({ ...this.scorer.explain(c), id: other.id, clusterId: other.clusterId });
    }
    out.sort((x, y) => y.score - x.score);
    return out;
  }

  /** Term-frequency adjusted score and explanation of two indexed records. */
  compare(idA: string, idB: string): PairScore | undefined {
    const a = this.byId.get(idA);
    const b = this.byId.get(idB);
    if (!a || !b) return undefined;
    return this.scorer.explain(this.comparator.compare(a.norm, b.norm, this.cmp));
  }

  /**
   * Two indexed records compared now (current parameters and term frequencies) as a waterfall:
   * per field the level, its weight and the term-frequency adjustment apart, the running total,
   * the thresholds, and the band this index decides for the pair.
   */
  waterfall(idA: string, idB: string): PairWaterfall | undefined {
    const a = this.byId.get(idA);
    const b = this.byId.get(idB);
    if (!a || !b) return undefined;
    const w = waterfallOf(this.scorer, this.comparator.compare(a.norm, b.norm, newComparison()));
    const namesOnly = this.corroboratedLinks && this.scorer.isLink(w.score) && !w.corroborated;
    return { ...w, decidedBand: namesOnly ? 'MATCH_BAND_POSSIBLE' : w.band, namesOnly };
  }

  /** The links held between these records, once each (`a` < `b`), strongest first. */
  linksAmong(ids: Iterable<string>): HeldLink[] {
    const entries = new Map<number, Entry>();
    for (const id of ids) {
      const e = this.byId.get(id);
      if (e) entries.set(e.seq, e);
    }
    const out: HeldLink[] = [];
    for (const e of entries.values())
      for (const [s, score] of e.links) {
        const other = entries.get(s);
        const band = this.scorer.band(score);
        if (!other || !band || e.id === other.id) continue;
        if (e.id < other.id) out.push({ a: e.id, b: other.id, score, band });
      }
    return out.sort((x, y) => y.score - x.score || (x.a < y.a ? -1 : x.a > y.a ? 1 : 0));
  }

  /** An analyst's decision that two records are the same person; re-clusters around them. */
  addMustLink(idA: string, idB: string): ClusterChanges {
    this.setConstraint(idA, idB, 'must');
    return this.reclusterAround(idA, idB);
  }

  /** An analyst's decision that two records are not the same person; re-clusters around them. */
  addCannotLink(idA: string, idB: string): ClusterChanges {
    this.setConstraint(idA, idB, 'cannot');
    return this.reclusterAround(idA, idB);
  }

  /**
   * Withdraws an analyst's decision on a pair: their clusters are formed again from their
   * links alone (and the other decisions).
   */
  removeConstraint(idA: string, idB: string): ClusterChanges {
    this.setConstraint(idA, idB, undefined);
    return this.reclusterAround(idA, idB);
  }

  /**
   * Records (or, with `undefined`, forgets) a decision on a pair without re-clustering anything:
   * for decisions loaded before the records they name (a rebuild adds records afterwards and
   * honours them; a restore takes clusters that already do). The records need not be indexed.
   */
  setConstraint(idA: string, idB: string, kind: PairConstraint | undefined): void {
    if (idA === idB) return;
    for (const [x, y] of [
      [idA, idB],
      [idB, idA],
    ] as const) {
      let partners = this.constraints.get(x);
      if (kind === undefined) {
        partners?.delete(y);
        if (partners?.size === 0) this.constraints.delete(x);
        continue;
      }
      if (!partners) this.constraints.set(x, (partners = new Map<string, PairConstraint>()));
      partners.set(y, kind);
    }
  }

  /** The decision held on a pair, if any. */
  constraintOf(idA: string, idB: string): PairConstraint | undefined {
    return this.constraints.get(idA)?.get(idB);
  }

  /**
   * What the clusters of `idA` and `idB` would become with the pair's decision set to `kind`
   * (`undefined`: none), the index left unchanged: each group's member ids, earliest added
   * first, and whether every decision among those records would hold (`consistent`: false when
   * decisions contradict each other, e.g. a must-link whose pair a chain of cannot-links keeps
   * apart: cannot-links win). The same clustering as the decision itself would run. No groups
   * when either record is not indexed.
   */
  previewConstraint(
    idA: string,
    idB: string,
    kind: PairConstraint | undefined,
  ): { groups: string[][]; consistent: boolean } {
    const a = this.byId.get(idA);
    const b = this.byId.get(idB);
    if (!a || !b) return { groups: [], consistent: true };
    const held = this.constraintOf(idA, idB);
    this.setConstraint(idA, idB, kind);
    try {
      const members = new Set<number>();
      for (const c of new Set([a.clusterId, b.clusterId]))
        for (const s of this.clusters.get(c) ?? []) members.add(s);
      const groups = this.groupsOf([...members]).map((g) =>
        g.map((s) => this.bySeq.get(s)?.id ?? ''),
      );
      return { groups, consistent: this.decisionsHold(groups) };
    } finally {
      this.setConstraint(idA, idB, held);
    }
  }

  /** Whether every decision among these records holds in this grouping. */
  private decisionsHold(groups: readonly (readonly string[])[]): boolean {
    const groupOf = new Map<string, number>();
    groups.forEach((g, i) => g.forEach((id) => groupOf.set(id, i)));
    for (const [id, i] of groupOf)
      for (const [partner, kind] of this.constraints.get(id) ?? []) {
        const j = groupOf.get(partner);
        if (j !== undefined && (kind === 'must') !== (i === j)) return false;
      }
    return true;
  }

  private reclusterAround(idA: string, idB: string): ClusterChanges {
    const a = this.byId.get(idA);
    const b = this.byId.get(idB);
    if (!a || !b) return { clusters: [] };
    const before = new Set([a.clusterId, b.clusterId]);
    const members = new Set<number>();
    for (const c of before) for (const s of this.clusters.get(c) ?? []) members.add(s);
    for (const c of before) this.clusters.delete(c);
    const out = new Map<string, string[]>([...before].map((c) => [c, []]));
    for (const c of this.recluster([...members])) out.set(c.clusterId, c.members);
    return { clusters: [...out].map(([clusterId, m]) => ({ clusterId, members: m })) };
  }

  /** Files a record under its blocking keys and ids (its cluster is the caller's business). */
  private insert(entry: Entry, keys: readonly string[]): void {
    for (const k of keys) {
      const b = this.blocks.get(k);
      if (b) b.push(entry.seq);
      else this.blocks.set(k, [entry.seq]);
    }
    this.bySeq.set(entry.seq, entry);
    this.byId.set(entry.id, entry);
  }

  private candidateSeqs(keys: readonly string[]): Set<number> {
    const out = new Set<number>();
    for (const k of keys) {
      const b = this.blocks.get(k);
      if (!b || b.length >= this.maxBlockSize) continue;
      for (const s of b) out.add(s);
    }
    return out;
  }

  private tryMerge(ca: string, cb: string, changes: Map<string, string[]>): void {
    const ma = this.clusters.get(ca);
    const mb = this.clusters.get(cb);
    if (!ma || !mb) return;
    const seqs = [...ma, ...mb];
    const groups = this.groupsOf(seqs);
    // The guard refused the merge: the clusters stay as they were. Where analysts' decisions
    // bear on these records, their clustering again from the links is taken as it comes out
    // (a cannot-link cuts the weakest link on the strongest path between its pair), so that
    // adding records gives what re-clustering them would.
    if (groups.length !== 1 && !this.constrainedAmong(seqs)) return;
    this.clusters.delete(ca);
    this.clusters.delete(cb);
    const written = this.writeGroups(groups);
    for (const c of [ca, cb]) if (!written.some((w) => w.clusterId === c)) changes.set(c, []);
    if (written.length > 1) for (const w of written) changes.set(w.clusterId, w.members);
  }

  /** Whether any analyst's decision names two of these records. */
  private constrainedAmong(seqs: readonly number[]): boolean {
    if (this.constraints.size === 0) return false;
    const ids = new Set(seqs.map((s) => this.bySeq.get(s)?.id));
    for (const id of ids)
      for (const partner of this.constraints.get(id ?? '')?.keys() ?? [])
        if (ids.has(partner)) return true;
    return false;
  }

  private recluster(seqs: number[]): { clusterId: string; members: string[] }[] {
    return this.writeGroups(this.groupsOf(seqs));
  }

  /**
   * Clusters `seqs` from their stored links with the guarded rule and analysts' decisions; each
   * group is returned in seq order, so its first member is the earliest added.
   */
  private groupsOf(seqs: number[]): number[][] {
    if (seqs.length === 0) return [];
    seqs.sort((x, y) => x - y);
    const local = new Map<number, number>();
    seqs.forEach((s, i) => local.set(s, i));
    const norms = seqs.map((s) => this.bySeq.get(s)?.norm as NormalisedRecord);
    const cmp = newComparison();
    const clusterer = new GuardedClusterer(seqs.length, {
      linkBits: this.scorer.linkBits,
      pair: (a, b) => {
        this.comparator.compare(norms[a] as NormalisedRecord, norms[b] as NormalisedRecord, cmp);
        return { score: this.scorer.score(cmp), contradicts: this.scorer.conflicts(cmp) };
      },
    });
    if (this.constraints.size > 0) {
      // Each decided pair among these records once (i < j); cannot-links before must-links, so
      // a must-link that would break one is not made.
      const must: [number, number][] = [];
      const localOf = new Map(seqs.map((s, i) => [this.bySeq.get(s)?.id ?? '', i]));
      for (const [id, i] of localOf)
        for (const [partner, kind] of this.constraints.get(id) ?? []) {
          const j = localOf.get(partner);
          if (j === undefined || j <= i) continue;
          if (kind === 'cannot') clusterer.addCannotLink(i, j);
          else must.push([i, j]);
        }
      must.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      for (const [i, j] of must) clusterer.forceLink(i, j);
    }
    const edges: { a: number; b: number; score: number }[] = [];
    seqs.forEach((s, i) => {
      for (const [t, score] of this.bySeq.get(s)?.links ?? []) {
        const j = local.get(t);
        if (j !== undefined && j > i) edges.push({ a: i, b: j, score });
      }
    });
    edges.sort((x, y) => y.score - x.score);
    for (const e of edges) clusterer.offer(e.a, e.b);
    const groups = new Map<number, number[]>();
    for (let i = 0; i < seqs.length; i++) {
      const r = clusterer.find(i);
      const g = groups.get(r);
      if (g) g.push(seqs[i] ?? 0);
      else groups.set(r, [seqs[i] ?? 0]);
    }
    return [...groups.values()];
  }

  private writeGroups(groups: number[][]): { clusterId: string; members: string[] }[] {
    return groups.map((g) => {
      const members = g.map((s) => this.bySeq.get(s)?.id ?? '');
      const clusterId = members[0] ?? '';
      this.clusters.set(clusterId, new Set(g));
      for (const s of g) {
        const e = this.bySeq.get(s);
        if (e) e.clusterId = clusterId;
      }
      return { clusterId, members };
    });
  }
}
