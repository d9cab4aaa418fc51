import { BinaryReader } from '@bufbuild/protobuf/wire';
import type { Holding } from './generated/intel/v1/intel_query';
import { PartialDate } from './generated/intel/v1/handling';
import { PersonName } from './generated/intel/v1/person';
import { storedDetailsOf } from './stored-details';

/** What a list of matches shows of a holding's record: its first name and date of birth. */
export interface Headline {
  name: PersonName | undefined;
  dateOfBirth: PartialDate | undefined;
}

/** NominalState's `names` (field 3) and `dates_of_birth` (field 4), length-delimited. */
const NAMES_TAG = (3 << 3) | 2;
const DATES_OF_BIRTH_TAG = (4 << 3) | 2;

/**
 * Pure: `names[0]` and `datesOfBirth[0]` of a NominalState's protobuf bytes, as
 * `NominalState.decode(bytes)` gives them, without decoding the rest: the fields are read in
 * wire order as the generated decoder reads them (the first of each repeated field is its
 * element 0), every other field skipped as it skips them.
 */
export function headlineOf(bytes: Uint8Array): Headline {
  const reader = new BinaryReader(bytes);
  let name: PersonName | undefined;
  let dateOfBirth: PartialDate | undefined;
  while (reader.pos < reader.len && (name === undefined || dateOfBirth === undefined)) {
    const tag = reader.uint32();
    if (tag === NAMES_TAG && name === undefined) name = PersonName.decode(reader, reader.uint32());
    else if (tag === DATES_OF_BIRTH_TAG && dateOfBirth === undefined)
      dateOfBirth = PartialDate.decode(reader, reader.uint32());
    else if ((tag & 7) === 4 || tag === 0) break;
    else reader.skip(tag & 7);
  }
  return { name, dateOfBirth };
}

/** Whether a holding carries details, stored or decoded, without decoding stored ones. */
export function hasDetails(h: Holding): boolean {
  return storedDetailsOf(h) !== undefined || h.details !== undefined;
}

/**
 * A holding's headline: from its stored bytes when it has them (nothing else decoded), else
 * from its decoded details; undefined when it has none.
 */
export function holdingHeadline(h: Holding): Headline | undefined {
  const stored = storedDetailsOf(h);
  if (stored) return headlineOf(stored);
  const d = h.details;
  return d ? { name: d.names[0], dateOfBirth: d.datesOfBirth[0] } : undefined;
}
