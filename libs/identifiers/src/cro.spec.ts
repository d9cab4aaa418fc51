import fc from 'fast-check';
import { croCheckLetter, normaliseCro } from './cro';

const ALPHABET = 'ZABCDEFGHJKLMNPQRTUVWXY';

/** docs/domain.md, "Identifiers": the letter at int(YY ‖ serial zero-padded to 6) mod 23. */
function expectedLetter(yy: string, serial: number): string {
  return ALPHABET.charAt(Number(`${yy}${String(serial).padStart(6, '0')}`) % 23);
}

describe('normaliseCro', () => {
  // Worked by hand from the formula:
  //   89 ‖ 012345 = 89012345 = 23 × 3870101 + 22 → ALPHABET[22] = Y
  //   95 ‖ 123456 = 95123456 = 23 × 4135802 + 10 → ALPHABET[10] = K
  //   00 ‖ 000001 = 1        = 23 × 0       + 1  → ALPHABET[1]  = A
  it.each([
    ['012345/89Y', '012345/89Y'],
    ['12345/89Y', '012345/89Y'],
    [' 123456/95k ', '123456/95K'],
    ['1/00A', '000001/00A'],
    ['SF89/012345Y', 'SF89/012345Y'],
    ['sf89/12345y', 'SF89/012345Y'],
    ['SF95/123456K', 'SF95/123456K'],
  ])('accepts %p as %p', (input, canonical) => {
    expect(normaliseCro(input)).toEqual({ ok: true, value: canonical });
  });

  it.each(['012345/89X', '123456/95L', 'SF89/012345Z', '000001/00Z'])(
    'rejects %p for its check character',
    (input) => {
      expect(normaliseCro(input)).toEqual({
        ok: false,
        reason: expect.stringContaining('check character') as string,
      });
    },
  );

  it.each([
    '',
    '0123456/89Y',
    '012345/8Y',
    '01234589Y',
    'SF89012345Y',
    'XX89/012345Y',
    '012345/89',
  ])('rejects malformed %p', (input) => {
    expect(normaliseCro(input)).toEqual({ ok: false, reason: expect.stringMatching(/^not a CRO/) });
  });

  it('agrees with croCheckLetter', () => {
    expect(croCheckLetter(89, 12345)).toBe('Y');
    expect(croCheckLetter(95, 123456)).toBe('K');
    expect(() => croCheckLetter(89, 1_000_000)).toThrow(RangeError);
  });

  it('accepts every CRO number built with the formula and rejects every other letter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 999_999 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 25 }),
        (year, serial, sf, other) => {
          const yy = String(year).padStart(2, '0');
          const letter = expectedLetter(yy, serial);
          const padded = String(serial).padStart(6, '0');
          const canonical = sf ? `SF${yy}/${padded}${letter}` : `${padded}/${yy}${letter}`;
          const short = sf ? `SF${yy}/${serial}${letter}` : `${serial}/${yy}${letter}`;
          expect(normaliseCro(short)).toEqual({ ok: true, value: canonical });
          expect(normaliseCro(canonical)).toEqual({ ok: true, value: canonical });

          const wrong = String.fromCharCode(65 + other);
          fc.pre(wrong !== letter);
          expect(normaliseCro(canonical.slice(0, -1) + wrong).ok).toBe(false);
        },
      ),
    );
  });
});
