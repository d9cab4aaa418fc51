import { IdentifierScheme } from '@intel/contracts';
import type {
  Address,
  Identifier,
  PersonName,
  PersonQuery,
  PersonRecord,
  Registration,
} from '@intel/contracts';
import { isForceCode } from '@intel/config';
import { normaliseCro, normalisePnc, normalisePostcode } from '@intel/identifiers';
import { checkPartialDate, isEmptyDate } from './dates';
import { IDENTIFIER_SCHEMES, NAME_TYPES, SEXES, SUBJECT_CATEGORIES } from './enum-sets';
import { ErrorCollector, RecordValidationError } from './field-error';
import { checkHandling } from './handling.validator';
import { LIMITS } from './limits';
import { checkOnlineIdentifier } from './online-identifiers';
import { SOURCE_KEY_PATTERN, checkEnum, checkList, checkText } from './text';

/** National Insurance number: two prefix letters, six digits, suffix A-D (HMRC NIM39110). */
const NINO = /^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/;

export interface ValidationOptions {
  now?: Date;
}

/**
 * Validates a PersonRecord as a force system submitted it and returns its canonical form
 * (trimmed text, PNC/CRO in canonical form with verified check letters, canonical online
 * identifiers and postcodes). Throws RecordValidationError naming every offending field.
 */
export function validatePersonRecord(
  input: PersonRecord,
  opts: ValidationOptions = {},
): PersonRecord {
  const now = opts.now ?? new Date();
  const errors = new ErrorCollector();
  const out: PersonRecord = {
    sourceSystem: checkText(input.sourceSystem, errors, 'sourceSystem', {
      required: true,
      max: LIMITS.sourceSystem,
      pattern: SOURCE_KEY_PATTERN,
      patternHint: 'letters, digits and . _ : / - only',
    }),
    sourceRecordId: checkText(input.sourceRecordId, errors, 'sourceRecordId', {
      required: true,
      max: LIMITS.sourceRecordId,
      pattern: SOURCE_KEY_PATTERN,
      patternHint: 'letters, digits and . _ : / - only',
    }),
    ...checkPersonIdentity(input, errors, now, 'a person'),
    registration: checkRegistration(input.registration, errors.at('registration'), now),
    handling: undefined,
    subjectCategory: input.subjectCategory,
  };
  checkEnum(String(input.sex), SEXES, errors, 'sex', { required: false });
  checkEnum(String(input.subjectCategory), SUBJECT_CATEGORIES, errors, 'subjectCategory', {
    required: true,
  });
  out.handling = checkHandling(input.handling, errors.at('handling'), now);
  if (!errors.ok) throw new RecordValidationError(errors.errors);
  return out;
}

/**
 * The identifying fields a person record and a person query share (names, date of birth, sex,
 * identifiers, online identifiers, addresses), checked and in canonical form; at least one name,
 * identifier or online identifier is required of `subject` ("a person", "a query").
 */
export function checkPersonIdentity(
  input: PersonQuery,
  errors: ErrorCollector,
  now: Date,
  subject: string,
): PersonQuery {
  const out: PersonQuery = {
    names: checkList(input.names, errors, 'names', LIMITS.names).map((n, i) =>
      checkName(n, errors.at('names').at(i)),
    ),
    dateOfBirth: undefined,
    sex: input.sex,
    identifiers: checkList(input.identifiers, errors, 'identifiers', LIMITS.identifiers).map(
      (id, i) => checkIdentifier(id, errors.at('identifiers').at(i), now),
    ),
    onlineIdentifiers: checkList(
      input.onlineIdentifiers,
      errors,
      'onlineIdentifiers',
      LIMITS.onlineIdentifiers,
    ).flatMap((o, i) => checkOnlineIdentifier(o, errors.at('onlineIdentifiers').at(i)) ?? []),
    addresses: checkList(input.addresses, errors, 'addresses', LIMITS.addresses).map((a, i) =>
      checkAddress(a, errors.at('addresses').at(i)),
    ),
  };
  if (!isEmptyDate(input.dateOfBirth)) {
    const dob = input.dateOfBirth as NonNullable<PersonQuery['dateOfBirth']>;
    checkPartialDate(dob, errors.at('dateOfBirth'), { minYear: 1900, now });
    out.dateOfBirth = { year: dob.year, month: dob.month, day: dob.day };
  }
  if (
    out.names.length === 0 &&
    out.identifiers.length === 0 &&
    out.onlineIdentifiers.length === 0
  ) {
    errors.add('names', `${subject} needs at least one name, identifier or online identifier`);
  }
  return out;
}

