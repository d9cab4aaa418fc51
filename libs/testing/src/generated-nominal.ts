import { type NominalState, PersonRecord } from '@intel/contracts';
import type { GeneratedRecord } from '@intel/synthetic';
import { handlingP } from './records.fixture';

/**
 * A generated record (libs/synthetic) as the nominal a force node publishes for it: its names,
 * date of birth, sex, identifiers, online identifiers, addresses, subject category and source,
 * version 1, handling code P. `overrides` sets what a test or bench is about (handling, the
 * identifiers a force node would keep, …).
 */
export function generatedNominal(
  g: GeneratedRecord,
  nominalId: string,
  overrides: Partial<NominalState> = {},
): NominalState {
  const r = PersonRecord.fromJSON(g.record);
  return {
    nominalId,
    version: 1,
    names: r.names,
    datesOfBirth: r.dateOfBirth ? [r.dateOfBirth] : [],
    sex: r.sex,
    identifiers: r.identifiers,
    onlineIdentifiers: r.onlineIdentifiers,
    addresses: r.addresses,
    registrations: [],
    handling: handlingP(),
    subjectCategories: [r.subjectCategory],
    sources: [{ sourceSystem: r.sourceSystem, sourceRecordId: r.sourceRecordId }],
    updatedAt: undefined,
    ...overrides,
  };
}
