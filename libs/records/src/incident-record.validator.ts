import type { IncidentRecord, IncidentSubject, Timestamp } from '@intel/contracts';
import { timestampToDate } from '@intel/contracts';
import { INCIDENT_CATEGORIES, INCIDENT_OUTCOMES, SUBJECT_ROLES } from './enum-sets';
import { ErrorCollector, RecordValidationError } from './field-error';
import { checkHandling } from './handling.validator';
import { LIMITS } from './limits';
import { checkOnlineIdentifier } from './online-identifiers';
import { SOURCE_KEY_PATTERN, checkEnum, checkList, checkText } from './text';
import type { ValidationOptions } from './person-record.validator';

/** CJS offence code: two letters, five digits, optional `A` for an attempt (docs/domain.md, "Offences"). */
const CJS_OFFENCE_CODE = /^[A-Z]{2}\d{5}A?$/;

const SOURCE_KEY = {
  max: LIMITS.sourceRecordId,
  pattern: SOURCE_KEY_PATTERN,
  patternHint: 'letters, digits and . _ : / - only',
};

function checkTimestamp(
  t: Timestamp | null | undefined,
  errors: ErrorCollector,
  field: string,
  now: Date,
): Timestamp | undefined {
  if (t == null || (t.seconds === 0 && t.nanos === 0)) return undefined;
  const d = timestampToDate(t);
  if (!d || Number.isNaN(d.getTime()) || t.nanos < 0 || t.nanos > 999_999_999) {
    errors.add(field, 'not a valid timestamp');
    return undefined;
  }
  // Allow a little clock skew between the force system and this node.
  if (d.getTime() > now.getTime() + 5 * 60_000) errors.add(field, 'lies in the future');
  if (d.getUTCFullYear() < 1990) errors.add(field, 'before 1990');
  return { seconds: t.seconds, nanos: t.nanos };
}

/** Validates an IncidentRecord and returns its canonical form; throws naming every bad field. */
export function validateIncidentRecord(
  input: IncidentRecord,
  opts: ValidationOptions = {},
): IncidentRecord {
  const now = opts.now ?? new Date();
  const errors = new ErrorCollector();
  const sourceSystem = checkText(input.sourceSystem, errors, 'sourceSystem', {
    required: true,
    max: LIMITS.sourceSystem,
    pattern: SOURCE_KEY_PATTERN,
  });
  const out: IncidentRecord = {
    sourceSystem,
    sourceRecordId: checkText(input.sourceRecordId, errors, 'sourceRecordId', {
      required: true,
      ...SOURCE_KEY,
    }),
    category: input.category,
    offenceCodes: checkList(input.offenceCodes, errors, 'offenceCodes', LIMITS.offenceCodes).map(
      (c, i) =>
        checkText(String(c ?? '').toUpperCase(), errors.at('offenceCodes'), i, {
          required: true,
          max: 8,
          pattern: CJS_OFFENCE_CODE,
          patternHint: 'not a CJS offence code (e.g. SX03224 or SX03224A)',
        }),
    ),
    occurredFrom: checkTimestamp(input.occurredFrom, errors, 'occurredFrom', now),
    occurredTo: checkTimestamp(input.occurredTo, errors, 'occurredTo', now),
    reportedAt: checkTimestamp(input.reportedAt, errors, 'reportedAt', now),
    platforms: checkList(input.platforms, errors, 'platforms', LIMITS.platforms)
      .map((p, i) =>
        checkText(p, errors.at('platforms'), i, {
          required: true,
          max: LIMITS.platform,
        }).toLowerCase(),
      )
      .filter((p) => p !== ''),
    subjects: checkList(input.subjects, errors, 'subjects', LIMITS.subjects).map((s, i) =>
      checkSubject(s, errors.at('subjects').at(i), sourceSystem),
    ),
    onlineIdentifiers: checkList(
      input.onlineIdentifiers,
      errors,
      'onlineIdentifiers',
      LIMITS.onlineIdentifiers,
    ).flatMap((o, i) => checkOnlineIdentifier(o, errors.at('onlineIdentifiers').at(i)) ?? []),
    outcome: input.outcome,
    summary: checkText(input.summary, errors, 'summary', { max: LIMITS.summary, multiline: true }),
    handling: undefined,
    immediateRiskToChild: input.immediateRiskToChild === true,
    sharedReference: checkText(input.sharedReference, errors, 'sharedReference', {
      max: LIMITS.sharedReference,
    }),
  };
  checkEnum(String(input.category), INCIDENT_CATEGORIES, errors, 'category', { required: true });
  checkEnum(String(input.outcome), INCIDENT_OUTCOMES, errors, 'outcome', { required: false });
  if (out.occurredFrom && out.occurredTo) {
    const from = timestampToDate(out.occurredFrom)?.getTime() ?? 0;
    const to = timestampToDate(out.occurredTo)?.getTime() ?? 0;
    if (to < from) errors.add('occurredTo', 'is before occurredFrom');
  }
  const seen = new Set<string>();
  out.subjects.forEach((s, i) => {
    const k = `${s.personSourceSystem}\u0000${s.personSourceRecordId}\u0000${s.role}`;
    if (seen.has(k)) errors.add(`subjects[${i}]`, 'duplicates an earlier subject');
    seen.add(k);
  });
  out.handling = checkHandling(input.handling, errors.at('handling'), now);
  if (!errors.ok) throw new RecordValidationError(errors.errors);
  return out;
}

function checkSubject(
  s: IncidentSubject,
  errors: ErrorCollector,
  defaultSystem: string,
): IncidentSubject {
  checkEnum(String(s.role), SUBJECT_ROLES, errors, 'role', { required: true });
  const personSourceSystem =
    checkText(s.personSourceSystem, errors, 'personSourceSystem', {
      max: LIMITS.sourceSystem,
      pattern: SOURCE_KEY_PATTERN,
    }) || defaultSystem;
  return {
    personSourceRecordId: checkText(s.personSourceRecordId, errors, 'personSourceRecordId', {
      required: true,
      ...SOURCE_KEY,
    }),
    role: s.role,
    personSourceSystem,
  };
}
