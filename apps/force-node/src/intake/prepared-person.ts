import type { PersonRecord } from '@intel/contracts';
import type { NormalisedRecord } from '@intel/matching';
import { contentHash } from '@intel/records';
import { personMatchKeys } from '../nominals/match-keys';
import type { SamePersonMatcher } from '../nominals/same-person.matcher';

/**
 * What intake derives from a person record alone, before it looks at the database: content
 * hash, identifier keys, normalised form and candidate keys. None of it depends on the force's
 * stored state, so it is computed before the intake lock is taken, and a second submission's
 * records are prepared while the first one's transaction holds the lock.
 */
export interface PreparedPerson {
  record: PersonRecord;
  hash: Buffer;
  /** Keys that link outright (match-keys.ts). */
  matchKeys: string[];
  normalised: NormalisedRecord;
  /** Keys that find candidates for the engine (`blk:`, same-person.matcher.ts). */
  candidateKeys: string[];
}

export function preparePerson(record: PersonRecord, matcher: SamePersonMatcher): PreparedPerson {
  const normalised = matcher.normalise(record);
  return {
    record,
    hash: contentHash(record),
    matchKeys: personMatchKeys(record),
    normalised,
    candidateKeys: matcher.candidateKeys(normalised),
  };
}
