/**
 * Phone numbers as E.164 (docs/domain.md, "Identifiers": E.164, UK by default).
 *
 * Uses the `max` metadata of libphonenumber-js: it carries each country's allocated number
 * ranges, so `isValid()` rejects unallocated numbers. With `min`, `isValid()` checks only the
 * length (libphonenumber-js README, "min vs max"), which would let typos become matching keys.
 * The price is ~70 kB more metadata, which is irrelevant on a server, and a metadata update when
 * Ofcom or another regulator opens a new range.
 */
import {
  ParseError,
  parsePhoneNumberWithError,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import { RecentResults } from './recent-results';
import { invalid, ok, type Parsed } from './result';

export type { CountryCode } from 'libphonenumber-js/max';

export interface PhoneOptions {
  /** Region for numbers written without an international prefix. Default `GB`. */
  defaultRegion?: CountryCode;
}

/**
 * Ofcom's ranges reserved for drama and examples (ofcom.org.uk, "Telephone numbers for drama
 * purposes") that libphonenumber deliberately treats as invalid (google/libphonenumber#341,
 * #1948): 07700 900xxx, 01632 960xxx and 0115 496 0xxx. They are accepted here because they are
 * well-formed UK numbers that appear in training and test data, and they can never belong to a
 * real subscriber, so matching on them cannot link two real people.
 */
const OFCOM_DRAMA_RANGES = /^(?:7700900|1632960|1154960)\d{3}$/;

// libphonenumber-js puts its error code in ParseError#message.
const PARSE_ERRORS: Readonly<Record<string, string>> = {
  INVALID_COUNTRY: 'phone number has an unknown country calling code',
  TOO_SHORT: 'phone number is too short',
  TOO_LONG: 'phone number is too long',
};

/** The latest phone numbers parsed (RecentResults: a query's number is parsed once, not four times). */
const recent = new RecentResults<Parsed<string>>(256);

/** Validates a phone number and returns it in E.164 form, e.g. `+447700900123`. */
export function normalisePhone(input: string, options: PhoneOptions = {}): Parsed<string> {
  const defaultCountry = options.defaultRegion ?? 'GB';
  return recent.get(`${defaultCountry}\0${input}`, () => parsePhone(input, defaultCountry));
}

function parsePhone(input: string, defaultCountry: CountryCode): Parsed<string> {
  let phone: PhoneNumber;
  try {
    // extract: false — the whole input must be the number, not merely contain one.
    phone = parsePhoneNumberWithError(input, { defaultCountry, extract: false });
  } catch (error: unknown) {
    if (error instanceof ParseError) {
      return invalid(PARSE_ERRORS[error.message] ?? 'not a phone number');
    }
    throw error;
  }
  // E.164 has no room for an extension, and dropping it would merge everyone behind a switchboard.
  if (phone.ext !== undefined) {
    return invalid('phone number extensions are not supported');
  }
  const isDramaNumber =
    phone.countryCallingCode === '44' && OFCOM_DRAMA_RANGES.test(phone.nationalNumber);
  if (!phone.isValid() && !isDramaNumber) {
    return invalid('not a valid phone number for its country');
  }
  return ok(phone.number);
}
