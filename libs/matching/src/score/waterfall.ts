import { FIELDS, NULL_LEVEL, type FieldName } from '../compare/fields';
import type { Comparison } from '../compare/record.comparator';
import {
  logitBits,
  probabilityOf,
  type FellegiSunterScorer,
  type MatchBandName,
} from './fellegi-sunter.scorer';

/**
 * A pair's score as a match-weight waterfall (Splink's "waterfall chart"): the prior, then each
 * field's part, with the level it reached, that level's weight and, separately, what the
 * term-frequency adjustment added, and the running total after each step. The steps add up to
 * the score exactly (the same sum in the same order as `FellegiSunterScorer.score`).
 */
export interface WaterfallStep {
  field: FieldName;
  /** Level name (FIELDS), or `null` when either record lacks the field. */
  level: string;
  /** m and u of the level as learned (absent for a null). */
  m?: number;
  u?: number;
  /**
   * The level's weight as the scorer applies it: log2(m/u), kept monotone down the levels and
   * never negative on an agreeing level (FellegiSunterScorer); 0 for a null.
   */
  levelWeight: number;
  /** What the term-frequency adjustment added to `levelWeight` (0 when none applied). */
  tfAdjustment: number;
  /** `levelWeight + tfAdjustment`: the field's part of the score. */
  weight: number;
  /** The score after this step. */
  running: number;
}

/** A decision threshold, as a posterior probability and as a score in bits. */
export interface Threshold {
  probability: number;
  bits: number;
}

export interface Waterfall {
  /** Prior probability that two records are the same person (λ). */
  lambda: number;
  /** log2(λ / (1 − λ)): where the waterfall starts. */
  prior: number;
  steps: WaterfallStep[];
  /** The prior plus every step's weight: the score in bits. */
  score: number;
  probability: number;
  /** The band of the score alone (below POSSIBLE: undefined). */
  band: MatchBandName | undefined;
  thresholds: { possible: Threshold; link: Threshold; certain: Threshold };
  /** Given and family names agreed best when swapped on one side. */
  namesSwapped: boolean;
  /** Something beyond the names agrees (FIELDS `corroborates`). */
  corroborated: boolean;
}

/** The waterfall of one comparison under `scorer`'s parameters and term frequencies. */
export function waterfallOf(scorer: FellegiSunterScorer, c: Comparison): Waterfall {
  const p = scorer.parameters;
  const steps: WaterfallStep[] = [];
  let running = scorer.priorBits;
  FIELDS.forEach((def, f) => {
    const level = c.levels[f] ?? NULL_LEVEL;
    const weight = scorer.fieldWeight(c, f);
    running += weight;
    if (level === NULL_LEVEL) {
      steps.push({
        field: def.name,
        level: 'null',
        levelWeight: 0,
        tfAdjustment: 0,
        weight,
        running,
      });
      return;
    }
    const levelWeight = scorer.weights[f]?.[level] ?? 0;
    steps.push({
      field: def.name,
      level: def.levels[level] ?? 'unknown',
      m: p.fields[def.name].m[level],
      u: p.fields[def.name].u[level],
      levelWeight,
      tfAdjustment: weight - levelWeight,
      weight,
      running,
    });
  });
  const threshold = (probability: number): Threshold => ({
    probability,
    bits: logitBits(probability),
  });
  return {
    lambda: p.lambda,
    prior: scorer.priorBits,
    steps,
    score: running,
    probability: probabilityOf(running),
    band: scorer.band(running),
    thresholds: {
      possible: threshold(p.possibleThreshold),
      link: threshold(p.linkThreshold),
      certain: threshold(p.certainThreshold),
    },
    namesSwapped: c.swapped,
    corroborated: scorer.corroborates(c),
  };
}
