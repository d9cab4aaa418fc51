import type { NominalState, PartialDate } from '@intel/contracts';
import type { MatchInput } from '@intel/matching';

/** Full dates first, then year-and-month, then year only. */
function completeness(d: PartialDate): number {
  return (d.year > 0 ? 4 : 0) + (d.month > 0 ? 2 : 0) + (d.day > 0 ? 1 : 0);
}

/**
 * A force's consolidated nominal as the matching engine's record. The engine compares one date
 * of birth; a nominal holding several (merged source records) offers its most complete one.
 */
export function nominalAsMatchInput(n: NominalState): MatchInput {
  const dates = n.datesOfBirth.filter((d) => d.year > 0);
  dates.sort((a, b) => completeness(b) - completeness(a));
  return {
    names: n.names,
    dateOfBirth: dates[0],
    sex: n.sex,
    identifiers: n.identifiers,
    onlineIdentifiers: n.onlineIdentifiers,
    addresses: n.addresses,
  };
}
