import type { IncidentRecord, PersonRecord } from '@intel/contracts';
import {
  Classification,
  GradingScheme,
  Handling,
  HandlingCode,
  NominalState,
} from '@intel/contracts';
import { pncCheckLetter } from '@intel/identifiers';

export function handlingP(): Handling {
  return {
    classification: Classification.CLASSIFICATION_OFFICIAL,
    gradingScheme: GradingScheme.GRADING_SCHEME_3X5X2,
    sourceEvaluation: '1',
    intelligenceAssessment: 'A',
    handlingCode: HandlingCode.HANDLING_CODE_P,
    handlingConditions: '',
    reviewDate: undefined,
  };
}

/** A valid PNC ID for a serial (check letter as docs/domain.md, "Identifiers", computes it). */
export function pncId(year: number, serial: number): string {
  return `${year}/${String(serial).padStart(7, '0')}${pncCheckLetter(year % 100, serial)}`;
}

/** A valid person record; override what the test is about. */
export function personRecord(
  overrides: Partial<PersonRecord> & { sourceRecordId: string },
): PersonRecord {
  return {
    sourceSystem: 'niche-rms',
    names: [
      {
        given: ['John'],
        family: 'Smith',
        type: 'NAME_TYPE_BIRTH' as PersonRecord['names'][number]['type'],
      },
    ],
    dateOfBirth: { year: 1980, month: 5, day: 17 },
    sex: 'SEX_MALE' as PersonRecord['sex'],
    identifiers: [],
    onlineIdentifiers: [],
    addresses: [],
    registration: undefined,
    handling: handlingP(),
    subjectCategory: 'SUBJECT_CATEGORY_SUSPECT' as PersonRecord['subjectCategory'],
    ...overrides,
  };
}

export function incidentRecord(
  overrides: Partial<IncidentRecord> & { sourceRecordId: string },
): IncidentRecord {
  return {
    sourceSystem: 'niche-rms',
    category: 'INCIDENT_CATEGORY_ONLINE_GROOMING' as IncidentRecord['category'],
    offenceCodes: ['SX03224A'],
    occurredFrom: { seconds: 1_700_000_000, nanos: 0 },
    occurredTo: undefined,
    reportedAt: undefined,
    platforms: ['snapchat'],
    subjects: [],
    onlineIdentifiers: [],
    outcome: 'INCIDENT_OUTCOME_ARRESTED' as IncidentRecord['outcome'],
    summary: 'Suspect arranged to meet a decoy persona',
    handling: handlingP(),
    immediateRiskToChild: false,
    sharedReference: '',
    ...overrides,
  };
}

/** Digits to letters (names are compared without digits), for names unique to a run. */
export function lettersOnly(s: string): string {
  return s.replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)] ?? '');
}

/** A random PNC serial for a record of its own. */
export function randomSerial(): number {
  return 100_000 + Math.floor(Math.random() * 800_000);
}

/** Handling code C (hit-only), with conditions naming who may disseminate it. */
export function covertHandling(): Handling {
  return {
    ...handlingP(),
    handlingCode: HandlingCode.HANDLING_CODE_C,
    handlingConditions: 'Covert source: do not disseminate without the FIB inspector',
  };
}

/**
 * A generated person's record (libs/synthetic's `record`, as JSON) as a force's nominal state,
 * version 1, with this handling (P by default).
 */
export function generatedNominal(
  r: {
    names: unknown[];
    dateOfBirth?: unknown;
    sex?: string;
    identifiers?: unknown[];
    onlineIdentifiers?: unknown[];
    addresses?: unknown[];
  },
  nominalId: string,
  handling: Handling = handlingP(),
): NominalState {
  return NominalState.fromJSON({
    nominalId,
    version: 1,
    names: r.names,
    datesOfBirth: r.dateOfBirth ? [r.dateOfBirth] : [],
    sex: r.sex ?? 'SEX_UNSPECIFIED',
    identifiers: r.identifiers ?? [],
    onlineIdentifiers: r.onlineIdentifiers ?? [],
    addresses: r.addresses ?? [],
    handling: Handling.toJSON(handling),
  });
}
