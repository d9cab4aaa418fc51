import {
  blockingKeyCodes,
  DEFAULT_MAX_BLOCK_SIZE,
  isLoneNameYear,
  KEY_TYPES,
  KeyCodes,
  LONE_NAME_KEY,
  LONE_NAME_YEARS,
  NAME_YEAR_KEY,
} from '../block/blocking-keys';
import { GuardedClusterer } from '../cluster/guarded-clusterer';
import { newComparison, type RecordComparator } from '../compare/record.comparator';
import type { MatchInput } from '../model/match-input';
import { normaliseRecord, type NormalisedRecord } from '../normalise/record.normaliser';
import { withNormaliserMemos } from '../normalise/identifier.normaliser';
import { eachInSlices } from './slices';
import {
  FellegiSunterScorer,
  type MatchBandName,
  type PairScore,
} from '../score/fellegi-sunter.scorer';
import type { MatchParameters } from '../score/match-parameters';
import { TermFrequencies } from '../score/term-frequencies';
import { waterfallOf, type Waterfall } from '../score/waterfall';
import { tokenCount, tokenIdsOfUtf8, tokenString, withQueryTokens } from '../normalise/token-ids';
import {
  INDEX_SNAPSHOT_VERSION,
  SnapshotParts,
  snapshotHeader,
  checkSnapshotHeader,
  type SnapshotOptions,
} from './index-snapshot';
import { grownLength } from './array-growth';
import { SeqSet } from './seq-set';
import { KeyPostings, type KeyPostingsState } from './key-postings';
import type { RecordKeys } from '../block/candidate-pairs.batch';
import { TextHandles } from './text-handles';
import { RecordStore, type RecordStoreState } from './record-store';
import {
  decodeSnapshot,
  encodeSnapshot,
  SnapshotError,
  type SnapshotPart,
} from './snapshot-frames';

export interface MatchIndexOptions {
  /** Blocks larger than this are skipped for candidates (default DEFAULT_MAX_BLOCK_SIZE). */
  maxBlockSize?: number;
  /**
   * Link two records only when something beyond their names agrees (a date of birth, an
   * identifier, an online identifier, an address: FIELDS `corroborates`); a pair that scores as
   * a link on names alone is reported as POSSIBLE, for review. Default false (the batch's rule).
   */
  corroboratedLinks?: boolean;
}

/** A scored edge to another indexed record. */
export interface ScoredLink {
  id: string;
  score: number;
  band: MatchBandName;
}

/** A candidate for a query, with its explanation. */
export interface ScoredCandidate extends PairScore {
  id: string;
  clusterId: string;
}

/** A query's candidate (`MatchIndex.query`): scored whatever its score, with what it shares. */
export interface QueryCandidate extends ScoredCandidate {
  /**
   * The record holds one of the query's custody ids (PNC ID, CRO number) exactly, both valid
   * (check character right): the exact-custody-id blocking key they share.
   */
  exactCustodyId: boolean;
  /** Some field both hold weighs against a match (`FellegiSunterScorer.contradicts`). */
  contradicts: boolean;
}

/** How clusters changed: each listed cluster id with its members now (empty = cluster gone). */
export interface ClusterChanges {
  clusters: { clusterId: string; members: string[] }[];
}

export interface AddResult extends ClusterChanges {
  id: string;
  clusterId: string;
  /** Links (score at or above the link threshold) to indexed records, strongest first. */
  links: ScoredLink[];
  /** POSSIBLE pairs, for analyst review. */
  possibles: ScoredLink[];
}

/** A record to restore, with a label its whole saved cluster shares (e.g. a person id). */
export type RestoredRecord = {
  id: string;
  cluster: string;
} & (
  | { input: MatchInput; normalised?: NormalisedRecord }
  | {
      input?: undefined;
      /**
       * The record as normalised already (the batch's `records`, `keepRecords`): not normalised
       * again. Normalising is deterministic, so this is what normalising its input would give.
       */
      normalised: NormalisedRecord;
    }
);

/** A restore in steps (`MatchIndex.restoring`): each record added, then the links. */
export interface MatchRestorer {
  add(record: RestoredRecord): void;
  finish(links: Iterable<RestoredLink>): void;
}

/** A saved link between two records (as `add` made it: at or above the link threshold). */
export interface RestoredLink {
  a: string;
  b: string;
  score: number;
}

/** A link held by the index, with the band of its score. */
export interface HeldLink extends RestoredLink {
  band: MatchBandName;
}

/** Two indexed records' waterfall, with the band this index gives the pair now. */
export interface PairWaterfall extends Waterfall {
  /**
   * The band the index decides for the pair: the score's band, except that with
   * `corroboratedLinks` a link on names alone is POSSIBLE (`namesOnly`).
   */
  decidedBand: MatchBandName | undefined;
  namesOnly: boolean;
}

/**
 * An analyst's decision on a pair of records: `must` (the same person: always one cluster) or
 * `cannot` (different people: never one cluster). Decisions are about records, not scores: they
 * hold whatever the parameters or the term frequencies make of the pair.
 */
export type PairConstraint = 'must' | 'cannot';

const NO_LINKS: readonly number[] = [];

/** `clusterSeq` of a handle naming no cluster; -1 is a cluster of several (in `clusterMany`). */
const NO_CLUSTER = -2;

/** The snapshot's string tables read as bytes, not strings: the token texts (`tokenIdsOfUtf8`). */
const RAW_TABLES: ReadonlySet<string> = new Set(['tokens']);

/** The type code of exact-custody-id keys (`c`, KEY_TYPES). */
const CUSTODY_KEY = KEY_TYPES.indexOf('c');

/**
 * A record's blocking keys as triples, in a KeyCodes of their own (callers hold them) or in
 * `into` (a query's, reused: nothing keeps them past the query).
 */
