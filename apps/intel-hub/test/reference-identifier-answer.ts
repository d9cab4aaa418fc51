import { MatchBand, type OnlineIdentifier } from '@intel/contracts';
import {
  discloseScore,
  orderForRecipient,
  type DisclosedScore,
  type Handled,
} from '@intel/disclosure';
import type { ScoredCandidate } from '@intel/matching';
import { onlineIdentifierKey } from '@intel/records';
import { HandlingCode } from '@intel/contracts';
import { splitMemberKey, type MemberKey } from '../src/resolution/member-key';
import { groupByPerson } from '../src/query/answer-ranking';
import { identifierOnlyCandidate } from '../src/query/identifier-selection';
import type { ReferenceNationalIndex } from './reference-national-index';

// CheckIdentifiers' ranking of one identifier's holders as it was before it selected the persons
// answered without scoring them: every holder scored by the engine, grouped by person, disclosed
// and ordered, then cut. The reference national-index.equivalence.spec.ts compares the answer's
// selection against. Not built.

/** One identifier's answer before the cut's details: who is returned, withheld, and counted. */
export interface IdentifierRanking {
  shown: { personId: string; disclosed: DisclosedScore<ScoredCandidate>; best: ScoredCandidate }[];
  held: { personId: string; disclosed: DisclosedScore<ScoredCandidate>; best: ScoredCandidate }[];
  total: number;
}

/** One identifier asked by `recipient`, the answer cut to `max`. */
export interface IdentifierAsked {
  oi: OnlineIdentifier;
  recipient: string;
  probeAllowed: boolean;
  max: number;
  explain: boolean;
}

export function referenceIdentifierRanking(
  index: ReferenceNationalIndex,
  { oi, recipient, probeAllowed, max, explain }: IdentifierAsked,
): IdentifierRanking {
  const key = onlineIdentifierKey(oi);
  const input = { names: [], onlineIdentifiers: [oi] };
  const exact = key === undefined ? [] : index.holdersOf(key);
  const matched = index.matching.matchAmong(input, exact, explain);
  const scored = new Map(matched.map((c) => [c.id, c]));
  const hits = groupByPerson(
    index,
    exact.map((id) => scored.get(id) ?? identifierOnlyCandidate(id, index)),
  );
  const handled = (k: MemberKey): Handled =>
    index.facts([k]).get(k) ?? {
      ...splitMemberKey(k),
      state: { handling: { handlingCode: HandlingCode.HANDLING_CODE_C } },
    };
  const ranked = hits.map((h) => ({
    personId: h.personId,
    disclosed: discloseScore(recipient, h.candidates, (c) => handled(c.id), bandOf),
    best: h.best,
  }));
  const ordered = orderForRecipient(ranked);
  const allowed = (a: (typeof ranked)[number]) => probeAllowed || !a.disclosed.hitOnly;
  const answerable = ordered.filter(allowed);
  return {
    shown: answerable.slice(0, max),
    held: ordered.slice(0, max).filter((a) => !allowed(a)),
    total: answerable.length,
  };
}

function bandOf(c: ScoredCandidate): MatchBand {
  const bands: Record<string, MatchBand> = {
    MATCH_BAND_CERTAIN: MatchBand.MATCH_BAND_CERTAIN,
    MATCH_BAND_PROBABLE: MatchBand.MATCH_BAND_PROBABLE,
    MATCH_BAND_POSSIBLE: MatchBand.MATCH_BAND_POSSIBLE,
  };
  return bands[c.band ?? ''] ?? MatchBand.MATCH_BAND_POSSIBLE;
}
