import {
  buildBlockIndex,
  forEachCandidatePair,
  recordKeysOf,
  trainingKeysOf,
  type BlockIndex,
  type RecordKeys,
} from '../block/candidate-pairs.batch';
import { DEFAULT_MAX_BLOCK_SIZE, KEY_TYPES, KEY_TYPE_FIELDS } from '../block/blocking-keys';
import { F, FIELD_COUNT, NULL_LEVEL } from '../compare/fields';
import { newComparison, RecordComparator } from '../compare/record.comparator';
import { GuardedClusterer } from '../cluster/guarded-clusterer';
import type { MatchInput } from '../model/match-input';
import { normaliseRecord, type NormalisedRecord } from '../normalise/record.normaliser';
import { withNormaliserMemos } from '../normalise/identifier.normaliser';
import { estimateParameters, LevelCounts, PatternCounts } from '../score/em.trainer';
import { FellegiSunterScorer, type PairScore } from '../score/fellegi-sunter.scorer';
import { priorParameters, type MatchParameters } from '../score/match-parameters';
import { TermFrequencies } from '../score/term-frequencies';
import { batchRows } from './batch-rows';
import { MatchIndex, type MatchIndexOptions } from './match-index';

export { DEFAULT_MAX_BLOCK_SIZE };
import { mulberry32 } from './prng';

export interface TrainOptions {
  /** Blocked pairs used by EM at most (sampled by left-hand record when there are more). */
  maxEmPairs?: number;
  /** Random pairs for u. */
  randomPairs?: number;
  /** Blocks larger than this are not used for candidates. */
  maxBlockSize?: number;
  seed?: number;
  onProgress?: ProgressCallback;
}

export type ProgressCallback = (phase: string, done: number, total: number) => void;

export interface ResolveOptions extends TrainOptions {
  /** Use these parameters instead of training on the batch. */
  parameters?: MatchParameters;
  /** Analysts' decisions, as pairs of record indices. */
  mustLink?: readonly (readonly [number, number])[];
  cannotLink?: readonly (readonly [number, number])[];
  /** Keep every scored link (a, b, score) in the result. */
  keepLinks?: boolean;
  /** Keep every scored POSSIBLE pair (a, b, score) too: for calibration (eval-matching). */
  keepPossibles?: boolean;
  /**
   * Keep the records as normalised (`records`) and their blocking keys with their codes
   * (`keys`): to restore an index from (`RestoredRecord`, `MatchIndex.restoring`).
   */
  keepRecords?: boolean;
  /**
   * Explain these pairs (record indices) with the batch's own scorer, term frequencies
   * included, whether blocking compared them or not: for evaluation (what missed pairs look like).
   */
  explainPairs?: readonly (readonly [number, number])[];
  /**
   * Guard merges against chaining (default true). `false` gives plain connected components over
   * the links — only for measuring what the guard is worth.
   */
  chainingGuard?: boolean;
  /**
   * Link two records only when something beyond their names agrees (the national link rule,
   * `MatchIndexOptions.corroboratedLinks`): a pair scoring as a link on names alone is a POSSIBLE
   * pair (in `possiblePairs`, `namesOnly`), never offered to the clusterer. Default false.
   */
  corroboratedLinks?: boolean;
}

/**
 * The batch's input records, by position (an array is one): `at(i)` for i from 0 to
 * `length - 1`, each asked for once and in order.
 */
export interface MatchInputs {
  readonly length: number;
  at(i: number): MatchInput | undefined;
}

export interface BatchResolution {
  /** Per input record, the index of the first record (in input order) of its cluster. */
  clusterOf: Int32Array;
  parameters: MatchParameters;
  /** Scored links (score ≥ link threshold), when keepLinks was set. */
  links?: { a: number; b: number; score: number }[];
  /**
   * Scored POSSIBLE pairs (possible ≤ score < link threshold, or with `corroboratedLinks` a link
   * on names alone: `namesOnly`), when keepPossibles was set.
   */
  possiblePairs?: { a: number; b: number; score: number; namesOnly?: boolean }[];
  /** The explanations of `explainPairs`, in their order. */
  explained?: PairScore[];
  /** The records as normalised, in input order, when keepRecords was set. */
  records?: NormalisedRecord[];
  /**
   * Every record's blocking keys with their codes (`RecordKeys.keyA`, `keyB`), records in input
   * order, when keepRecords was set: an index restored from `records` in that order files them
   * as they are (`MatchIndex.restoring`) instead of working them out again.
   */
  keys?: RecordKeys;
  /** The band thresholds in bits, as the batch's scorer applies them. */
  bits: { certainBits: number; linkBits: number; possibleBits: number };
  stats: {
    records: number;
    candidatePairs: number;
    links: number;
    possibles: number;
    clusters: number;
    guardRefusals: number;
    droppedBlocks: number;
    seconds: { normalise: number; block: number; train: number; score: number; cluster: number };
  };
}

