/**
 * Criminal Records Office number (docs/domain.md, "Identifiers"): `NNNNNN/YYC` (serial zero-padded to 6)
 * or `SFYY/NNNNNNC`. Check letter from the PNC alphabet at `int(YY ‖ serial) mod 23`.
 */
import { checkCharacter } from './check-character';
import { invalid, ok, type Parsed } from './result';

// Shorter serials are accepted; the canonical form pads them to 6 digits.
const STANDARD_FORM = /^(?<serial>\d{1,6})\/(?<yy>\d{2})(?<letter>[A-Z])$/;
const SF_FORM = /^SF(?<yy>\d{2})\/(?<serial>\d{1,6})(?<letter>[A-Z])$/;

/** Check letter for a CRO number: `int(YY ‖ serial zero-padded to 6) mod 23`. */
export function croCheckLetter(yy: number, serial: number): string {
  return checkCharacter(yy, serial, 6);
}

/**
 * Validates a CRO number (case-insensitive, surrounding whitespace ignored) and returns the
 * padded form, `NNNNNN/YYC` or `SFYY/NNNNNNC`. The two series stay distinct in the output.
 */
export function normaliseCro(input: string): Parsed<string> {
  const text = input.trim().toUpperCase();
  const standard = STANDARD_FORM.exec(text);
  const groups = (standard ?? SF_FORM.exec(text))?.groups;
  if (!groups) {
    return invalid('not a CRO number: expected NNNNNN/YYC or SFYY/NNNNNNC');
  }
  const { yy = '', serial = '', letter = '' } = groups;
  if (croCheckLetter(Number(yy), Number(serial)) !== letter) {
    return invalid('CRO number check character does not match the serial number and year');
  }
  const padded = serial.padStart(6, '0');
  return ok(standard ? `${padded}/${yy}${letter}` : `SF${yy}/${padded}${letter}`);
}
