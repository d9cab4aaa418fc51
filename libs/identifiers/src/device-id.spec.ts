import fc from 'fast-check';
import { normaliseDeviceId } from './device-id';

/** Luhn check digit for a payload, computed the long way for the test. */
function luhnCheckDigit(payload: string): string {
  for (let digit = 0; digit <= 9; digit++) {
    const digits = [...`${payload}${digit}`].reverse().map(Number);
    const sum = digits.reduce(
      (acc, d, i) => acc + (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d),
      0,
    );
    if (sum % 10 === 0) return String(digit);
  }
  throw new Error('unreachable');
}

describe('normaliseDeviceId', () => {
  it.each([
    ['490154203237518', 'IMEI', '490154203237518'],
    ['35-209900-176148-1', 'IMEI', '352099001761481'],
    ['35 209900 176148 1', 'IMEI', '352099001761481'],
    ['8944110051234567890', 'ICCID', '8944110051234567890'],
    ['8944 1100 5123 4567 8901', 'ICCID', '89441100512345678901'],
  ])('accepts %p as %s %p', (input, type, value) => {
    expect(normaliseDeviceId(input)).toEqual({ ok: true, value: { type, value } });
  });

  it.each([
    ['490154203237517', 'IMEI check digit is wrong'],
    ['8944110051234567891', 'ICCID check digit is wrong'],
    ['3520990017614812', 'device id must be a 15-digit IMEI or a 19- or 20-digit ICCID'], // IMEISV
    ['12345678901234', 'device id must be a 15-digit IMEI or a 19- or 20-digit ICCID'],
    ['', 'device id must be an IMEI or ICCID (digits only)'],
    ['35209900176148A', 'device id must be an IMEI or ICCID (digits only)'],
  ])('rejects %p', (input, reason) => {
    expect(normaliseDeviceId(input)).toEqual({ ok: false, reason });
  });

  it('accepts any payload with its Luhn digit and rejects every other final digit', () => {
    const payload = fc.oneof(fc.stringMatching(/^[0-9]{14}$/), fc.stringMatching(/^[0-9]{18,19}$/));
    fc.assert(
      fc.property(payload, fc.integer({ min: 0, max: 9 }), (digits, other) => {
        const check = luhnCheckDigit(digits);
        expect(normaliseDeviceId(`${digits}${check}`).ok).toBe(true);
        fc.pre(String(other) !== check);
        expect(normaliseDeviceId(`${digits}${other}`).ok).toBe(false);
      }),
    );
  });
});