/**
 * The entity-resolution engine: learned parameters plus the comparator and scorer. Pure — no
 * I/O, no clock, no environment — so the force node, the hub and the CLI share it.
 *
 * - `MatchEngine.train(records)` learns parameters from unlabelled data (EM); `fromParameters`
 *   loads saved ones (`engine.parameters` is plain JSON).
 * - `compare(a, b)` scores one pair with explanation.
 * - `createIndex()` gives the incremental index (add / remove / candidates / match / clusters).
 * - `resolve(records)` is the batch: block, score, cluster.
 */
export class MatchEngine {
  readonly comparator = new RecordComparator();
  private readonly plainScorer: FellegiSunterScorer;

  private constructor(readonly parameters: MatchParameters) {
    this.plainScorer = new FellegiSunterScorer(parameters);
  }

  static fromParameters(parameters: MatchParameters): MatchEngine {
    return new MatchEngine(parameters);
  }

  /** An engine with prior (untrained) parameters: for tests and cold starts only. */
  static withPriors(): MatchEngine {
    return new MatchEngine(priorParameters());
  }

  static train(records: readonly MatchInput[], options: TrainOptions = {}): MatchEngine {
    const work = prepare(records, options);
    return new MatchEngine(train(work, options));
  }

  normalise(input: MatchInput): NormalisedRecord {
    return normaliseRecord(input);
  }

  /**
   * Scores one pair without term-frequency adjustment (no population is known here); use
   * `MatchIndex.compare` for the adjusted score of two indexed records.
   */
  compare(a: MatchInput | NormalisedRecord, b: MatchInput | NormalisedRecord): PairScore {
    const c = this.comparator.compare(asNormalised(a), asNormalised(b));
    return this.plainScorer.explain(c);
  }

  createIndex(options: MatchIndexOptions = {}): MatchIndex {
    return new MatchIndex(this.parameters, this.comparator, options);
  }

  /**
   * An index loaded from a snapshot's bytes (`MatchIndex.snapshot`, in chunks cut anywhere:
   * a file's read stream), answering as the index that wrote it; nothing is normalised or
   * scored. Rejects with a SnapshotError naming what is wrong: another version or layout
   * (`version`), other parameters than this engine's (`parameters`), other options
   * (`options`), a file cut short (`truncated`), a checksum that does not match (`checksum`),
   * anything else malformed (`format`).
   */
  loadIndex(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: MatchIndexOptions = {},
  ): Promise<MatchIndex> {
    return MatchIndex.fromSnapshot(this.parameters, this.comparator, source, options);
  }

  /**
   * Batch resolution of `records` (trains on them first unless `options.parameters` is set).
   * `records` may be any `MatchInputs`: each is asked for once, in order, and normalised at
   * once, so a caller that makes each input as it is asked for (decoding it from what it
   * stores) never holds them all.
   */
  static resolve(records: MatchInputs, options: ResolveOptions = {}): BatchResolution {
    const work = prepare(records, options);
    const t0 = Date.now();
    const parameters = options.parameters ?? train(work, options);
    const tTrain = (Date.now() - t0) / 1000;
    return resolvePrepared(work, parameters, options, tTrain);
  }
}

function asNormalised(x: MatchInput | NormalisedRecord): NormalisedRecord {
  return 'custodyIds' in x ? x : normaliseRecord(x);
}

interface Prepared {
  norm: NormalisedRecord[];
  /** The records' flat rows and term-frequency counts (batch-rows.ts). */
  rows: Int32Array;
  tf: TermFrequencies;
  blocks: BlockIndex;
  comparator: RecordComparator;
  seconds: { normalise: number; block: number };
}

function prepare(records: MatchInputs, options: ResolveOptions): Prepared {
  return withNormaliserMemos(() => prepareRecords(records, options));
}

function prepareRecords(records: MatchInputs, options: ResolveOptions): Prepared {
  const progress = options.onProgress;
  let t = Date.now();
  const norm: NormalisedRecord[] = new Array<NormalisedRecord>(records.length);
  const tf = new TermFrequencies();
  for (let i = 0; i < records.length; i++) {
    const r = normaliseRecord(records.at(i) as MatchInput);
    norm[i] = r;
    tf.add(r);
    if (progress && i % 10_000 === 0) progress('normalise', i, records.length);
  }
  const rows = batchRows(norm, tf);
  const tNorm = (Date.now() - t) / 1000;
  t = Date.now();
  const blocks = buildBlockIndex(
    recordKeysOf(norm, options.keepRecords === true),
    options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE,
  );
  progress?.('block', records.length, records.length);
  return {
    norm,
    rows,
    tf,
    blocks,
    comparator: new RecordComparator(),
    seconds: { normalise: tNorm, block: (Date.now() - t) / 1000 },
  };
}

