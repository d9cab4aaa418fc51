import { MatchBand } from '@intel/contracts';
import { maySee, type Handled, type NominalLike } from './visibility';

/**
 * What an answer carries for a person matched through records the recipient may not see.
 *
 * A match's score and band are computed from the fields of the records compared, so the score
 * of a record the caller may not see is a measure of how closely the caller's query agrees
 * with that record's hidden fields: varying one query field at a time reads them out. A match
 * is therefore scored only from records the recipient may see; a person the query reached
 * only through other forces' C records is HIT_ONLY and carries a constant marker instead
 * (score 0, band UNSPECIFIED, no explanation), and is ordered after every scored match, by
 * person id, never by its hidden score.
 */
export const HIT_ONLY_SCORE = 0;
export const HIT_ONLY_BAND = MatchBand.MATCH_BAND_UNSPECIFIED;

export interface ScoredRecord {
  score: number;
  band: MatchBand;
}

export interface DisclosedScore<C> {
  /** True when no record the recipient may see was matched: the constant marker applies. */
  hitOnly: boolean;
  score: number;
  band: MatchBand;
  /** The best record the recipient may see (the explanation comes from it), if any. */
  shown: C | undefined;
  /** What was withheld (for the audit only): the score and band of the hidden best record. */
  withheld: ScoredRecord | undefined;
}

/**
 * The score and band shown to `recipient` for one person, from its matched records (best
 * first), the record each one is, and its band.
 */
export function discloseScore<C extends { score: number }>(
  recipient: string,
  candidates: readonly C[],
  /** Whose each record is and its handling: all that decides what the recipient may see. */
  recordOf: (c: C) => Handled,
  bandOf: (c: C) => MatchBand,
): DisclosedScore<C> {
  const shown = candidates.find((c) => maySee(recipient, recordOf(c)));
  if (shown)
    return { hitOnly: false, score: shown.score, band: bandOf(shown), shown, withheld: undefined };
  const best = candidates[0];
  return {
    hitOnly: true,
    score: HIT_ONLY_SCORE,
    band: HIT_ONLY_BAND,
    shown: undefined,
    withheld: best ? { score: best.score, band: bandOf(best) } : undefined,
  };
}

const LINK_BANDS: ReadonlySet<MatchBand> = new Set([
  MatchBand.MATCH_BAND_CERTAIN,
  MatchBand.MATCH_BAND_PROBABLE,
]);

/**
 * Whether a field probe returns this person. A person reached only through hidden records is
 * returned only when the hidden match is at a link band (CERTAIN or PROBABLE): hit-only
 * answers are ordered by person id, not by score, so weak (POSSIBLE) hidden matches, which
 * the caller has nothing to judge by, would otherwise crowd strong ones out of the results.
 * Still one bit per person and probe (returned or not), at a higher threshold.
 */
export function probeReturns(d: DisclosedScore<unknown>): boolean {
  return !d.hitOnly || (d.withheld !== undefined && LINK_BANDS.has(d.withheld.band));
}

/**
 * Answers in the order a recipient gets them: scored matches by score (best first), then
 * hit-only ones by person id. Applied before any cut to a maximum number of results, so which
 * hit-only persons are returned never depends on their hidden scores either.
 */
export function orderForRecipient<
  T extends { personId: string; disclosed: DisclosedScore<unknown> },
>(answers: readonly T[]): T[] {
  return [...answers].sort((a, b) => {
    if (a.disclosed.hitOnly !== b.disclosed.hitOnly) return a.disclosed.hitOnly ? 1 : -1;
    if (!a.disclosed.hitOnly && a.disclosed.score !== b.disclosed.score)
      return b.disclosed.score - a.disclosed.score;
    return a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0;
  });
}

/**
 * A national person's own history (when it was created, which ids were merged into it) is
 * shown only to a recipient who may see every one of its records: a person created by a C
 * record, or merged through one, would otherwise be dated by it.
 */
export function historyDisclosed(recipient: string, members: readonly NominalLike[]): boolean {
  return members.every((m) => maySee(recipient, m));
}
