import { FIELDS, type FieldName } from '../compare/fields';

/** Learned (or prior) probabilities for one field: one entry per comparison level. */
export interface FieldParameters {
  /** P(level | records are the same person). */
  m: number[];
  /** P(level | records are different people), from random pairs. */
  u: number[];
}

/**
 * Everything the scorer needs, as plain JSON: save it after training, load it in the force node
 * or the hub. Term frequencies are not part of it — they belong to the data an index holds.
 */
export interface MatchParameters {
  version: 1;
  fields: Record<FieldName, FieldParameters>;
  /**
   * Prior probability that two records drawn at random are the same person. The score of a pair
   * is log2(lambda / (1 - lambda)) + the sum of field weights: a posterior log-odds (in bits).
   */
  lambda: number;
  /** Posterior match probability at or above which a pair is linked (PROBABLE or CERTAIN). */
  linkThreshold: number;
  /** At or above this posterior probability a link is CERTAIN. */
  certainThreshold: number;
  /** At or above this (and below linkThreshold) a pair is POSSIBLE: for analyst review. */
  possibleThreshold: number;
  /** How the parameters were obtained, for the record. */
  provenance: {
    trainedOn?: number;
    blockedPairs?: number;
    randomPairs?: number;
    emIterations?: number;
    converged?: boolean;
  };
}

/**
 * Decision thresholds as posterior probabilities. They are properties of the decision, not of
 * any data set: 0.5 is the Bayes decision for "more likely the same person than not"; 0.999 and
 * 0.05 mark the bands either side. The same values serve every data set (no per-set tuning).
 */
export const DEFAULT_THRESHOLDS = {
  linkThreshold: 0.5,
  certainThreshold: 0.999,
  possibleThreshold: 0.05,
} as const;

/**
 * Starting values for EM and the fall-back when there is too little data to learn from: m
 * spreads most mass on the best level, u most on "different". EM replaces m; u is replaced by
 * random-pair frequencies.
 */
export function priorParameters(): MatchParameters {
  const fields = {} as Record<FieldName, FieldParameters>;
  for (const f of FIELDS) {
    const n = f.levels.length;
    const m: number[] = [];
    const u: number[] = [];
    for (let l = 0; l < n; l++) {
      // m: 0.85 on exact, the rest geometric; u: 0.9 on "different", the rest small.
      m.push(l === 0 ? 0.85 : (0.15 * Math.pow(0.5, l)) / (1 - Math.pow(0.5, n - 1)));
      u.push(l === n - 1 ? 0.9 : 0.1 / (n - 1));
    }
    normalise(m);
    normalise(u);
    fields[f.name] = { m, u };
  }
  return {
    version: 1,
    fields,
    lambda: 1e-4,
    ...DEFAULT_THRESHOLDS,
    provenance: {},
  };
}

export function normalise(p: number[]): void {
  const s = p.reduce((x, y) => x + y, 0);
  if (s > 0) for (let i = 0; i < p.length; i++) p[i] = (p[i] ?? 0) / s;
}

/**
 * `parameters` in the current level layout. Parameters learned before a level was added (as a hub
 * may have saved them; ADDED_LEVELS) get it with m = u, i.e. a weight of 0: that agreement counts
 * for nothing until the parameters are learned again, and every other level keeps its weight.
 * Current parameters are returned as they are.
 */
export function currentParameters(parameters: MatchParameters): MatchParameters {
  let fields = parameters.fields;
  for (const [field, { before, at }] of Object.entries(ADDED_LEVELS) as [
    FieldName,
    { before: number; at: number },
  ][]) {
    const { m, u } = fields[field];
    if (m.length !== before || u.length !== before) continue;
    const insert = (p: number[]): number[] => [...p.slice(0, at), ADDED_LEVEL, ...p.slice(at)];
    fields = { ...fields, [field]: { m: insert(m), u: insert(u) } };
  }
  return fields === parameters.fields ? parameters : { ...parameters, fields };
}

/**
 * Levels added after parameters may have been saved: the field's level count before, and where
 * the new level sits. Date of birth "near" (before "different"), address "town" (same · mostly ·
 * partly · different before), online "similar" (shared · different before).
 */
const ADDED_LEVELS: Partial<Record<FieldName, { before: number; at: number }>> = {
  dob: { before: 6, at: 5 },
  address: { before: 4, at: 2 },
  online: { before: 2, at: 1 },
};

/** The m and u of a level added to parameters learned without it (equal: no evidence). */
const ADDED_LEVEL = 1e-9;