function train(work: Prepared, options: TrainOptions): MatchParameters {
  const { norm, rows, comparator } = work;
  // EM learns from the pairs the established keys find, not from those only the sparse-record
  // keys find (blocking-keys.ts, CANDIDATE_ONLY_KEY_TYPES).
  const trainingKeys = trainingKeysOf(work.blocks.keys);
  const blocks =
    trainingKeys === work.blocks.keys
      ? work.blocks
      : buildBlockIndex(trainingKeys, options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE);
  const n = norm.length;
  const maxEm = options.maxEmPairs ?? 400_000;
  const total = forEachCandidatePair(blocks, () => undefined);
  // Sample by left-hand record so the sample is spread over the whole data set.
  const stride = Math.max(1, Math.ceil(total / maxEm));
  const patterns = new PatternCounts();
  const byKeyType = new Map<string, PatternCounts>();
  const c = newComparison();
  const masked = new Int8Array(FIELD_COUNT);
  // Keys as integers for the per-pair "which key types do i and j share" test: comparing
  // interned ids instead of strings, and a stamp per key type instead of a Set per pair.
  const { keyStart, keyIds } = blocks.keys;
  const { keyTypeOf, types } = keyTypesOf(blocks.keys);
  const maskedFields = types.map((t) => (KEY_TYPE_FIELDS[t] ?? []).map((f) => F[f]));
  const countsOfType: (PatternCounts | undefined)[] = types.map(() => undefined);
  const typeStamp = new Int32Array(types.length).fill(-1);
  let pairNo = 0;
  forEachCandidatePair(
    blocks,
    (i, j) => {
      comparator.compareRows(
        rows,
        i,
        j,
        norm[i] as NormalisedRecord,
        norm[j] as NormalisedRecord,
        c,
      );
      patterns.add(c.levels);
      const stamp = pairNo++;
      const js = keyStart[j] ?? 0;
      const je = keyStart[j + 1] ?? 0;
      const ie = keyStart[i + 1] ?? 0;
      // Types in order of i's keys, each once: the order a Set of them would iterate in, so
      // byKeyType gets its entries in the same order as before (EM sums over it in that order).
      for (let p = keyStart[i] ?? 0; p < ie; p++) {
        const k = keyIds[p] ?? -1;
        const t = keyTypeOf[k] ?? 0;
        if (typeStamp[t] === stamp) continue;
        let shared = false;
        for (let q = js; q < je; q++) {
          if (keyIds[q] === k) {
            shared = true;
            break;
          }
        }
        if (!shared) continue;
        typeStamp[t] = stamp;
        masked.set(c.levels);
        for (const f of maskedFields[t] ?? []) masked[f] = NULL_LEVEL;
        let counts = countsOfType[t];
        if (!counts) {
          counts = new PatternCounts();
          countsOfType[t] = counts;
          byKeyType.set(types[t] ?? '', counts);
        }
        counts.add(masked);
      }
    },
    stride > 1 ? (i) => i % stride === 0 : undefined,
  );
  const random = new LevelCounts();
  const rnd = mulberry32(options.seed ?? 20240229);
  const wanted = Math.min(options.randomPairs ?? 200_000, (n * (n - 1)) / 2);
  for (let k = 0; k < wanted && n > 1; k++) {
    const i = Math.floor(rnd() * n);
    let j = Math.floor(rnd() * (n - 1));
    if (j >= i) j++;
    comparator.compareRows(rows, i, j, norm[i] as NormalisedRecord, norm[j] as NormalisedRecord, c);
    random.add(c.levels);
  }
  return estimateParameters({
    byKeyType,
    blocked: patterns,
    blockedPairsTotal: total,
    random,
    records: n,
  });
}

/**
 * The type of each distinct key as an index into `types`, the key types in the order they first
 * occur (records in order, each record's keys in order) — the order training sums them in.
 */
function keyTypesOf(keys: RecordKeys): { keyTypeOf: Int32Array; types: string[] } {
  // Key ids are numbered in first-seen order, so walking them in id order meets the types in
  // the order a walk over the records would.
  const keyTypeOf = new Int32Array(keys.keyCount);
  const indexOfType = new Int32Array(KEY_TYPES.length).fill(-1);
  const types: string[] = [];
  for (let k = 0; k < keys.keyCount; k++) {
    const code = keys.keyTypes[k] ?? 0;
    let ti = indexOfType[code] ?? -1;
    if (ti < 0) {
      ti = types.length;
      types.push(KEY_TYPES[code] ?? '');
      indexOfType[code] = ti;
    }
    keyTypeOf[k] = ti;
  }
  return { keyTypeOf, types };
}

