/**
 * Device identifiers (docs/domain.md, "Identifiers": IMEI or ICCID). Both end in a Luhn
 * check digit (ISO/IEC 7812-1 Annex B): IMEI per 3GPP TS 23.003 §6.2.1 and Annex B, 15 digits;
 * ICCID per ITU-T E.118, 19 or 20 digits. An IMEISV (16 digits, no check digit) is rejected, as it
 * would need the software version stripped to compare with an IMEI.
 */
import { invalid, ok, type Parsed } from './result';

export type DeviceIdType = 'IMEI' | 'ICCID';

export interface DeviceId {
  type: DeviceIdType;
  /** Digits only. */
  value: string;
}

const TYPE_BY_LENGTH: ReadonlyMap<number, DeviceIdType> = new Map([
  [15, 'IMEI'],
  [19, 'ICCID'],
  [20, 'ICCID'],
]);

/** Luhn: doubling every second digit from the right, the digit sum must be a multiple of 10. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Accepts digits grouped with spaces or hyphens, as IMEIs are often printed (`35-209900-176148-1`). */
export function normaliseDeviceId(input: string): Parsed<DeviceId> {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) {
    return invalid('device id must be an IMEI or ICCID (digits only)');
  }
  const type = TYPE_BY_LENGTH.get(digits.length);
  if (!type) {
    return invalid('device id must be a 15-digit IMEI or a 19- or 20-digit ICCID');
  }
  if (!luhnValid(digits)) {
    return invalid(`${type} check digit is wrong`);
  }
  return ok({ type, value: digits });
}
