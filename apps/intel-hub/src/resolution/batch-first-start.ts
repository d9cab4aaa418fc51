import { NominalState } from '@intel/contracts';
import { isRestricted } from '@intel/disclosure';
import {
  MatchEngine,
  type BatchResolution,
  type MatchInputs,
  type NormalisedRecord,
  type MatchParameters,
  type ResolveOptions,
  type PairConstraint,
} from '@intel/matching';
import type { CandidateReport } from '../review/review.repository';
import type { MemberKey } from './member-key';
import { identifierKeysOf } from './exact-identifiers';
import { NationalIndex, NATIONAL_MATCH_OPTIONS, type NominalFacts } from './national-index';
import { nominalAsMatchInput } from './nominal-input';

/** POSSIBLE pairs kept for review per nominal scored: its strongest ones. */
export const REVIEW_CANDIDATES_PER_RECORD = 5;

/** A live nominal as read for a build: its key and its state as stored. */
export interface StoredNominal {
  key: MemberKey;
  encoded: Uint8Array;
}

/** What a first start built (`batchFirstStart`), for `load` to commit. */
export interface BatchBuilt {
  index: NationalIndex;
  engine: MatchEngine;
  /** The review candidates, as the incremental build reports them. */
  candidates: CandidateReport[];
  /** Per phase, in ms: the batch (decoding the states and training included), restoring. */
  phases: { resolve: number; restore: number; candidates: number };
  /** The batch's own figures: its phases in s, pairs, links, clusters, guard refusals. */
  batch: BatchResolution['stats'];
}

/**
 * The POSSIBLE pairs of a batch as review candidates, as the incremental build reports them:
 * each pair on its later record (the one scored when the other was already indexed), the
 * strongest REVIEW_CANDIDATES_PER_RECORD of each record's, with whether each record is handling
 * code C. Pure.
 */
export function batchCandidates(
  keys: readonly MemberKey[],
  restricted: Uint8Array,
  possibles: readonly { a: number; b: number; score: number }[],
  perRecord = REVIEW_CANDIDATES_PER_RECORD,
): CandidateReport[] {
  // Each pair on its later record, a record's pairs strongest first.
  const pairs = possibles.map((p) => ({
    self: Math.max(p.a, p.b),
    other: Math.min(p.a, p.b),
    score: p.score,
  }));
  pairs.sort((p, q) => p.self - q.self || q.score - p.score);
  const out: CandidateReport[] = [];
  let current = -1;
  let taken = 0;
  for (const { self, other, score } of pairs) {
    if (self !== current) [current, taken] = [self, 0];
    if (taken++ >= perRecord) continue;
    out.push({
      a: keys[self] as MemberKey,
      b: keys[other] as MemberKey,
      restrictedA: restricted[self] === 1,
      restrictedB: restricted[other] === 1,
      score,
      band: 'MATCH_BAND_POSSIBLE',
    });
  }
  return out;
}

/**
 * The pairs of analysts' decisions among `keys`, as record indices: `must` (SAME) and `cannot`
 * (NOT_SAME). Decisions naming a record not held are left out. Pure.
 */
export function constraintPairs(
  keys: readonly MemberKey[],
  constraints: readonly { a: MemberKey; b: MemberKey; constraint: PairConstraint }[],
): { mustLink: [number, number][]; cannotLink: [number, number][] } {
  const at = new Map<MemberKey, number>();
  keys.forEach((k, i) => at.set(k, i));
  const out = { mustLink: [] as [number, number][], cannotLink: [] as [number, number][] };
  for (const c of constraints) {
    const [a, b] = [at.get(c.a), at.get(c.b)];
    if (a === undefined || b === undefined || a === b) continue;
    (c.constraint === 'must' ? out.mustLink : out.cannotLink).push([a, b]);
  }
  return out;
}

/**
 * The batch over `stored`, with the time it took (ms). Each state is decoded once, as the batch
 * asks for its input (`MatchInputs`), so the decoded states and inputs are garbage record by
 * record instead of all held at once; what the index keeps of each besides its bytes (handling
 * code C, its identifiers' keys) is taken into `facts` then.
 */
function resolveStored(
  stored: readonly StoredNominal[],
  facts: NominalFacts[],
  options: Pick<ResolveOptions, 'parameters' | 'mustLink' | 'cannotLink'>,
): { result: BatchResolution; resolve: number } {
  const t = Date.now();
  const inputs: MatchInputs = {
    length: stored.length,
    at(i) {
      const state = NominalState.decode((stored[i] as StoredNominal).encoded);
      const keys = identifierKeysOf(state);
      facts[i] = {
        restricted: isRestricted(state.handling?.handlingCode),
        identifierKeys: keys.length === 0 ? NO_KEYS : keys,
      };
      return nominalAsMatchInput(state);
    },
  };
  const result = MatchEngine.resolve(inputs, {
    ...options,
    corroboratedLinks: NATIONAL_MATCH_OPTIONS.corroboratedLinks,
    keepLinks: true,
    keepPossibles: true,
    keepRecords: true,
  });
  return { result, resolve: Date.now() - t };
}

const NO_KEYS: readonly string[] = [];

/** Nominals restored between two pauses of `restoreFirstStart`. */
export const RESTORE_SLICE = 2_000;

/**
 * The persons a batch's clusters are, as the restored index's clusters list them: one group a
 * cluster in the order of its first record, each group's records in `keys`' order. Pure.
 */