function resolvePrepared(
  work: Prepared,
  parameters: MatchParameters,
  options: ResolveOptions,
  tTrain: number,
): BatchResolution {
  const { norm, rows, comparator, blocks, tf } = work;
  const n = norm.length;
  const scorer = new FellegiSunterScorer(parameters, tf);
  const progress = options.onProgress;
  let t = Date.now();
  const la: number[] = [];
  const lb: number[] = [];
  const ls: number[] = [];
  let possibles = 0;
  const possiblePairs: NonNullable<BatchResolution['possiblePairs']> = [];
  const keepPossibles = options.keepPossibles === true;
  const corroborated = options.corroboratedLinks === true;
  const c = newComparison();
  let lastI = -1;
  const pairs = forEachCandidatePair(blocks, (i, j) => {
    comparator.compareRows(rows, i, j, norm[i] as NormalisedRecord, norm[j] as NormalisedRecord, c);
    const s = scorer.score(c);
    if (s >= scorer.linkBits && corroborated && !scorer.corroborates(c)) {
      possibles++;
      if (keepPossibles) possiblePairs.push({ a: i, b: j, score: s, namesOnly: true });
    } else if (s >= scorer.linkBits) {
      la.push(i);
      lb.push(j);
      ls.push(s);
    } else if (s >= scorer.possibleBits) {
      possibles++;
      if (keepPossibles) possiblePairs.push({ a: i, b: j, score: s });
    }
    if (progress && i !== lastI && i % 10_000 === 0) {
      lastI = i;
      progress('score', i, n);
    }
  });
  const tScore = (Date.now() - t) / 1000;
  t = Date.now();
  const order = Array.from(ls.keys()).sort((x, y) => (ls[y] ?? 0) - (ls[x] ?? 0));
  const pc = newComparison();
  const clusterer = new GuardedClusterer(n, {
    linkBits: options.chainingGuard === false ? -Infinity : scorer.linkBits,
    pair: (a, b) => {
      comparator.compareRows(
        rows,
        a,
        b,
        norm[a] as NormalisedRecord,
        norm[b] as NormalisedRecord,
        pc,
      );
      return { score: scorer.score(pc), contradicts: scorer.conflicts(pc) };
    },
  });
  for (const [a, b] of options.cannotLink ?? []) clusterer.addCannotLink(a, b);
  for (const [a, b] of options.mustLink ?? []) clusterer.forceLink(a, b);
  for (const k of order) clusterer.offer(la[k] ?? 0, lb[k] ?? 0);
  const clusterOf = new Int32Array(n);
  const firstOfRoot = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = clusterer.find(i);
    let first = firstOfRoot.get(r);
    if (first === undefined) {
      first = i;
      firstOfRoot.set(r, i);
    }
    clusterOf[i] = first;
  }
  progress?.('cluster', n, n);
  const result: BatchResolution = {
    clusterOf,
    parameters,
    stats: {
      records: n,
      candidatePairs: pairs,
      links: ls.length,
      possibles,
      clusters: firstOfRoot.size,
      guardRefusals: clusterer.refusals,
      droppedBlocks: blocks.droppedBlocks,
      seconds: { ...work.seconds, train: tTrain, score: tScore, cluster: (Date.now() - t) / 1000 },
    },
    bits: {
      certainBits: scorer.certainBits,
      linkBits: scorer.linkBits,
      possibleBits: scorer.possibleBits,
    },
  };
  if (keepPossibles) result.possiblePairs = possiblePairs;
  if (options.keepRecords) {
    result.records = norm;
    result.keys = blocks.keys;
  }
  if (options.explainPairs) {
    result.explained = options.explainPairs.map(([a, b]) => {
      comparator.compareRows(
        rows,
        a,
        b,
        norm[a] as NormalisedRecord,
        norm[b] as NormalisedRecord,
        pc,
      );
      return scorer.explain(pc);
    });
  }
  if (options.keepLinks)
    result.links = order.map((k) => ({ a: la[k] ?? 0, b: lb[k] ?? 0, score: ls[k] ?? 0 }));
  return result;
}

/** Candidate pairs of a batch, for blocking-recall measurement (pairs i < j, by index). */
export function candidatePairsOf(
  records: readonly MatchInput[],
  maxBlockSize = DEFAULT_MAX_BLOCK_SIZE,
): Set<number> {
  const blocks = buildBlockIndex(recordKeysOf(records.map(normaliseRecord)), maxBlockSize);
  const out = new Set<number>();
  forEachCandidatePair(blocks, (i, j) => out.add(i * records.length + j));
  return out;
}
