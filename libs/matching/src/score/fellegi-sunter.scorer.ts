import { F, FIELD_COUNT, FIELDS, NULL_LEVEL, type FieldName } from '../compare/fields';
import type { Comparison } from '../compare/record.comparator';
import { currentParameters, type MatchParameters } from './match-parameters';
import { TF_FIELDS, TOWN_TF, type TermFrequencies } from './term-frequencies';

/** The address level `town` (FIELDS), adjusted by the town's frequency. */
const A_TOWN = 2;

/** Match bands as the proto names them (intel_query.proto MatchBand). */
export type MatchBandName = 'MATCH_BAND_CERTAIN' | 'MATCH_BAND_PROBABLE' | 'MATCH_BAND_POSSIBLE';

/** One field's part in a score: which level it reached and what that weighed. */
export interface FieldEvidence {
  field: FieldName;
  /** Level name (FIELDS), or `null` when either side lacked the field. */
  level: string;
  /** log2(m/u) in bits, term-frequency adjusted where it applies; 0 for null. */
  weight: number;
  /** True when the weight was term-frequency adjusted. */
  tfAdjusted: boolean;
}

/** A scored pair: total, probability, band and the per-field explanation. */
export interface PairScore {
  /** Posterior log-odds in bits: prior log-odds plus the field weights. */
  score: number;
  /** Posterior probability that the two records are the same person. */
  probability: number;
  /** `undefined` below the POSSIBLE threshold: no link, nothing to review. */
  band: MatchBandName | undefined;
  /** Given and family names agreed best when swapped on one side. */
  namesSwapped: boolean;
  explanation: FieldEvidence[];
}

const LN2 = Math.log(2);

/** log2(p / (1 - p)): a probability threshold as a score threshold in bits. */
export function logitBits(p: number): number {
  return Math.log(p / (1 - p)) / LN2;
}

export function probabilityOf(scoreBits: number): number {
  return 1 / (1 + Math.pow(2, -scoreBits));
}

/**
 * Fellegi-Sunter scoring (Fellegi & Sunter 1969): the weight of a level is log2(m/u); a null
 * contributes nothing; the top level of TF fields uses u = frequency of the agreed value
 * (Winkler 1989). Two constraints keep the score coherent as evidence: weights never increase
 * down a field's ordered levels (better agreement never counts less), and agreement never
 * counts against a match (the "agreeing" levels of FIELDS are at least 0). A TF-adjusted exact weight is likewise
 * never below the next level's weight: agreeing exactly on "smith" is at least as good as
 * agreeing on "smyth".
 */
export class FellegiSunterScorer {
  readonly weights: Float64Array[];
  private readonly logM0: Float64Array;
  readonly priorBits: number;
  readonly linkBits: number;
  readonly certainBits: number;
  readonly possibleBits: number;

  /** The parameters scored with, in the current level layout (`currentParameters`). */
  readonly parameters: MatchParameters;

  constructor(
    parameters: MatchParameters,
    private readonly tf?: TermFrequencies,
  ) {
    parameters = currentParameters(parameters);
    this.parameters = parameters;
    this.weights = FIELDS.map((f) => {
      const p = parameters.fields[f.name];
      const w = new Float64Array(f.levels.length);
      for (let l = 0; l < f.levels.length; l++) {
        w[l] = Math.log((p.m[l] ?? 1e-6) / (p.u[l] ?? 1e-6)) / LN2;
      }
      for (let l = f.levels.length - 2; l >= 0; l--) w[l] = Math.max(w[l] ?? 0, w[l + 1] ?? 0);
      for (let l = 0; l < f.agreeing; l++) w[l] = Math.max(w[l] ?? 0, 0);
      return w;
    });
    this.logM0 = Float64Array.from(
      FIELDS,
      (f) => Math.log(parameters.fields[f.name].m[0] ?? 1e-6) / LN2,
    );
    this.priorBits = logitBits(parameters.lambda);
    this.linkBits = logitBits(parameters.linkThreshold);
    this.certainBits = logitBits(parameters.certainThreshold);
    this.possibleBits = logitBits(parameters.possibleThreshold);
  }

  /** Weight of one field in a comparison (0 for null). */
  fieldWeight(c: Comparison, field: number): number {
    const level = c.levels[field] ?? NULL_LEVEL;
    if (level === NULL_LEVEL) return 0;
    const w = this.weights[field] as Float64Array;
    if (this.tf !== undefined && (c.tfValues[field] ?? -1) >= 0) {
      if (level === 0 && TF_FIELDS[field] === true) return this.tfWeight(c, field, w);
      if (level === A_TOWN && field === F.address) return this.townWeight(c, w);
    }
    return w[level] ?? 0;
  }

