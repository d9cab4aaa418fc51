/**
 * Check character shared by PNC IDs and CRO numbers (docs/domain.md, "Identifiers"): the letter at
 * `int(YY ‖ serial) mod 23` in this alphabet. I, O and S are left out, as they are easily
 * confused with 1, 0 and 5.
 */
const ALPHABET = 'ZABCDEFGHJKLMNPQRTUVWXY';

/** `serialDigits` is the width the serial is zero-padded to before concatenation (PNC 7, CRO 6). */
export function checkCharacter(yy: number, serial: number, serialDigits: number): string {
  const maxSerial = 10 ** serialDigits - 1;
  if (!Number.isInteger(yy) || yy < 0 || yy > 99) {
    throw new RangeError(`yy must be an integer 0-99, got ${yy}`);
  }
  if (!Number.isInteger(serial) || serial < 0 || serial > maxSerial) {
    throw new RangeError(`serial must be an integer 0-${maxSerial}, got ${serial}`);
  }
  // YY ‖ serial as an integer is yy * 10^digits + serial; at most 10^9, well inside 2^53.
  return ALPHABET.charAt((yy * 10 ** serialDigits + serial) % 23);
}
