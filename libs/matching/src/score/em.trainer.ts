import { FIELD_COUNT, FIELDS, LEVEL_COUNTS, NULL_LEVEL, type FieldName } from '../compare/fields';
import {
  DEFAULT_THRESHOLDS,
  normalise,
  priorParameters,
  type MatchParameters,
} from './match-parameters';

/** Comparison vectors of blocked pairs, as counts per distinct pattern. */
export class PatternCounts {
  readonly counts = new Map<number, number>();
  total = 0;

  /** Packs one vector: (level + 1) in 3 bits per field; 13 fields use 39 of a double's 53 bits. */
  add(levels: Int8Array): void {
    let code = 0;
    for (let f = FIELD_COUNT - 1; f >= 0; f--) code = code * 8 + ((levels[f] ?? NULL_LEVEL) + 1);
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    this.total++;
  }
}

/** Per-field level counts of random pairs, for u. */
export class LevelCounts {
  readonly counts: number[][] = LEVEL_COUNTS.map((n) => new Array<number>(n).fill(0));
  total = 0;

  add(levels: Int8Array): void {
    this.total++;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const l = levels[f] ?? NULL_LEVEL;
      if (l !== NULL_LEVEL) {
        const row = this.counts[f] as number[];
        row[l] = (row[l] ?? 0) + 1;
      }
    }
  }
}

function unpack(code: number): Int8Array {
  const levels = new Int8Array(FIELD_COUNT);
  for (let f = 0; f < FIELD_COUNT; f++) {
    levels[f] = (code % 8) - 1;
    code = Math.floor(code / 8);
  }
  return levels;
}

export interface EmOptions {
  maxIterations?: number;
  /** Stop when no parameter moves by more than this. */
  tolerance?: number;
}

export interface TrainingInput {
  /**
   * Comparison patterns of (a sample of) the blocked pairs, one set per blocking-key type: the
   * pairs that share a key of that type, with the fields the key is built from set to null.
   */
  byKeyType: Map<string, PatternCounts>;
  /** Patterns of the same sample without masking, for the match prior. */
  blocked: PatternCounts;
  /** How many blocked pairs there are in all (the sample may be smaller). */
  blockedPairsTotal: number;
  /** Level counts of uniformly random record pairs. */
  random: LevelCounts;
  /** Records in the data set. */
  records: number;
}

interface Pattern {
  levels: Int8Array;
  count: number;
}

function patternsOf(counts: PatternCounts): Pattern[] {
  return [...counts.counts.entries()].map(([code, count]) => ({ levels: unpack(code), count }));
}

/** log P(pattern | class) under conditional independence, nulls skipped. */
function logLikelihood(levels: Int8Array, p: number[][]): number {
  let l = 0;
  for (let f = 0; f < FIELD_COUNT; f++) {
    const level = levels[f] ?? NULL_LEVEL;
    if (level !== NULL_LEVEL) l += Math.log(p[f]?.[level] ?? 1e-12);
  }
  return l;
}

/**
 * EM for m and the match share with u held fixed (Splink's "estimate_parameters_using_
 * expectation_maximisation" with `fix_u_probabilities`). Returns m, the match share and the
 * evidence (expected matches) behind each field's m.
 */
function emFixedU(
  patterns: readonly Pattern[],
  u: number[][],
  mStart: number[][],
  options: EmOptions,
): { m: number[][]; lambda: number; matches: number; iterations: number; converged: boolean } {
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-6;
  let m = mStart.map((row) => row.slice());
  let lambda = 0.1;
  let matches = 0;
  let iterations = 0;
  let converged = false;
  const lu = patterns.map((p) => logLikelihood(p.levels, u));
  for (; iterations < maxIterations; iterations++) {
    const mNum = LEVEL_COUNTS.map((n) => new Array<number>(n).fill(0));
    let matchMass = 0;
    let total = 0;
    patterns.forEach(({ levels, count }, k) => {
      const lm = Math.log(lambda) + logLikelihood(levels, m);
      const w = 1 / (1 + Math.exp(Math.log(1 - lambda) + (lu[k] ?? 0) - lm));
      matchMass += w * count;
      total += count;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const l = levels[f] ?? NULL_LEVEL;
        if (l !== NULL_LEVEL)
          (mNum[f] as number[])[l] = ((mNum[f] as number[])[l] ?? 0) + w * count;
      }
    });
    const newLambda = Math.min(Math.max(matchMass / Math.max(total, 1), 1e-9), 1 - 1e-9);
    let delta = Math.abs(newLambda - lambda);
    lambda = newLambda;
    matches = matchMass;
    const next = mNum.map((row, f) => {
      const seen = row.reduce((a, b) => a + b, 0);
      // A field never observed non-null here keeps its previous m.
      if (seen <= 1e-9) return (m[f] as number[]).slice();
      const r = row.map((x) => x + 1e-3);
      normalise(r);
      return r;
    });
    next.forEach((row, f) =>
      row.forEach((x, l) => (delta = Math.max(delta, Math.abs(x - (m[f]?.[l] ?? 0))))),
    );
    m = next;
    if (delta < tolerance) {
      converged = true;
      iterations++;
      break;
    }
  }
  return { m, lambda, matches, iterations, converged };
}