  /**
   * The top level of a TF field: u is the agreed value's frequency (Winkler). A lone name agreeing
   * with the other record's name in the other slot (`crossSlot`) takes the name's frequency in
   * either slot. Never below 0; never below the next level's weight except for the cross-slot
   * name, whose next level (a similar name in the other slot) is as common as the name is.
   */
  private tfWeight(c: Comparison, field: number, w: Float64Array): number {
    const tf = this.tf as TermFrequencies;
    const value = c.tfValues[field] ?? -1;
    // A batch's comparison carries the count (its rows hold it, from this same population).
    const known = c.tfCounts[field] ?? -1;
    const cross = c.crossSlot && field === F.family;
    const n =
      known >= 0
        ? known
        : cross
          ? tf.count(F.given, value) + tf.count(F.family, value)
          : tf.count(field, value);
    if (n <= 0 || tf.size <= 1) return w[0] ?? 0;
    const tfWeight = (this.logM0[field] ?? 0) - Math.log(n / tf.size) / LN2;
    return Math.max(tfWeight, cross ? 0 : (w[1] ?? 0), 0);
  }

  /**
   * The address level `town`, adjusted by the agreed town's frequency p: the level's weight plus
   * log2(Σp² / p), Σp² being the chance that two records agree on a town — so a town of average
   * share weighs what EM learned, London less, a village more; kept between the levels around it.
   */
  private townWeight(c: Comparison, w: Float64Array): number {
    const tf = this.tf as TermFrequencies;
    const value = c.tfValues[F.address] ?? -1;
    const known = c.tfCounts[F.address] ?? -1;
    const n = known >= 0 ? known : tf.count(TOWN_TF, value);
    const size = tf.size;
    const s2 = tf.sumOfSquares(TOWN_TF);
    const base = w[A_TOWN] ?? 0;
    if (n <= 0 || size <= 1 || s2 <= 0) return base;
    const adjusted = base + Math.log(s2 / (size * n)) / LN2;
    return Math.min(Math.max(adjusted, w[A_TOWN + 1] ?? 0), w[A_TOWN - 1] ?? 0);
  }

  /** Total score in bits (the hot path: no allocation). */
  score(c: Comparison): number {
    let s = this.priorBits;
    for (let f = 0; f < FIELD_COUNT; f++) s += this.fieldWeight(c, f);
    return s;
  }

  /**
   * Whether the comparison contradicts a match: some field both records hold weighs against it
   * (a negative weight) — a conflicting date of birth or PNC ID, a different surname, another
   * address. Fields either side lacks never do (they weigh nothing), nor do unshared online
   * identifiers (FIELDS: `contradicts`).
   */
  contradicts(c: Comparison): boolean {
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (FIELDS[f]?.contradicts === true && this.fieldWeight(c, f) < 0) return true;
    }
    return false;
  }

  /**
   * Whether the comparison conflicts in the chaining guard's sense: some field that tells two
   * people apart (FIELDS: `conflicts` — not the names) weighs against a match.
   */
  conflicts(c: Comparison): boolean {
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (FIELDS[f]?.conflicts === true && this.fieldWeight(c, f) < 0) return true;
    }
    return false;
  }

  /**
   * Whether something beyond the names agrees: a field marked `corroborates` (date of birth,
   * an identifier, an online identifier, an address) weighs for the match.
   */
  corroborates(c: Comparison): boolean {
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (FIELDS[f]?.corroborates === true && this.fieldWeight(c, f) > 0) return true;
    }
    return false;
  }

  band(scoreBits: number): MatchBandName | undefined {
    if (scoreBits >= this.certainBits) return 'MATCH_BAND_CERTAIN';
    if (scoreBits >= this.linkBits) return 'MATCH_BAND_PROBABLE';
    if (scoreBits >= this.possibleBits) return 'MATCH_BAND_POSSIBLE';
    return undefined;
  }

  isLink(scoreBits: number): boolean {
    return scoreBits >= this.linkBits;
  }

  /** As `explain`, without the per-field explanation (nothing allocated per field). */
  unexplained(c: Comparison): PairScore {
    const score = this.score(c);
    return {
      score,
      probability: probabilityOf(score),
      band: this.band(score),
      namesSwapped: c.swapped,
      explanation: [],
    };
  }

  explain(c: Comparison): PairScore {
    const explanation: FieldEvidence[] = [];
    let score = this.priorBits;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const def = FIELDS[f];
      if (def === undefined) continue;
      const level = c.levels[f] ?? NULL_LEVEL;
      const weight = this.fieldWeight(c, f);
      score += weight;
      explanation.push({
        field: def.name,
        level: level === NULL_LEVEL ? 'null' : (def.levels[level] ?? 'unknown'),
        weight,
        tfAdjusted:
          (level === 0 || (level === A_TOWN && f === F.address)) &&
          this.tf !== undefined &&
          (c.tfValues[f] ?? -1) >= 0 &&
          weight !== this.weights[f]?.[level],
      });
    }
    return {
      score,
      probability: probabilityOf(score),
      band: this.band(score),
      namesSwapped: c.swapped,
      explanation,
    };
  }
}