function checkName(n: PersonName, errors: ErrorCollector): PersonName {
  checkEnum(String(n.type), NAME_TYPES, errors, 'type', { required: false });
  const given = checkList(n.given, errors, 'given', LIMITS.givenNames)
    .map((g, i) => checkText(g, errors.at('given'), i, { max: LIMITS.namePart }))
    .filter((g) => g !== '');
  const family = checkText(n.family, errors, 'family', { max: LIMITS.namePart });
  if (given.length === 0 && family === '')
    errors.add('family', 'a name needs a family name or a given name');
  return { given, family, type: n.type };
}

function checkIdentifier(id: Identifier, errors: ErrorCollector, now: Date): Identifier {
  checkEnum(String(id.scheme), IDENTIFIER_SCHEMES, errors, 'scheme', { required: true });
  const value = checkText(id.value, errors, 'value', {
    required: true,
    max: LIMITS.identifierValue,
  });
  if (value === '') return { scheme: id.scheme, value };
  switch (id.scheme) {
    case IdentifierScheme.IDENTIFIER_SCHEME_PNC: {
      const p = normalisePnc(value, now.getUTCFullYear());
      if (!p.ok) errors.add('value', p.reason);
      return { scheme: id.scheme, value: p.ok ? p.value : value };
    }
    case IdentifierScheme.IDENTIFIER_SCHEME_CRO: {
      const c = normaliseCro(value);
      if (!c.ok) errors.add('value', c.reason);
      return { scheme: id.scheme, value: c.ok ? c.value : value };
    }
    case IdentifierScheme.IDENTIFIER_SCHEME_NINO: {
      const n = value.replace(/\s+/g, '').toUpperCase();
      if (!NINO.test(n)) errors.add('value', 'not a National Insurance number (e.g. AB123456C)');
      return { scheme: id.scheme, value: n };
    }
    default:
      return { scheme: id.scheme, value: value.toUpperCase() };
  }
}

function checkAddress(a: Address, errors: ErrorCollector): Address {
  const line = checkText(a.line, errors, 'line', { max: LIMITS.addressLine });
  const town = checkText(a.town, errors, 'town', { max: LIMITS.town });
  let postcode = checkText(a.postcode, errors, 'postcode', { max: 10 });
  if (postcode !== '') {
    const p = normalisePostcode(postcode);
    if (p.ok) postcode = p.value;
    else errors.add('postcode', p.reason);
  }
  if (line === '' && town === '' && postcode === '')
    errors.add('', 'an address needs a line, town or postcode');
  return { line, town, postcode };
}

function checkRegistration(
  r: Registration | null | undefined,
  errors: ErrorCollector,
  now: Date,
): Registration | undefined {
  if (r == null) return undefined;
  const managingForce = checkText(r.managingForce, errors, 'managingForce', { max: 2 });
  if (r.active && managingForce === '')
    errors.add('managingForce', 'required for an active registration');
  if (managingForce !== '' && !isForceCode(managingForce))
    errors.add('managingForce', 'not a PNC force code');
  const visorRef = checkText(r.visorRef, errors, 'visorRef', { max: LIMITS.visorRef });
  const startDate = isEmptyDate(r.startDate) ? undefined : r.startDate;
  const endDate = isEmptyDate(r.endDate) ? undefined : r.endDate;
  if (startDate) checkPartialDate(startDate, errors.at('startDate'), { minYear: 1997, now });
  if (endDate)
    checkPartialDate(endDate, errors.at('endDate'), { minYear: 1997, now, allowFuture: true });
  if (!r.active && managingForce === '' && visorRef === '' && !startDate && !endDate)
    return undefined;
  return { active: r.active, managingForce, startDate, endDate, visorRef };
}

export { RecordValidationError };