export function batchGroups(
  keys: readonly MemberKey[],
  clusterOf: ArrayLike<number>,
): MemberKey[][] {
  const groups = new Map<number, MemberKey[]>();
  for (let i = 0; i < keys.length; i++) {
    const c = clusterOf[i] as number;
    const group = groups.get(c);
    if (group === undefined) groups.set(c, [keys[i] as MemberKey]);
    else group.push(keys[i] as MemberKey);
  }
  return [...groups.values()];
}

/**
 * A first start's batch, resolved: what `restoreFirstStart` restores the index from, and what
 * can be written before the index is restored (the persons' groups, the review candidates).
 */
export interface ResolvedFirstStart {
  /**
   * What the index is restored from: the nominals as read, their keys and facts, the batch's
   * result. `restoreFirstStart` takes it (undefined after): at national scale it is gigabytes
   * that the rest of the first start (its flags, the peak) must not hold.
   */
  input?: {
    stored: readonly StoredNominal[];
    keys: MemberKey[];
    facts: NominalFacts[];
    result: BatchResolution;
  };
  /** The batch's own figures: its phases in s, pairs, links, clusters, guard refusals. */
  batch: BatchResolution['stats'];
  /** The engine of the batch's parameters (learned, or as given). */
  engine: MatchEngine;
  constraints: readonly { a: MemberKey; b: MemberKey; constraint: PairConstraint }[];
  /** The persons the batch's clusters are (`batchGroups`). */
  groups: MemberKey[][];
  /** The review candidates, as the incremental build reports them. */
  candidates: CandidateReport[];
  /** In ms: the batch (decoding the states and training included); the candidates and groups. */
  phases: { resolve: number; candidates: number };
}

/**
 * A first start's batch (docs/hub.md "First start"): every live nominal (in `stored`'s order)
 * resolved at once by `MatchEngine.resolve` with the national link rule (`corroboratedLinks`: a
 * pair that scores as a link on names alone is a POSSIBLE pair, never a link), the chaining
 * guard and analysts' decisions (`constraints`: SAME always one person, NOT_SAME never), its
 * parameters learned from these nominals unless `parameters` are given. Its clusters are those
 * the incremental index keeps (each cluster is what the index's own guarded clustering makes of
 * its records and links), given as the persons' groups, and the review candidates are reported
 * as the incremental build reports them (`batchCandidates`).
 */
export function resolveFirstStart(
  stored: readonly StoredNominal[],
  o: {
    parameters?: MatchParameters;
    constraints: readonly { a: MemberKey; b: MemberKey; constraint: PairConstraint }[];
  },
): ResolvedFirstStart {
  const keys = stored.map((s) => s.key);
  const facts = new Array<NominalFacts>(stored.length);
  const { result, resolve } = resolveStored(stored, facts, {
    parameters: o.parameters,
    ...constraintPairs(keys, o.constraints),
  });
  const t = Date.now();
  const restricted = Uint8Array.from(facts, (f) => (f.restricted ? 1 : 0));
  const candidates = batchCandidates(keys, restricted, result.possiblePairs ?? []);
  const groups = batchGroups(keys, result.clusterOf);
  return {
    input: { stored, keys, facts, result },
    batch: result.stats,
    engine: MatchEngine.fromParameters(result.parameters),
    constraints: o.constraints,
    groups,
    candidates,
    phases: { resolve, candidates: Date.now() - t },
  };
}

/**
 * A first start's national index, restored from its batch as a restart restores an index
 * (`NationalIndex.restore`: each nominal in its cluster, the batch's links as stored, nothing
 * scored again), with the decisions held for what comes next; `pause` is awaited every
 * `slice` nominals, so that what the caller started before (the first start's writes to
 * PostgreSQL, which work on another core) moves on meanwhile. No persons yet: `load` gives every
 * cluster its person id.
 */
export async function restoreFirstStart(
  r: ResolvedFirstStart,
  pause: () => Promise<void> = () => Promise.resolve(),
  slice = RESTORE_SLICE,
): Promise<BatchBuilt> {
  const t = Date.now();
  if (r.input === undefined) throw new Error('restoreFirstStart: this batch was restored already');
  const { stored, keys, facts, result } = r.input;
  r.input = undefined;
  const { engine } = r;
  const index = new NationalIndex(engine);
  for (const c of r.constraints) index.matching.setConstraint(c.a, c.b, c.constraint);
  const { clusterOf, records: normalised = [] } = result;
  // Filed under the keys the batch worked out for the same records (`stored`'s order is the
  // batch's): not worked out again, nor looked up key by key.
  const restoring = index.restoring(result.keys);
  for (let i = 0; i < stored.length; i++) {
    if (i > 0 && i % slice === 0) await pause();
    const { key, encoded } = stored[i] as StoredNominal;
    const n = normalised[i] as NormalisedRecord;
    // Each record once filed: the index holds its own copy of the normalised record.
    normalised[i] = undefined as unknown as NormalisedRecord;
    restoring.add({
      key,
      encoded,
      personId: String(clusterOf[i]),
      facts: facts[i] as NominalFacts,
      normalised: n,
    });
  }
  function* links() {
    for (const l of result.links ?? [])
      yield { a: keys[l.a] as MemberKey, b: keys[l.b] as MemberKey, score: l.score };
  }
  restoring.finish(links());
  return {
    index,
    engine,
    candidates: r.candidates,
    phases: { ...r.phases, restore: Date.now() - t },
    batch: result.stats,
  };
}

/** `resolveFirstStart`, then `restoreFirstStart` without pauses. */
export function batchFirstStart(
  stored: readonly StoredNominal[],
  o: {
    parameters?: MatchParameters;
    constraints: readonly { a: MemberKey; b: MemberKey; constraint: PairConstraint }[];
  },
): Promise<BatchBuilt> {
  return restoreFirstStart(resolveFirstStart(stored, o));
}
