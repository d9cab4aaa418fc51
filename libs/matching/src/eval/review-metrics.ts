import { probabilityOf, type PairScore } from '../score/fellegi-sunter.scorer';

/**
 * What happened to the true pairs the engine did not link, and whether the posterior a scored
 * pair reports means what it says (issue #15). Pure: the caller resolves, scores and passes the
 * results in.
 */

/** A scored candidate pair (record indices a < b, score in bits). */
export interface ScoredPair {
  a: number;
  b: number;
  score: number;
}

/** The score thresholds of the bands, in bits (FellegiSunterScorer's). */
export interface BandBits {
  certainBits: number;
  linkBits: number;
  possibleBits: number;
}

export type BandLabel = 'CERTAIN' | 'PROBABLE' | 'POSSIBLE';

export interface BandCalibration {
  band: BandLabel;
  /** Scored candidate pairs in the band. */
  pairs: number;
  /** Of them, pairs of the same entity. */
  truePairs: number;
  /** Mean posterior the engine reports for them. */
  predicted: number;
  /** Observed precision: truePairs / pairs (NaN when the band is empty). */
  observed: number;
}

/** Where the missed true pairs went: shares of `pairs`. */
export interface MissedPairs {
  /** True pairs not in the same final cluster. */
  pairs: number;
  /** Compared, scored POSSIBLE: in the analysts' review band. */
  possible: number;
  /** Compared, scored below POSSIBLE: silently dropped. */
  below: number;
  /** Never compared: no blocking key in common. */
  notBlocked: number;
  /** Compared and scored a link, but not merged (the chaining guard, or a cannot-link). */
  linked: number;
  possibleShare: number;
  belowShare: number;
  notBlockedShare: number;
  linkedShare: number;
  /**
   * What the missed pairs look like, most frequent first: a field weighing against the pair
   * (`dob different`) or a key field missing on either side (`given missing`), with the share of
   * missed pairs showing it. Every missed pair is scored for this, blocked or not.
   */
  causes: { cause: string; pairs: number; share: number }[];
}

/** Fields whose absence on one side is worth reporting as a cause (identifiers are usually absent). */
const MISSING_CAUSE_FIELDS = new Set(['given', 'family', 'dob', 'online', 'address']);

function bandOf(score: number, bits: BandBits): BandLabel | undefined {
  if (score >= bits.certainBits) return 'CERTAIN';
  if (score >= bits.linkBits) return 'PROBABLE';
  if (score >= bits.possibleBits) return 'POSSIBLE';
  return undefined;
}

/** Every true pair (a < b): two records of the same entity, entity by entity. */
export function truePairsOf(truth: readonly string[]): [number, number][] {
  const byEntity = new Map<string, number[]>();
  truth.forEach((t, i) => {
    const g = byEntity.get(t);
    if (g) g.push(i);
    else byEntity.set(t, [i]);
  });
  const out: [number, number][] = [];
  for (const g of byEntity.values()) {
    for (let x = 0; x < g.length; x++) {
      for (let y = x + 1; y < g.length; y++) out.push([g[x] ?? 0, g[y] ?? 0]);
    }
  }
  return out;
}

/**
 * Classifies each missed pair by whether blocking compared it and how it scored, and counts the
 * evidence against it. `explained[k]` is the engine's explanation of `missed[k]`.
 */
export function missedPairReport(
  missed: readonly (readonly [number, number])[],
  blocked: (a: number, b: number) => boolean,
  explained: readonly PairScore[],
  bits: BandBits,
): MissedPairs {
  let possible = 0;
  let below = 0;
  let notBlocked = 0;
  let linked = 0;
  const causes = new Map<string, number>();
  missed.forEach(([a, b], k) => {
    const e = explained[k];
    if (e === undefined) return;
    if (!blocked(a, b)) notBlocked++;
    else if (e.score >= bits.linkBits) linked++;
    else if (e.score >= bits.possibleBits) possible++;
    else below++;
    for (const f of e.explanation) {
      let cause: string | undefined;
      if (f.level === 'null') cause = MISSING_CAUSE_FIELDS.has(f.field) ? `${f.field} missing` : '';
      else if (f.weight < 0) cause = `${f.field} ${f.level}`;
      if (cause) causes.set(cause, (causes.get(cause) ?? 0) + 1);
    }
  });
  const n = missed.length;
  const share = (x: number): number => (n === 0 ? 0 : x / n);
  return {
    pairs: n,
    possible,
    below,
    notBlocked,
    linked,
    possibleShare: share(possible),
    belowShare: share(below),
    notBlockedShare: share(notBlocked),
    linkedShare: share(linked),
    causes: [...causes]
      .map(([cause, pairs]) => ({ cause, pairs, share: share(pairs) }))
      .sort((x, y) => y.pairs - x.pairs || x.cause.localeCompare(y.cause)),
  };
}

/**
 * Predicted posterior against observed precision per band, over every scored candidate pair in
 * a band (POSSIBLE and up): a calibrated engine's PROBABLE pairs with a mean posterior of 0.8 are
 * right about 80 % of the time.
 */
export function calibrationByBand(
  scored: readonly ScoredPair[],
  truth: readonly string[],
  bits: BandBits,
): BandCalibration[] {
  const bands: BandLabel[] = ['CERTAIN', 'PROBABLE', 'POSSIBLE'];
  const acc = new Map(bands.map((b) => [b, { pairs: 0, truePairs: 0, posterior: 0 }]));
  for (const p of scored) {
    const band = bandOf(p.score, bits);
    const a = band && acc.get(band);
    if (!a) continue;
    a.pairs++;
    a.posterior += probabilityOf(p.score);
    if (truth[p.a] === truth[p.b]) a.truePairs++;
  }
  return bands.map((band) => {
    const a = acc.get(band) ?? { pairs: 0, truePairs: 0, posterior: 0 };
    return {
      band,
      pairs: a.pairs,
      truePairs: a.truePairs,
      predicted: a.pairs === 0 ? NaN : a.posterior / a.pairs,
      observed: a.pairs === 0 ? NaN : a.truePairs / a.pairs,
    };
  });
}
