import type { OnlineIdentifier } from '@intel/contracts';
import type { ScoredCandidate } from '@intel/matching';
import type { IdentifierPerson, NationalIndex } from '../resolution/national-index';
import type { PersonHit } from './answer-ranking';

/** A person holding a queried identifier, as the selection needs it. */
export interface HoldingPerson {
  personId: string;
  /** Whether the recipient may see at least one of its records holding the identifier. */
  visible: boolean;
}

/**
 * Which persons CheckIdentifiers works out an answer for, of those holding one identifier
 * exactly, without scoring any: the first `max` in the order the recipient gets them, and how
 * many are answerable (`totalMatches`).
 *
 * A CheckIdentifiers query compares one field, the identifier, and every exact holder agrees on
 * it the same way (the same token, term-frequency adjusted by the same count; every other field
 * missing from the query), so every holder scores the same. `orderForRecipient` then puts the
 * persons the recipient may see first, by person id (equal scores), and the hit-only ones after
 * them, by person id. Answerable: every person, or with the probe rate exceeded the visible
 * ones only (hit-only answers are withheld). The first `max` of that order are exactly the
 * persons the answer returns, or withholds for the probe rate: nothing past them is decoded,
 * scored or disclosed, so the work grows with what is answered, not with how widely the
 * identifier is shared.
 */
export function selectIdentifierPersons<P extends HoldingPerson>(
  persons: readonly P[],
  max: number,
  probeAllowed: boolean,
): { selected: P[]; total: number } {
  const visible = persons.filter((p) => p.visible).sort(byPersonId);
  const total = probeAllowed ? persons.length : visible.length;
  if (visible.length >= max) return { selected: visible.slice(0, max), total };
  const hitOnly = persons.filter((p) => !p.visible).sort(byPersonId);
  return { selected: [...visible, ...hitOnly.slice(0, max - visible.length)], total };
}

function byPersonId(a: HoldingPerson, b: HoldingPerson): number {
  return a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0;
}

/**
 * The selected persons' hits on one identifier (`selectIdentifierPersons`), each holder scored
 * as the engine scores the first one (every exact holder scores the same, above) or, below
 * POSSIBLE, as an identifier-only hit: one record scored per identifier, however many hold it.
 * Each person's records in the exact index's posting order (equal scores keep it).
 */
export function identifierHits(
  index: NationalIndex,
  oi: OnlineIdentifier,
  selected: readonly IdentifierPerson[],
  explain: boolean,
): PersonHit[] {
  const first = selected[0]?.holders[0];
  if (first === undefined) return [];
  const [scored] = index.matching.matchAmong(
    { names: [], onlineIdentifiers: [oi] },
    [first],
    explain,
  );
  const as = scored ?? identifierOnlyCandidate(first, index);
  return selected.map(({ personId, holders }) => {
    const candidates = holders.map((id) => ({
      ...as,
      id,
      clusterId: index.matching.clusterOf(id) ?? id,
    }));
    return { personId, best: candidates[0] as ScoredCandidate, candidates };
  });
}

/** An exact online-identifier hit the engine scored below POSSIBLE (no other field given). */
export function identifierOnlyCandidate(
  id: string,
  index: Pick<NationalIndex, 'matching'>,
): ScoredCandidate {
  return {
    id,
    clusterId: index.matching.clusterOf(id) ?? id,
    score: 0,
    probability: 0.5,
    band: 'MATCH_BAND_POSSIBLE',
    namesSwapped: false,
    explanation: [{ field: 'online', level: 'exact', weight: 0, tfAdjusted: false }],
  };
}
