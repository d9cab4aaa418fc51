import {
  FIELD_NAMES,
  comparedValues,
  type ComparedValues,
  type FieldName,
  type HeldLink,
  type PairWaterfall,
  type WaterfallStep,
} from '@intel/matching';
import { maySee } from '@intel/disclosure';
import type { MemberView } from '../../flags/derive-flags';
import { nominalAsMatchInput } from '../../resolution/nominal-input';
import { bandName, hitOnlyHolders, type BandName, type HitOnlyHolder } from './hit-only';

export interface ExplainedRecord {
  forceCode: string;
  nominalId: string;
  fields: ComparedValues;
}

/** The waterfall of two records the caller may both see. */
export interface FullExplanation {
  disclosure: 'FULL';
  /** λ, and log2(λ / (1 − λ)) in bits: where the waterfall starts. */
  lambda: number;
  prior: number;
  steps: WaterfallStep[];
  /** The prior plus every step's weight. */
  total: number;
  probability: number;
  /** In bits, as the running total: POSSIBLE from `possible`, a link from `link`, CERTAIN from `certain`. */
  thresholds: { possible: number; link: number; certain: number };
  /** The band the engine decides for the pair now (a link on names alone is POSSIBLE). */
  band: BandName | null;
  namesOnly: boolean;
  /** The link the index holds between them, as it was scored when made; null when unlinked. */
  link: { score: number; band: BandName | null } | null;
  records: { a: ExplainedRecord; b: ExplainedRecord };
  /** Fields both records hold with different values. */
  differences: FieldName[];
}

/** Another force's C record among the two: which force holds it, whom to contact, nothing else. */
export interface HitOnlyExplanation {
  disclosure: 'HIT_ONLY';
  hitOnly: HitOnlyHolder[];
}

export type LinkExplanation = FullExplanation | HitOnlyExplanation;

/**
 * The explanation of two records for `recipient` (a force code). If either is another force's
 * handling-code-C record the comparison is refused with a hit-only answer: the holding force
 * and whom to contact; no weights, score or band, not even of the other record's fields
 * (each weight is a statement about both records). `score` is only called when the caller may
 * see both.
 */
export function explainLink(
  recipient: string,
  a: MemberView,
  b: MemberView,
  score: () => PairWaterfall,
  held: HeldLink | undefined,
): LinkExplanation {
  const hidden = [a, b].filter((r) => !maySee(recipient, r));
  if (hidden.length > 0) return { disclosure: 'HIT_ONLY', hitOnly: hitOnlyHolders(hidden) };
  const w = score();
  const records = { a: explainedRecord(a), b: explainedRecord(b) };
  return {
    disclosure: 'FULL',
    lambda: w.lambda,
    prior: w.prior,
    steps: w.steps.map((s) => ({ ...s })),
    total: w.score,
    probability: w.probability,
    thresholds: {
      possible: w.thresholds.possible.bits,
      link: w.thresholds.link.bits,
      certain: w.thresholds.certain.bits,
    },
    band: bandName(w.decidedBand),
    namesOnly: w.namesOnly,
    link: held ? { score: held.score, band: bandName(held.band) } : null,
    records,
    differences: differences(records.a.fields, records.b.fields),
  };
}

function explainedRecord(m: MemberView): ExplainedRecord {
  return {
    forceCode: m.forceCode,
    nominalId: m.nominalId,
    fields: comparedValues(nominalAsMatchInput(m.state)),
  };
}

/** Fields both hold, whose values differ (a field one record lacks is not a difference). */
export function differences(a: ComparedValues, b: ComparedValues): FieldName[] {
  return FIELD_NAMES.filter((f) => {
    const x = a[f];
    const y = b[f];
    if (x.length === 0 || y.length === 0) return false;
    const xs = new Set(x);
    const ys = new Set(y);
    return xs.size !== ys.size || [...xs].some((v) => !ys.has(v));
  });
}
