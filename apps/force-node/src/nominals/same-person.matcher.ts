import type { PersonRecord } from '@intel/contracts';
import { MatchEngine, blockingKeys, type NormalisedRecord } from '@intel/matching';
import { personMatchKeys } from './match-keys';

/**
 * Blocking-key types that find candidates by name, date of birth and address (libs/matching
 * block/blocking-keys.ts). Identifier keys (custody ids, national and online ids) are not here:
 * within a force those link outright (match-keys.ts).
 */
const CANDIDATE_KEY_TYPES = new Set(['fy', 'td', 'id', 'nn', 'ph', 'sh', 'pt', 'dp', 'dh', 'dt']);

/**
 * A candidate key shared by more nominals than this, within one force, says too little to be
 * worth comparing against them all (the hub's national index uses the engine's own, larger cap);
 * the record is still found through its other keys.
 */
export const MAX_CANDIDATES_PER_KEY = 20;

export const CANDIDATE_KEY_PREFIX = 'blk:';

const CORROBORATING_FIELDS: ReadonlySet<string> = new Set([
  'dob',
  'address',
  'custodyId',
  'nationalId',
  'online',
]);

/**
 * Within-force "same person" decision by the entity-resolution engine at a strict threshold
 * (issue #3): two records without a shared identifier are one nominal only when the engine,
 * with prior parameters, puts them at or above its link threshold. The force node has too few records to learn weights from, so it uses
 * the engine's prior parameters; the hub, with the national picture, learns them (EM).
 */
export class SamePersonMatcher {
  private readonly engine = MatchEngine.withPriors();

  normalise(r: PersonRecord): NormalisedRecord {
    return this.engine.normalise(r);
  }

  /**
   * Candidate keys (`blk:` prefix; they find, never link): stored as one array on the nominal's
   * row and served from memory (candidate-key-index.ts), not as `nominal_key` rows.
   */
  candidateKeys(n: NormalisedRecord): string[] {
    return blockingKeys(n)
      .filter((k) => CANDIDATE_KEY_TYPES.has(k.slice(0, k.indexOf(':'))))
      .map((k) => `${CANDIDATE_KEY_PREFIX}${k}`);
  }

  /** Every key stored for a record: identifier keys (link) and candidate keys (find). */
  keysToStore(r: PersonRecord): string[] {
    return [...personMatchKeys(r), ...this.candidateKeys(this.normalise(r))];
  }

  /**
   * The engine's link threshold (PROBABLE or CERTAIN) under prior parameters. Priors put the
   * prior odds at those of a random pair, so reaching the link band needs agreement on several
   * strong fields (e.g. family name, full date of birth and address); a shared common name alone
   * does not. Names alone never suffice here: without term frequencies (a force's few records
   * cannot give them) "John Smith" would link strangers, so a date of birth, an address or an
   * identifier must agree too (sex is too weak to corroborate).
   */
  isSamePerson(a: NormalisedRecord, b: NormalisedRecord): boolean {
    const s = this.engine.compare(a, b);
    if (s.band !== 'MATCH_BAND_CERTAIN' && s.band !== 'MATCH_BAND_PROBABLE') return false;
    return s.explanation.some((f) => CORROBORATING_FIELDS.has(f.field) && f.weight > 0);
  }
}