function keysOf(norm: NormalisedRecord, into = new KeyCodes()): KeyCodes {
  blockingKeyCodes(norm, into);
  return into;
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
export class MatchIndex {
  private readonly scorer: FellegiSunterScorer;
  private readonly tf = new TermFrequencies();
  /**
   * Record and cluster ids, interned (issue #14: an object per record, a `Map` entry by id and
   * one by cluster id were most of the index's own heap). A handle is held while something
   * refers to it (`refs`): the record with that id, the cluster named by it, each record whose
   * cluster it names; then it is released (and its text may come back under another handle).
   */
  private readonly ids = new TextHandles();
  private refs = new Int32Array(0);
  /** Per id handle: the seq of the record with that id, or -1. */
  private seqOfId = new Int32Array(0);
  /**
   * Per id handle: the cluster it names, its members' seqs in ascending order (the order they
   * were added): a one-record cluster's seq itself, -1 for several (`clusterMany`), NO_CLUSTER.
   */
  private clusterSeq = new Int32Array(0);
  private readonly clusterMany = new Map<number, number[]>();
  /** Per seq: the record's id handle (-1 once removed) and its cluster's id handle. */
  private idAt = new Int32Array(0);
  private clusterAt = new Int32Array(0);
  /**
   * Linked neighbours by seq, `[seq, score, seq, score …]` in the order first linked; only
   * linked records (a minority) have an entry.
   */
  private readonly linked = new Map<number, number[]>();
  /** Records held. */
  private held = 0;
  /** Blocks by key triple (`blockingKeyCodes`; the same blocks as their texts would give). */
  private blocks = new KeyPostings();
  /** Analysts' decisions, both ways: record id → other record id → decision. */
  private readonly constraints = new Map<string, Map<string, PairConstraint>>();
  private readonly maxBlockSize: number;
  private readonly corroboratedLinks: boolean;
  private nextSeq = 0;
  private readonly cmp = newComparison();
  /** A query's blocking keys, reused from query to query (nothing keeps them). */
  private readonly queryKeys = new KeyCodes();
  /** What candidateSeqs returns, reused from call to call. */
  private readonly candidateScratch = new SeqSet();
  /** The records' normalised forms, packed (slot = seq). */
  private records = new RecordStore();

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
    return this.held;
  }

  /**
   * What blocking holds: distinct keys, and filings (a record under one of its keys, summed over
   * the records). Lone names cost one filing each (LONE_NAME_KEY).
   */
  get blockPostings(): { keys: number; filings: number } {
    return { keys: this.blocks.keyCount, filings: this.blocks.filings() };
  }

  has(id: string): boolean {
    return this.seqOf(id) >= 0;
  }

  clusterOf(id: string): string | undefined {
    const s = this.seqOf(id);
    return s < 0 ? undefined : this.clusterIdOf(s);
  }

  membersOf(clusterId: string): string[] {
    return this.seqsOf(clusterId).map((s) => this.idOf(s));
  }

  /** The seq of the record with this id, or -1. */
  private seqOf(id: string): number {
    const h = this.ids.find(id);
    return h < 0 ? -1 : (this.seqOfId[h] as number);
  }

  /** Whether the record of `seq` is held. */
  private isLive(seq: number): boolean {
    return seq >= 0 && seq < this.nextSeq && (this.idAt[seq] as number) >= 0;
  }

  /** The id of the record of `seq` ('' once removed). */
  private idOf(seq: number): string {
    const h = seq >= 0 && seq < this.nextSeq ? (this.idAt[seq] as number) : -1;
    return h < 0 ? '' : this.ids.text(h);
  }

  private clusterIdOf(seq: number): string {
    return this.ids.text(this.clusterAt[seq] as number);
  }

  /** `id`'s handle, given one (and room in the columns by handle) if it has none. */
  private handleOf(id: string): number {
    const h = this.ids.intern(id);
    if (h >= this.refs.length) {
      const n = grownLength(this.refs.length, h + 1);
      this.refs = filled(this.refs, n, 0);
      this.seqOfId = filled(this.seqOfId, n, -1);
      this.clusterSeq = filled(this.clusterSeq, n, NO_CLUSTER);
    }
    return h;
  }

  /** Changes `h`'s references by `d`; a handle referred to by nothing is released. */
  private ref(h: number, d: number): void {
    const left = (this.refs[h] as number) + d;
    this.refs[h] = left;
    if (left === 0) this.ids.release(h);
  }

  /** The cluster of `seq` is now the one named `clusterId`. */
  private setClusterOf(seq: number, clusterId: string): void {
    const c = this.handleOf(clusterId);
    this.ref(c, 1);
    const was = this.clusterAt[seq] as number;
    this.clusterAt[seq] = c;
    if (was >= 0) this.ref(was, -1);
  }

  private hasCluster(clusterId: string): boolean {
    const c = this.ids.find(clusterId);
    return c >= 0 && this.clusterSeq[c] !== NO_CLUSTER;
  }

  /** Sets the cluster named `clusterId`: its members' seqs, ascending (one: the seq itself). */
  private setCluster(clusterId: string, seqs: number | number[]): void {
    const c = this.handleOf(clusterId);
    if (this.clusterSeq[c] === NO_CLUSTER) this.ref(c, 1);
    if (typeof seqs === 'number') {
      this.clusterSeq[c] = seqs;
      this.clusterMany.delete(c);
    } else {
      this.clusterSeq[c] = -1;
      this.clusterMany.set(c, seqs);
    }
  }

  private deleteCluster(clusterId: string): void {
    const c = this.ids.find(clusterId);
    if (c < 0 || this.clusterSeq[c] === NO_CLUSTER) return;
    this.clusterSeq[c] = NO_CLUSTER;
    this.clusterMany.delete(c);
    this.ref(c, -1);
  }

  /** Adds `seq` (the newest) to the cluster named `clusterId`, making it if there is none. */
  private joinCluster(clusterId: string, seq: number): void {
    const c = this.handleOf(clusterId);
    const held = this.clusterSeq[c] as number;
    if (held === NO_CLUSTER) this.setCluster(clusterId, seq);
    else if (held >= 0) this.setCluster(clusterId, [held, seq]);
    else (this.clusterMany.get(c) as number[]).push(seq);
  }

  /** Adds (or replaces) a record; returns its links and the cluster changes. */
  add(id: string, input: MatchInput): AddResult {
    const changes = new Map<string, string[]>();
    if (this.has(id)) for (const c of this.remove(id).clusters) changes.set(c.clusterId, c.members);
    const norm = normaliseRecord(input);
    const seq = this.nextSeq++;
    const keys = keysOf(norm);
    this.tf.add(norm);
    const scored: { seq: number; score: number; namesOnly: boolean }[] = [];
    for (const s of this.candidateSeqs(keys).items) {
      if (!this.isLive(s)) continue;
      const c = this.comparator.compare(norm, this.records.view(s), this.cmp);
      const score = this.scorer.score(c);
      const namesOnly =
        this.corroboratedLinks && this.scorer.isLink(score) && !this.scorer.corroborates(c);
      scored.push({ seq: s, score, namesOnly });
    }
    this.insert(id, seq, id, norm, keys);
    this.setCluster(id, seq);
    scored.sort((x, y) => y.score - x.score);
    const links: ScoredLink[] = [];
    const possibles: ScoredLink[] = [];
    for (const { seq: s, score, namesOnly } of scored) {
      const band = this.scorer.band(score);
      if (!this.isLive(s) || band === undefined) continue;
      const otherId = this.idOf(s);
      if (namesOnly) possibles.push({ id: otherId, score, band: 'MATCH_BAND_POSSIBLE' });
      else if (this.scorer.isLink(score)) {
        links.push({ id: otherId, score, band });
        this.link(seq, s, score);
        this.link(s, seq, score);
      } else possibles.push({ id: otherId, score, band });
    }
    // Offer the new record's links strongest first, as the batch does.
    for (const l of links) {
      const other = this.seqOf(l.id);
      if (other < 0 || this.clusterAt[other] === this.clusterAt[seq]) continue;
      this.tryMerge(this.clusterIdOf(seq), this.clusterIdOf(other), changes);
    }
    // An analyst's must-link holds whatever the record scores now (it may have been updated, or
    // the index rebuilt with other parameters): its partners' clusters are joined to its own.
    for (const [partner, kind] of this.constraints.get(id) ?? []) {
      const other = this.seqOf(partner);
      if (kind !== 'must' || other < 0 || this.clusterAt[other] === this.clusterAt[seq]) continue;
      for (const c of this.reclusterAround(id, partner).clusters)
        changes.set(c.clusterId, c.members);
    }
    const clusterId = this.clusterIdOf(seq);
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
    withNormaliserMemos(() => this.restoreAll(this.restoring(), records, links));
  }

  /**
   * `restore` a record at a time: `add` each record, then `finish` with the links. The caller
   * may pause between records (a first start lets its writes to PostgreSQL proceed meanwhile),
   * but nothing else may change the index until `finish`; normalising a record given as input
   * uses the normaliser's memos only within the caller's own `withNormaliserMemos`.
   *
   * Given `keys` (a batch's, `BatchResolution.keys`: its records' blocking keys with their
   * codes), the records `add` is then given must be that batch's, in its order, all of them
   * (`finish` checks the count): they are filed under those keys at once, here
   * (`KeyPostings.fileBatch`), and `add` only stores each record.
   */
  restoring(keys?: RecordKeys): MatchRestorer {
    if (this.held > 0) throw new Error('MatchIndex.restore needs an empty index');
    return this.restorer(keys);
  }

  /**
   * `restore`, handing the event loop back every `sliceMs` or so (`eachInSlices`): at national
   * scale a restore takes minutes, which on the event loop would starve health probes (a
   * Kubernetes liveness probe restarts the process) and the queries a hub answers meanwhile
   * from the index it holds. Nothing may touch this index until the promise settles.
   */
  async restoreInSlices(
    records: Iterable<RestoredRecord>,
    links: Iterable<RestoredLink>,
    sliceMs?: number,
  ): Promise<void> {
    const restorer = this.restoring();
    await eachInSlices(records, (r) => restorer.add(r), sliceMs);
    restorer.finish(links); // links only: no normalising, a fraction of a second at 1M
  }

  /** Every record through `restorer`, then the links. */
  private restoreAll(
    restorer: MatchRestorer,
    records: Iterable<RestoredRecord>,
    links: Iterable<RestoredLink>,
  ): void {
    for (const r of records) restorer.add(r);
    restorer.finish(links);
  }

  private restorer(batch?: RecordKeys): MatchRestorer {
    const clusterOfLabel = new Map<string, string>();
    // One record's keys at a time: filed in the postings, then not needed. Or, given the
    // batch's keys, every record filed at once now, under the seqs `add` gives them in order.
    const keys = new KeyCodes();
    const firstSeq = this.nextSeq;
    const batchSize = batch === undefined ? 0 : batch.keyStart.length - 1;
    if (batch !== undefined) this.blocks.fileBatch(batch, firstSeq);
    const add = (r: RestoredRecord): void => {
      const { id, cluster } = r;
      if (this.has(id)) throw new Error(`MatchIndex.restore: record ${id} given twice`);
      const norm = r.normalised ?? normaliseRecord(r.input as MatchInput);
      const seq = this.nextSeq++;
      let clusterId = clusterOfLabel.get(cluster);
      if (clusterId === undefined) {
        clusterId = id;
        clusterOfLabel.set(cluster, id);
      }
      this.tf.add(norm);
      if (batch === undefined) {
        blockingKeyCodes(norm, keys);
        this.insert(id, seq, clusterId, norm, keys);
      } else {
        if (seq - firstSeq >= batchSize)
          throw new Error(`MatchIndex.restore: more records than the batch's ${batchSize} keyed`);
        this.insert(id, seq, clusterId, norm, undefined);
      }
      this.joinCluster(clusterId, seq);
    };
    const finish = (links: Iterable<RestoredLink>): void => {
      if (this.nextSeq - firstSeq !== batchSize && batch !== undefined)
        throw new Error(
          `MatchIndex.restore: ${this.nextSeq - firstSeq} records restored, the batch keyed ${batchSize}`,
        );
      for (const { a, b, score } of links) {
        const sa = this.seqOf(a);
        const sb = this.seqOf(b);
        if (sa < 0 || sb < 0 || sa === sb) continue;
        this.link(sa, sb, score);
        this.link(sb, sa, score);
      }
    };
    return { add, finish };
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
    for (let seq = 0; seq < this.nextSeq; seq++) {
      if (!this.isLive(seq)) continue;
      const l = this.linked.get(seq) ?? NO_LINKS;
      for (let i = 0; i < l.length; i += 2) {
        const [s, score] = [l[i] ?? 0, l[i + 1] ?? 0];
        const band = this.scorer.band(score);
        if (this.isLive(s) && seq < s && band)
          yield { a: this.idOf(seq), b: this.idOf(s), score, band };
      }
    }
  }

  /** Removes a record (MoPI disposal, withdrawal); its cluster is re-clustered and may split. */
  remove(id: string): ClusterChanges {
    const seq = this.seqOf(id);
    if (seq < 0) return { clusters: [] };
    const clusterId = this.clusterIdOf(seq);
    const members = this.takeOut(seq);
    this.deleteCluster(clusterId);
    const out = new Map<string, string[]>([[clusterId, []]]);
    for (const c of this.recluster(members)) out.set(c.clusterId, c.members);
    return { clusters: [...out].map(([clusterId, m]) => ({ clusterId, members: m })) };
  }

  /**
   * Takes a record out of the index (term frequencies, blocks, its links both ways, its slot);
   * returns the other members of its cluster, whose entry in `clusters` the caller rewrites.
   */
  private takeOut(seq: number): number[] {
    const norm = this.records.view(seq);
    this.tf.remove(norm);
    // Keys are recomputed rather than stored: ~1 kB a record at national scale.
    const keys = keysOf(norm);
    for (let i = 0; i < keys.length; i++)
      this.blocks.remove(keys.type[i] ?? 0, keys.a[i] ?? 0, keys.b[i] ?? 0, seq);
    const l = this.linked.get(seq) ?? NO_LINKS;
    for (let i = 0; i < l.length; i += 2) {
      const other = l[i] ?? 0;
      if (this.isLive(other)) this.unlink(other, seq);
    }
    this.linked.delete(seq);
    this.records.free(seq);
    const clusterId = this.clusterIdOf(seq);
    const h = this.idAt[seq] as number;
    const c = this.clusterAt[seq] as number;
    // The cluster's name is kept (the caller rewrites its cluster) until the last reference goes.
    this.ref(c, 1);
    this.idAt[seq] = -1;
    this.clusterAt[seq] = -1;
    this.seqOfId[h] = -1;
    this.held--;
    this.ref(h, -1);
    this.ref(c, -1);
    this.ref(c, -1);
    return this.seqsOf(clusterId).filter((s) => s !== seq);
  }

  /**
   * `restore` for part of a held index (a snapshot brought up to date with what was saved
   * since): the records named in `remove` and those of `records` are taken out (links, blocks,
   * term frequencies), then `records` are put in as saved, each joining the cluster of its label
   * among these records, with the saved `links` naming two held records (to any record, given
   * here or not); nothing is scored, linked or re-clustered. Give every record of each cluster
   * concerned: a record left behind by its cluster keeps the others left with it as a cluster
   * (named by its earliest member). Analysts' decisions are not changed (`replaceConstraints`).
   */
  restoreSome(
    remove: Iterable<string>,
    records: Iterable<RestoredRecord>,
    links: Iterable<RestoredLink>,
  ): void {
    withNormaliserMemos(() => {
      const given = [...records];
      const touched = new Set<string>();
      for (const id of [...remove, ...given.map((r) => r.id)]) {
        const seq = this.seqOf(id);
        if (seq < 0) continue;
        const clusterId = this.clusterIdOf(seq);
        const rest = this.takeOut(seq);
        touched.add(clusterId);
        if (rest.length === 0) this.deleteCluster(clusterId);
        else this.setCluster(clusterId, rest.length === 1 ? (rest[0] as number) : rest);
      }
      // Those left behind, named again by their earliest member (the old name may be given again).
      for (const clusterId of touched) {
        const rest = this.seqsOf(clusterId);
        if (rest.length === 0) continue;
        this.deleteCluster(clusterId);
        this.writeGroups([rest]);
      }
      this.restoreAll(this.restorer(), given, links);
    });
  }

  /** Forgets every analyst's decision and holds these instead; nothing is re-clustered. */
  replaceConstraints(decisions: Iterable<{ a: string; b: string; constraint: PairConstraint }>) {
    this.constraints.clear();
    for (const d of decisions) this.setConstraint(d.a, d.b, d.constraint);
  }

  /** Ids of indexed records sharing a blocking key with `input` (no scoring). */
  candidates(input: MatchInput): string[] {
    return withQueryTokens(() => {
      const norm = normaliseRecord(input);
      return this.candidateSeqs(keysOf(norm, this.queryKeys)).items.map((s) => this.idOf(s));
    });
  }

  /**
   * Scores `input` against its candidates without adding it (a query such as CheckPerson);
   * returns those at POSSIBLE or better, strongest first, with explanations.
   */
  match(input: MatchInput, maxResults = 20): ScoredCandidate[] {
    return withQueryTokens(() => {
      const norm = normaliseRecord(input);
      const seqs = this.candidateSeqs(keysOf(norm, this.queryKeys)).items;
      return this.scoreEntries(norm, seqs).slice(0, maxResults);
    });
  }

  /**
   * Scores `input` against these indexed records, whatever blocks they share with it (records
   * found by another index: e.g. the exact holders of an identifier, which no block size limit
   * leaves out); as `match`, those at POSSIBLE or better, strongest first, explained. Ids not
   * held are left out.
   */
  matchAmong(input: MatchInput, ids: Iterable<string>, explain = true): ScoredCandidate[] {
    const seqs = [...new Set(ids)].map((id) => this.seqOf(id));
    return withQueryTokens(() => this.scoreEntries(normaliseRecord(input), seqs, explain));
  }

  /**
   * A query's candidates, for a caller that decides itself what to answer (the hub's CheckPerson):
   * the records `match` returns (blocked candidates at POSSIBLE or better), and, whatever they
   * score, every record holding one of the query's valid custody ids (PNC ID, CRO number) exactly
   * — read from the exact-custody-id blocks, with no block size limit — and every record named
   * in `exact` (found by another index: e.g. the exact holders of an online identifier). The
   * scores, bands and explanations are the engine's, as `match` gives them (`band` is undefined
   * below POSSIBLE); each says whether it holds the query's custody id and whether anything
   * contradicts the match. Strongest first, not cut. `explain` false: the same candidates and
   * scores with empty explanations (a caller that will not show them).
   */
  query(input: MatchInput, exact: Iterable<string> = [], explain = true): QueryCandidate[] {
    return withQueryTokens(() => this.queryNormalised(normaliseRecord(input), exact, explain));
  }

  private queryNormalised(
    norm: NormalisedRecord,
    exact: Iterable<string>,
    explain: boolean,
  ): QueryCandidate[] {
    const keys = keysOf(norm, this.queryKeys);
    const custody = new Set<number>();
    for (let i = 0; i < keys.length; i++) {
      if (keys.type[i] !== CUSTODY_KEY) continue;
      this.blocks.forEach(CUSTODY_KEY, keys.a[i] ?? 0, keys.b[i] ?? 0, (s) => custody.add(s));
    }
    const named = new Set<number>(custody);
    for (const id of exact) {
      const s = this.seqOf(id);
      if (s >= 0) named.add(s);
    }
    const out: QueryCandidate[] = [];
    const blocked = this.candidateSeqs(keys);
    // Most blocked candidates score below POSSIBLE and are not named: they are compared and
    // scored only, without making their ids or allocating. The blocked ones first, then the
    // named ones not blocked: the order candidates of equal score keep.
    const consider = (s: number): void => {
      const c = this.comparator.compare(norm, this.records.view(s), this.cmp);
      if (!named.has(s) && this.scorer.band(this.scorer.score(c)) === undefined) return;
      if (!this.isLive(s)) return;
      out.push({
        ...(explain ? this.scorer.explain(c) : this.scorer.unexplained(c)),
        id: this.idOf(s),
        clusterId: this.clusterIdOf(s),
        exactCustodyId: custody.has(s),
        contradicts: this.scorer.contradicts(c),
      });
    };
    for (const s of blocked.items) consider(s);
    for (const s of named) if (!blocked.has(s)) consider(s);
    out.sort((x, y) => y.score - x.score);
    return out;
  }

  /**
   * The whole index as a binary snapshot (snapshot-frames.ts), in pieces to write in order: a
   * header with the parameters' fingerprint and the options, then the token table, the record
   * store's and the postings' arrays as raw bytes, the records' ids, clusters and links, the
   * term frequencies and the analysts' decisions. `MatchEngine.loadIndex` makes an index that
   * answers as this one from it, without normalising or scoring anything.
   *
   * The pieces are views over the index's own arrays: the index must not change until the
   * generator is done (write every piece before the next change; `writeFileAtomically` does
   * so synchronously).
   */
  snapshot(): Generator<Uint8Array> {
    const live: number[] = [];
    for (let s = 0; s < this.nextSeq; s++) if (this.isLive(s)) live.push(s);
    const store = this.records.state(this.nextSeq);
    const postings = this.blocks.state();
    const tokens = tokenCount();
    const header = snapshotHeader(this.parameters, this.snapshotOptions, {
      nextSeq: this.nextSeq,
      size: this.held,
      tokens,
      storeDead: store.dead,
      postingsKeys: postings.keys,
      postingsFreeNode: postings.freeNode,
      tfSize: this.tf.size,
    });
    return encodeSnapshot(header, this.snapshotParts(live, tokens, store, postings));
  }

  /** The snapshot's parts after its header (`snapshot`). */
  private *snapshotParts(
    live: readonly number[],
    tokens: number,
    store: RecordStoreState,
    postings: KeyPostingsState,
  ): Generator<SnapshotPart> {
    yield { name: 'tokens', strings: tokenTexts(tokens) };
    yield { name: 'store.rows', i32: store.rows };
    yield { name: 'store.at', i32: store.at };
    yield { name: 'store.len', i32: store.len };
    yield { name: 'store.data', i32: store.data };
    for (const k of POSTINGS_ARRAYS) yield { name: `postings.${k}`, i32: postings[k] };
    yield { name: 'entries.seq', i32: Int32Array.from(live) };
    const idOf = (s: number): string => this.idOf(s);
    yield { name: 'entries.id', strings: mapped(live, idOf) };
    // A cluster id is the id of one of its members: kept as that member's place in `live`.
    const placeOf = new Int32Array(this.nextSeq).fill(-1);
    live.forEach((s, k) => (placeOf[s] = k));
    const owner = new Int32Array(live.length);
    live.forEach((s, k) => {
      const o = this.seqOfId[this.clusterAt[s] as number] as number;
      owner[k] = o >= 0 ? (placeOf[o] ?? -1) : -1;
    });
    yield { name: 'entries.cluster', i32: owner };
    const clusterIdOf = (s: number): string => this.clusterIdOf(s);
    yield {
      name: 'entries.clusterId',
      strings: mapped(
        live.filter((_, k) => owner[k] === -1),
        clusterIdOf,
      ),
    };
    let pairs = 0;
    for (const s of live) pairs += (this.linked.get(s)?.length ?? 0) / 2;
    const count = new Int32Array(live.length);
    const linkSeq = new Int32Array(pairs);
    const linkScore = new Float64Array(pairs);
    let p = 0;
    live.forEach((s, k) => {
      const l = this.linked.get(s) ?? NO_LINKS;
      count[k] = l.length / 2;
      for (let i = 0; i < l.length; i += 2, p++) {
        linkSeq[p] = l[i] ?? 0;
        linkScore[p] = l[i + 1] ?? 0;
      }
    });
    yield { name: 'links.count', i32: count };
    yield { name: 'links.seq', i32: linkSeq };
    yield { name: 'links.score', f64: linkScore };
    yield { name: 'tf', i32: this.tf.triples() };
    const decisions: string[] = [];
    for (const [a, partners] of this.constraints)
      for (const [b, kind] of partners) decisions.push(a, b, kind);
    yield { name: 'constraints', strings: decisions };
  }

  /** The options as a snapshot records them (defaults filled in). */
  get snapshotOptions(): SnapshotOptions {
    return { maxBlockSize: this.maxBlockSize, corroboratedLinks: this.corroboratedLinks };
  }

  /**
   * An index from a snapshot's bytes (`snapshot`), for these parameters and options: refused
   * with a SnapshotError naming what is wrong (another version or layout, other parameters or
   * options, a file cut short, a checksum that does not match). `MatchEngine.loadIndex` calls it.
   *
   * The record store's and the postings' arrays are taken over as read. Token ids are the
   * writing process's: when this process's token table numbers the same texts otherwise (it
   * interned other texts first), every token id is mapped to this process's and the blocks are
   * filed again from the records (keys hold token ids, and a block's order is its records' seq
   * order either way).
   */
  static async fromSnapshot(
    parameters: MatchParameters,
    comparator: RecordComparator,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: MatchIndexOptions = {},
  ): Promise<MatchIndex> {
    const ix = new MatchIndex(parameters, comparator, options);
    const decoded = await decodeSnapshot(
      source,
      INDEX_SNAPSHOT_VERSION,
      (h) => checkSnapshotHeader(h, parameters, ix.snapshotOptions),
      RAW_TABLES,
    );
    const parts = new SnapshotParts(decoded);
    const state = parts.state;
    const bad = (what: string): SnapshotError => new SnapshotError('format', what);
    const texts = parts.rawStrings('tokens');
    if (texts.count !== state.tokens) throw bad('the token table is short');
    // Interned from the frames' bytes (3.65M texts at 1M), then the frames let go.
    const map = tokenIdsOfUtf8(texts.frames, texts.count, texts.bytes);
    texts.frames.length = 0;
    let identity = true;
    for (let i = 0; i < map.length && identity; i++) identity = map[i] === i;
    try {
      ix.records = RecordStore.fromState({
        rows: parts.i32('store.rows'),
        at: parts.i32('store.at'),
        len: parts.i32('store.len'),
        data: parts.i32('store.data'),
        dead: state.storeDead,
      });
    } catch (e) {
      throw bad((e as Error).message);
    }
    if (!identity) ix.records.remapTokens(map);
    ix.tf.load(parts.i32('tf'), state.tfSize, identity ? undefined : map);
    const live = parts.i32('entries.seq');
    const ids = parts.strings('entries.id');
    const owner = parts.i32('entries.cluster');
    const otherClusterIds = parts.strings('entries.clusterId');
    const count = parts.i32('links.count');
    const linkSeq = parts.i32('links.seq');
    const linkScore = parts.f64('links.score');
    const n = live.length;
    if (n !== state.size || ids.length !== n || owner.length !== n || count.length !== n)
      throw bad('the entries disagree on their number');
    if (linkSeq.length !== linkScore.length) throw bad('link seqs and scores disagree');
    ix.nextSeq = state.nextSeq;
    ix.idAt = new Int32Array(state.nextSeq).fill(-1);
    ix.clusterAt = new Int32Array(state.nextSeq).fill(-1);
    let other = 0;
    let p = 0;
    for (let k = 0; k < n; k++) {
      const seq = live[k] ?? -1;
      if (seq < 0 || seq >= state.nextSeq || (k > 0 && seq <= (live[k - 1] ?? 0)))
        throw bad(`entry seq ${seq} out of order`);
      const o = owner[k] ?? -1;
      const clusterId = o >= 0 ? ids[o] : otherClusterIds[other++];
      const id = ids[k] as string;
      if (clusterId === undefined) throw bad(`no cluster id for ${id}`);
      const c = count[k] ?? 0;
      if (c > 0) {
        if (p + c > linkSeq.length) throw bad('fewer links than counted');
        const links = new Array<number>(2 * c);
        for (let i = 0; i < c; i++, p++) {
          links[2 * i] = linkSeq[p] ?? 0;
          links[2 * i + 1] = linkScore[p] ?? 0;
        }
        ix.linked.set(seq, links);
      }
      if (ix.has(id)) throw bad(`record ${id} twice`);
      ix.file(id, seq, clusterId);
      ix.joinCluster(clusterId, seq);
    }
    if (p !== linkSeq.length) throw bad('more links than counted');
    const decisions = parts.strings('constraints');
    for (let i = 0; i + 2 < decisions.length; i += 3) {
      const [a, b, kind] = [decisions[i] ?? '', decisions[i + 1] ?? '', decisions[i + 2]];
      if (kind !== 'must' && kind !== 'cannot') throw bad(`a decision ${String(kind)}`);
      let partners = ix.constraints.get(a);
      if (!partners) ix.constraints.set(a, (partners = new Map<string, PairConstraint>()));
      partners.set(b, kind);
    }
    if (identity) {
      const arrays = Object.fromEntries(
        POSTINGS_ARRAYS.map((k) => [k, parts.i32(`postings.${k}`)]),
      ) as Record<(typeof POSTINGS_ARRAYS)[number], Int32Array<ArrayBuffer>>;
      try {
        ix.blocks = KeyPostings.fromState({
          ...arrays,
          keys: state.postingsKeys,
          freeNode: state.postingsFreeNode,
        });
      } catch (e) {
        throw bad((e as Error).message);
      }
    } else
      for (const seq of live) {
        const keys = keysOf(ix.records.view(seq));
        for (let i = 0; i < keys.length; i++)
          ix.blocks.add(keys.type[i] ?? 0, keys.a[i] ?? 0, keys.b[i] ?? 0, seq);
      }
    return ix;
  }

  /** The posterior thresholds of this index's bands, in bits (`FellegiSunterScorer`). */
  get thresholdBits(): { possible: number; link: number; certain: number } {
    const s = this.scorer;
    return { possible: s.possibleBits, link: s.linkBits, certain: s.certainBits };
  }

  private scoreEntries(
    norm: NormalisedRecord,
    seqs: readonly number[],
    explain = true,
  ): ScoredCandidate[] {
    const out: ScoredCandidate[] = [];
    for (const s of seqs) {
      if (!this.isLive(s)) continue;
      const c = this.comparator.compare(norm, this.records.view(s), this.cmp);
      // Most candidates score below POSSIBLE: score without allocating, and build the
      // explanation (same sum, same order: the same score) only for those returned.
      if (this.scorer.band(this.scorer.score(c)) === undefined) continue;
      const scored = explain ? this.scorer.explain(c) : this.scorer.unexplained(c);
      out.push({ ...scored, id: this.idOf(s), clusterId: this.clusterIdOf(s) });
    }
    out.sort((x, y) => y.score - x.score);
    return out;
  }

  /** Term-frequency adjusted score and explanation of two indexed records. */
  compare(idA: string, idB: string): PairScore | undefined {
    const a = this.seqOf(idA);
    const b = this.seqOf(idB);
    if (a < 0 || b < 0) return undefined;
    const [ra, rb] = [this.records.view(a), this.records.view(b)];
    return this.scorer.explain(this.comparator.compare(ra, rb, this.cmp));
  }

  /**
   * Two indexed records compared now (current parameters and term frequencies) as a waterfall:
   * per field the level, its weight and the term-frequency adjustment apart, the running total,
   * the thresholds, and the band this index decides for the pair.
   */
  waterfall(idA: string, idB: string): PairWaterfall | undefined {
    const a = this.seqOf(idA);
    const b = this.seqOf(idB);
    if (a < 0 || b < 0) return undefined;
    const [ra, rb] = [this.records.view(a), this.records.view(b)];
    const w = waterfallOf(this.scorer, this.comparator.compare(ra, rb, newComparison()));
    const namesOnly = this.corroboratedLinks && this.scorer.isLink(w.score) && !w.corroborated;
    return { ...w, decidedBand: namesOnly ? 'MATCH_BAND_POSSIBLE' : w.band, namesOnly };
  }

  /** The links held between these records, once each (`a` < `b`), strongest first. */
  linksAmong(ids: Iterable<string>): HeldLink[] {
    const entries = new Map<number, string>();
    for (const id of ids) {
      const s = this.seqOf(id);
      if (s >= 0) entries.set(s, id);
    }
    const out: HeldLink[] = [];
    for (const [seq, id] of entries) {
      const l = this.linked.get(seq) ?? NO_LINKS;
      for (let i = 0; i < l.length; i += 2) {
        const [s, score] = [l[i] ?? 0, l[i + 1] ?? 0];
        const other = entries.get(s);
        const band = this.scorer.band(score);
        if (other === undefined || !band || id === other) continue;
        if (id < other) out.push({ a: id, b: other, score, band });
      }
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
    const a = this.seqOf(idA);
    const b = this.seqOf(idB);
    if (a < 0 || b < 0) return { groups: [], consistent: true };
    const held = this.constraintOf(idA, idB);
    this.setConstraint(idA, idB, kind);
    try {
      const members = new Set<number>();
      for (const c of new Set([this.clusterIdOf(a), this.clusterIdOf(b)]))
        for (const s of this.seqsOf(c)) members.add(s);
      const groups = this.groupsOf([...members]).map((g) => g.map((s) => this.idOf(s)));
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
    const a = this.seqOf(idA);
    const b = this.seqOf(idB);
    if (a < 0 || b < 0) return { clusters: [] };
    const before = new Set([this.clusterIdOf(a), this.clusterIdOf(b)]);
    const members = new Set<number>();
    for (const c of before) for (const s of this.seqsOf(c)) members.add(s);
    for (const c of before) this.deleteCluster(c);
    const out = new Map<string, string[]>([...before].map((c) => [c, []]));
    for (const c of this.recluster([...members])) out.set(c.clusterId, c.members);
    return { clusters: [...out].map(([clusterId, m]) => ({ clusterId, members: m })) };
  }

  /**
   * Files a record under its blocking keys and its id, naming `clusterId` as its cluster (the
   * cluster's members are the caller's business). No keys: the postings hold it already (a
   * restore given the batch's keys).
   */
  private insert(
    id: string,
    seq: number,
    clusterId: string,
    norm: NormalisedRecord,
    keys: KeyCodes | undefined,
  ): void {
    this.records.put(seq, norm);
    if (keys !== undefined)
      for (let i = 0; i < keys.length; i++)
        this.blocks.add(keys.type[i] ?? 0, keys.a[i] ?? 0, keys.b[i] ?? 0, seq);
    this.file(id, seq, clusterId);
  }

  /** The record `id` is `seq`, in the cluster named `clusterId`. */
  private file(id: string, seq: number, clusterId: string): void {
    if (seq >= this.idAt.length) {
      const n = grownLength(this.idAt.length, seq + 1);
      this.idAt = filled(this.idAt, n, -1);
      this.clusterAt = filled(this.clusterAt, n, -1);
    }
    const h = this.handleOf(id);
    this.ref(h, 1);
    this.seqOfId[h] = seq;
    this.idAt[seq] = h;
    this.held++;
    this.setClusterOf(seq, clusterId);
  }

  /** Records a link of `from` to `seq`, or sets its score if there is one (as Map.set would). */
  private link(from: number, seq: number, score: number): void {
    let l = this.linked.get(from);
    if (!l) this.linked.set(from, (l = []));
    for (let i = 0; i < l.length; i += 2)
      if (l[i] === seq) {
        l[i + 1] = score;
        return;
      }
    l.push(seq, score);
  }

  /** Forgets `from`'s link to `seq` (the others keep their order). */
  private unlink(from: number, seq: number): void {
    const l = this.linked.get(from);
    if (!l) return;
    for (let i = 0; i < l.length; i += 2)
      if (l[i] === seq) {
        l.splice(i, 2);
        break;
      }
    if (l.length === 0) this.linked.delete(from);
  }

  /**
   * The records sharing a block with a record of these keys, in the order met: each key's block
   * in turn (one holding maxBlockSize records or more is skipped), then the lone-name blocks
   * (LONE_NAME_KEY), which are not stored but made of the `ly` and `fy` blocks.
   */
  private candidateSeqs(keys: KeyCodes): SeqSet {
    const out = this.candidateScratch.begin(this.nextSeq);
    const add = (s: number): void => out.add(s);
    const blocks = this.blocks;
    for (let i = 0; i < keys.length; i++) {
      const [type, a, b] = [keys.type[i] ?? 0, keys.a[i] ?? 0, keys.b[i] ?? 0];
      if (type === LONE_NAME_KEY || blocks.size(type, a, b) >= this.maxBlockSize) continue;
      blocks.forEach(type, a, b, add);
    }
    for (let i = 0; i < keys.length; i++) {
      const [type, a, b] = [keys.type[i] ?? 0, keys.a[i] ?? 0, keys.b[i] ?? 0];
      if (type === LONE_NAME_KEY) this.loneNameCandidates(a, out);
      else if (type === NAME_YEAR_KEY && isLoneNameYear(b)) {
        // A record with a year meets the lone names of its code when the one-sided block of its
        // code and year (its `fy` block and theirs) is under the cap; its `fy` block it met above.
        const lone = blocks.size(LONE_NAME_KEY, a, 0);
        if (lone > 0 && blocks.size(NAME_YEAR_KEY, a, b) + lone < this.maxBlockSize)
          blocks.forEach(LONE_NAME_KEY, a, 0, add);
      }
    }
    return out;
  }

  /**
   * A lone name's candidates: for each year of LONE_NAME_YEARS whose one-sided block (the `fy`
   * block of the code and year, and the `ly` block of the code) holds fewer than maxBlockSize
   * records, that block's records in the order they were filed (seq order, the two merged).
   */
  private loneNameCandidates(code: number, out: SeqSet): void {
    const blocks = this.blocks;
    const add = (s: number): void => out.add(s);
    const lone = blocks.size(LONE_NAME_KEY, code, 0);
    let loneMet = false;
    for (let y = LONE_NAME_YEARS.from; y <= LONE_NAME_YEARS.to; y++) {
      const dated = blocks.size(NAME_YEAR_KEY, code, y);
      if (dated + lone === 0 || dated + lone >= this.maxBlockSize) continue;
      if (loneMet) {
        blocks.forEach(NAME_YEAR_KEY, code, y, add);
        continue;
      }
      loneMet = true;
      const lones: number[] = [];
      const dates: number[] = [];
      blocks.forEach(LONE_NAME_KEY, code, 0, (s) => void lones.push(s));
      blocks.forEach(NAME_YEAR_KEY, code, y, (s) => void dates.push(s));
      for (let i = 0, j = 0; i < lones.length || j < dates.length;) {
        const l = lones[i] ?? Infinity;
        const d = dates[j] ?? Infinity;
        if (l < d) i++;
        else j++;
        out.add(Math.min(l, d));
      }
    }
  }

  private tryMerge(ca: string, cb: string, changes: Map<string, string[]>): void {
    if (!this.hasCluster(ca) || !this.hasCluster(cb)) return;
    const seqs = [...this.seqsOf(ca), ...this.seqsOf(cb)];
    const groups = this.groupsOf(seqs);
    // The guard refused the merge: the clusters stay as they were. Where analysts' decisions
    // bear on these records, their clustering again from the links is taken as it comes out
    // (a cannot-link cuts the weakest link on the strongest path between its pair), so that
    // adding records gives what re-clustering them would.
    if (groups.length !== 1 && !this.constrainedAmong(seqs)) return;
    this.deleteCluster(ca);
    this.deleteCluster(cb);
    const written = this.writeGroups(groups);
    for (const c of [ca, cb]) if (!written.some((w) => w.clusterId === c)) changes.set(c, []);
    if (written.length > 1) for (const w of written) changes.set(w.clusterId, w.members);
  }

  /** Whether any analyst's decision names two of these records. */
  private constrainedAmong(seqs: readonly number[]): boolean {
    if (this.constraints.size === 0) return false;
    const ids = new Set(seqs.map((s) => this.idOf(s)));
    for (const id of ids)
      for (const partner of this.constraints.get(id)?.keys() ?? [])
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
    const norms = seqs.map((s) => this.records.view(s));
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
      const localOf = new Map(seqs.map((s, i) => [this.idOf(s), i]));
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
      const l = this.linked.get(s) ?? NO_LINKS;
      for (let k = 0; k < l.length; k += 2) {
        const j = local.get(l[k] ?? 0);
        if (j !== undefined && j > i) edges.push({ a: i, b: j, score: l[k + 1] ?? 0 });
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

  /** A cluster's members' seqs, in the order they were added ([] when no such cluster). */
  private seqsOf(clusterId: string): number[] {
    const c = this.ids.find(clusterId);
    const held = c < 0 ? NO_CLUSTER : (this.clusterSeq[c] as number);
    return held === NO_CLUSTER ? [] : held >= 0 ? [held] : (this.clusterMany.get(c) as number[]);
  }

  private writeGroups(groups: number[][]): { clusterId: string; members: string[] }[] {
    return groups.map((g) => {
      const members = g.map((s) => this.idOf(s));
      const clusterId = members[0] ?? '';
      this.setCluster(clusterId, g.length === 1 ? (g[0] ?? 0) : g);
      for (const s of g) if (this.isLive(s)) this.setClusterOf(s, clusterId);
      return { clusterId, members };
    });
  }
}

/** The postings' arrays a snapshot holds (`KeyPostings.state`). */
const POSTINGS_ARRAYS = [
  'table',
  'kA',
  'kB',
  'typeCount',
  'head',
  'freeBlocks',
  'seq',
  'next',
] as const;

/** The token table's texts, ids 0 … n-1. */
function* tokenTexts(n: number): Generator<string> {
  for (let i = 0; i < n; i++) yield tokenString(i);
}

/** `f` of each of `xs`, one at a time (a snapshot's strings, not all made at once). */
function* mapped(xs: readonly number[], f: (x: number) => string): Generator<string> {
  for (const x of xs) yield f(x);
}

/** A copy of `a` `length` long, the new elements `fill`. */
function filled(a: Int32Array, length: number, fill: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(length);
  out.set(a);
  out.fill(fill, a.length);
  return out;
}
