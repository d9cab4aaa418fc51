/**
 * Police National Computer ID (docs/domain.md, "Identifiers"): full form `YYYY/NNNNNNNC` (4-digit year,
 * 7-digit serial, check letter), display form `YY/NNNNNNC` with the serial's leading zeros dropped.
 * Canonical stored form `YYYY/NNNNNNNC`.
 */
import { checkCharacter } from './check-character';
import { invalid, ok, type Parsed } from './result';

// YYYY/NNNNNNNC, or the same without the slash (e.g. 20030011985X). Years are 19xx or 20xx, as
// the two-digit form can express no others.
const FULL_FORM = /^(?<year>(?:19|20)\d{2})\/?(?<serial>\d{7})(?<letter>[A-Z])$/;
// YY/NNNNNNC: leading zeros of the serial dropped (a padded serial is accepted too).
const DISPLAY_FORM = /^(?<yy>\d{2})\/(?<serial>\d{1,7})(?<letter>[A-Z])$/;

/** Check letter for a PNC ID: `int(YY ‖ serial zero-padded to 7) mod 23`. */
export function pncCheckLetter(yy: number, serial: number): string {
  return checkCharacter(yy, serial, 7);
}

/** The century rule below holds while the current year is 2000-2099. */
function expandYear(yy: number, currentYear: number): number {
  return yy > currentYear % 100 ? 1900 + yy : 2000 + yy;
}

/**
 * Validates a PNC ID in any accepted form (case-insensitive, surrounding whitespace ignored) and
 * returns it as `YYYY/NNNNNNNC`.
 *
 * A two-digit year is read as 19YY when it is later than the current two-digit year, otherwise as
 * 20YY (so in 2025, `79/…` is 1979 and `25/…` is 2025). The check letter covers only YY, so the
 * century cannot be verified; `currentYear` is a parameter to keep this function pure. A full-form
 * year after `currentYear` is rejected: no such ID can have been issued yet.
 */
export function normalisePnc(
  input: string,
  currentYear: number = new Date().getUTCFullYear(),
): Parsed<string> {
  const text = input.trim().toUpperCase();
  const groups = (FULL_FORM.exec(text) ?? DISPLAY_FORM.exec(text))?.groups;
  if (!groups) {
    return invalid('not a PNC ID: expected YYYY/NNNNNNNC or YY/NNNNNNC');
  }
  const { year: fullYear, yy: twoDigitYear, serial = '', letter = '' } = groups;
  const yy = Number(fullYear ?? twoDigitYear) % 100;
  // The expected letter is deliberately not suggested: the check letter exists to catch a
  // mistyped digit, and offering the "right" letter invites correcting the wrong character.
  if (pncCheckLetter(yy, Number(serial)) !== letter) {
    return invalid('PNC ID check character does not match the year and serial number');
  }
  const year = fullYear ? Number(fullYear) : expandYear(yy, currentYear);
  if (year > currentYear) {
    return invalid('PNC ID year is in the future');
  }
  return ok(`${year}/${serial.padStart(7, '0')}${letter}`);
}
