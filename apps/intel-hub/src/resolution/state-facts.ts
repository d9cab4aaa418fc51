import { BinaryReader } from '@bufbuild/protobuf/wire';
import { Handling, Registration, type NominalState } from '@intel/contracts';
import type { MemberFacts } from '../flags/derive-flags';

// NominalState's fields read here (intel/v1/nominal.proto), as tags: field << 3 | wire type 2.
const REGISTRATIONS = (9 << 3) | 2;
const HANDLING = (10 << 3) | 2;

/**
 * A stored NominalState's handling and registrations, decoded with the generated codecs; every
 * other field (names, dates, identifiers, addresses, sources…) is skipped over, not decoded.
 * What `NominalState.decode` gives for these two fields, for less than a tenth of the work.
 */
export function disclosureFactsOf(encoded: Uint8Array): MemberFacts['state'] {
  const reader = new BinaryReader(encoded);
  const registrations: Registration[] = [];
  let handling: NominalState['handling'];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === REGISTRATIONS) registrations.push(Registration.decode(reader, reader.uint32()));
    else if (tag === HANDLING) handling = Handling.decode(reader, reader.uint32());
    else reader.skip(tag & 7, tag >>> 3);
  }
  return { handling, registrations };
}