/**
 * Estimates Fellegi-Sunter parameters by one procedure for every data set, unsupervised:
 *
 * 1. u from random pairs: almost all random pairs are non-matches, so level frequencies among
 *    them estimate P(level | non-match) (Splink: `estimate_u_using_random_sampling`). Add-one-half
 *    smoothing keeps unseen levels finite.
 * 2. m by EM with u fixed, once per blocking-key type, on the pairs that share a key of that
 *    type, with the key's own fields masked (Splink's per-blocking-rule training). Pairs found
 *    through "same surname and birth year" agree on those by construction, so among them only
 *    the other fields separate matches from non-matches, and for those other fields non-matches
 *    look like random pairs — which is what makes fixing u valid. Without the masking, EM on a
 *    data set full of common names settles on "same surname and year" as its match class.
 *    A field's m is the average of its estimates over the key types that do not use it, weighted
 *    by the expected matches behind each.
 * 3. lambda (the prior that a random pair matches): EM for the match share alone, m and u
 *    fixed, over all sampled blocked pairs, times blocked pairs over all pairs — every match is
 *    assumed to be blocked, which the evaluation's blocking recall checks.
 */
export function estimateParameters(input: TrainingInput, options: EmOptions = {}): MatchParameters {
  const prior = priorParameters();
  const names = FIELDS.map((f) => f.name);
  const u: number[][] = names.map((name, f) => {
    const counts = input.random.counts[f] ?? [];
    const row = counts.map((c) => c + 0.5);
    normalise(row);
    return row.length > 0 ? row : prior.fields[name].u.slice();
  });
  const mStart: number[][] = names.map((name) => prior.fields[name].m.slice());
  const sums: number[][] = LEVEL_COUNTS.map((n) => new Array<number>(n).fill(0));
  const weights = new Array<number>(FIELD_COUNT).fill(0);
  let iterations = 0;
  let converged = true;
  for (const counts of input.byKeyType.values()) {
    const patterns = patternsOf(counts);
    if (patterns.length === 0) continue;
    const run = emFixedU(patterns, u, mStart, options);
    iterations = Math.max(iterations, run.iterations);
    converged &&= run.converged;
    for (let f = 0; f < FIELD_COUNT; f++) {
      // Evidence for field f in this run: expected matches with f observed.
      let observed = 0;
      for (const { levels, count } of patterns) {
        if ((levels[f] ?? NULL_LEVEL) === NULL_LEVEL) continue;
        const lm = Math.log(run.lambda) + logLikelihood(levels, run.m);
        const lu = Math.log(1 - run.lambda) + logLikelihood(levels, u);
        observed += count / (1 + Math.exp(lu - lm));
      }
      if (observed <= 0) continue;
      weights[f] = (weights[f] ?? 0) + observed;
      (run.m[f] ?? []).forEach(
        (x, l) => ((sums[f] as number[])[l] = ((sums[f] as number[])[l] ?? 0) + x * observed),
      );
    }
  }
  const m = sums.map((row, f) => {
    const w = weights[f] ?? 0;
    if (w <= 1e-9) return mStart[f] as number[];
    const r = row.map((x) => x / w);
    normalise(r);
    return r;
  });
  // The match share of all blocked pairs, m and u fixed.
  const all = patternsOf(input.blocked);
  let lambdaBlocked = 0.1;
  for (let it = 0; it < 200 && all.length > 0; it++) {
    let mass = 0;
    let total = 0;
    for (const { levels, count } of all) {
      const lm = Math.log(lambdaBlocked) + logLikelihood(levels, m);
      const lu = Math.log(1 - lambdaBlocked) + logLikelihood(levels, u);
      mass += count / (1 + Math.exp(lu - lm));
      total += count;
    }
    const next = Math.min(Math.max(mass / total, 1e-9), 1 - 1e-9);
    const done = Math.abs(next - lambdaBlocked) < 1e-9;
    lambdaBlocked = next;
    if (done) break;
  }
  const allPairs = (input.records * (input.records - 1)) / 2;
  const lambda =
    all.length > 0 && allPairs > 0
      ? Math.min(Math.max((lambdaBlocked * input.blockedPairsTotal) / allPairs, 1e-12), 0.5)
      : prior.lambda;
  const fields = {} as MatchParameters['fields'];
  names.forEach((name: FieldName, f) => {
    fields[name] = { m: m[f] ?? prior.fields[name].m, u: u[f] ?? prior.fields[name].u };
  });
  return {
    version: 1,
    fields,
    lambda,
    ...DEFAULT_THRESHOLDS,
    provenance: {
      trainedOn: input.records,
      blockedPairs: input.blockedPairsTotal,
      randomPairs: input.random.total,
      emIterations: iterations,
      converged,
    },
  };
}
