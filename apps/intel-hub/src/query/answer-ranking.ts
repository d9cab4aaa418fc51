import { MatchBand } from '@intel/contracts';
import {
  discloseScore,
  orderForRecipient,
  probeReturns,
  type DisclosedScore,
  type Handled,
} from '@intel/disclosure';
import type { ScoredCandidate } from '@intel/matching';
import type { MemberKey } from '../resolution/member-key';

/** A person a query reached: its matched records, best first. */
export interface PersonHit {
  personId: string;
  best: ScoredCandidate;
  candidates: ScoredCandidate[];
}

/** A person ranked for the recipient: the score and band it may be shown. */
export interface RankedHit {
  personId: string;
  disclosed: DisclosedScore<ScoredCandidate>;
}

const BANDS: Record<string, MatchBand> = {
  MATCH_BAND_CERTAIN: MatchBand.MATCH_BAND_CERTAIN,
  MATCH_BAND_PROBABLE: MatchBand.MATCH_BAND_PROBABLE,
  MATCH_BAND_POSSIBLE: MatchBand.MATCH_BAND_POSSIBLE,
};

export function bandOf(c: Pick<ScoredCandidate, 'band'>): MatchBand {
  return BANDS[c.band ?? ''] ?? MatchBand.MATCH_BAND_POSSIBLE;
}

/**
 * The persons an answer returns and withholds, ranked from each matched record's handling code
 * alone (`handled`: whose it is and whether it is C), without decoding a state: scores and
 * bands from records the recipient may see only (a person reached only through hidden records
 * gets the constant hit-only marker), ordered without regard to hidden scores
 * (`orderForRecipient`), hit-only answers withheld when the probe rate is exceeded, then cut to
 * `max`. `held`: the hit-only answers this call would have returned but for the probe rate.
 * `answerable`: the persons answerable before the cut (hit-only ones dropped for the probe rate
 * not counted).
 */
export function rankHits(
  hits: readonly PersonHit[],
  recipient: string,
  handled: (key: MemberKey) => Handled,
  probeAllowed: boolean,
  max: number,
  /** CheckPerson: hit-only persons only at a link band (probeReturns); identifiers: exact. */
  scored: boolean,
): { shown: RankedHit[]; held: RankedHit[]; answerable: number } {
  const ranked = hits.map((h) => ({
    personId: h.personId,
    disclosed: discloseScore(recipient, h.candidates, (c) => handled(c.id), bandOf),
  }));
  const ordered = orderForRecipient(
    scored ? ranked.filter((a) => probeReturns(a.disclosed)) : ranked,
  );
  const allowed = (a: RankedHit) => probeAllowed || !a.disclosed.hitOnly;
  const answerable = ordered.filter(allowed);
  return {
    shown: answerable.slice(0, max),
    held: ordered.slice(0, max).filter((a) => !allowed(a)),
    answerable: answerable.length,
  };
}

/** Candidates grouped by the national person of each (best first); a record of none left out. */
export function groupByPerson(
  index: { personOfMember(key: MemberKey): string | undefined },
  candidates: readonly ScoredCandidate[],
): PersonHit[] {
  const byPerson = new Map<string, PersonHit>();
  for (const c of [...candidates].sort((a, b) => b.score - a.score)) {
    const p = index.personOfMember(c.id);
    if (!p) continue;
    const h = byPerson.get(p);
    if (h) h.candidates.push(c);
    else byPerson.set(p, { personId: p, best: c, candidates: [c] });
  }
  return [...byPerson.values()];
}
