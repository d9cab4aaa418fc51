import fc from 'fast-check';
import { normalisePnc, pncCheckLetter } from './pnc';

const ALPHABET = 'ZABCDEFGHJKLMNPQRTUVWXY';

/** The formula of docs/domain.md ("Identifiers"), written independently of the implementation: concatenate, then mod 23. */
function expectedLetter(yy: number, serial: number): string {
  const concatenated = `${String(yy).padStart(2, '0')}${String(serial).padStart(7, '0')}`;
  return ALPHABET.charAt(Number(concatenated) % 23);
}

describe('normalisePnc', () => {
  it.each([
    ['1979/0163001B', '1979/0163001B'],
    ['2002/0073319Z', '2002/0073319Z'],
    ['20030011985X', '2003/0011985X'],
    ['2001/0171310W', '2001/0171310W'],
    ['79/163001B', '1979/0163001B'],
    ['  2002/0073319z ', '2002/0073319Z'],
    ['79/0163001b', '1979/0163001B'],
  ])('accepts %p as %p (published vectors)', (input, canonical) => {
    expect(normalisePnc(input, 2025)).toEqual({ ok: true, value: canonical });
  });

  it.each(['20030011985Z', '2001/0171310S'])('rejects %p for its check character', (input) => {
    expect(normalisePnc(input)).toEqual({
      ok: false,
      reason: expect.stringContaining('check character') as string,
    });
  });

  it.each([
    '',
    'PNC',
    '1979/163001B', // full year needs the padded serial
    '79163001B', // display form needs the slash
    '1979/01630011B',
    '1979-0163001B',
    '1979/0163001',
    '979/0163001B',
    '0079/0163001B', // only 19xx and 20xx years
    '2179/0163001B',
  ])('rejects malformed %p', (input) => {
    expect(normalisePnc(input)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^not a PNC ID/),
    });
  });

  it('reads a two-digit year later than the current one as 19YY, otherwise as 20YY', () => {
    const serial = 1234;
    const pnc = (yy: number): string => `${yy}/${serial}${expectedLetter(yy, serial)}`;
    expect(normalisePnc(pnc(25), 2025)).toEqual({
      ok: true,
      value: `2025/0001234${expectedLetter(25, serial)}`,
    });
    expect(normalisePnc(pnc(26), 2025)).toEqual({
      ok: true,
      value: `1926/0001234${expectedLetter(26, serial)}`,
    });
    expect(normalisePnc(pnc(26), 2026)).toEqual({
      ok: true,
      value: `2026/0001234${expectedLetter(26, serial)}`,
    });
  });

  it('rejects a full-form year after the current year', () => {
    const pnc = `2026/0001234${expectedLetter(26, 1234)}`;
    expect(normalisePnc(pnc, 2026).ok).toBe(true);
    expect(normalisePnc(pnc, 2025)).toEqual({ ok: false, reason: 'PNC ID year is in the future' });
  });

  describe('properties', () => {
    const year = fc.integer({ min: 1900, max: 2099 });
    const serial = fc.integer({ min: 0, max: 9_999_999 });
    const thisCentury = fc.integer({ min: 2000, max: 2099 });
    const pad = (n: number, width: number): string => String(n).padStart(width, '0');

    it('accepts every full-form PNC ID built with the formula, with or without the slash', () => {
      fc.assert(
        fc.property(year, serial, (y, s) => {
          const canonical = `${y}/${pad(s, 7)}${expectedLetter(y % 100, s)}`;
          expect(normalisePnc(canonical, 2099)).toEqual({ ok: true, value: canonical });
          expect(normalisePnc(canonical.replace('/', '').toLowerCase(), 2099)).toEqual({
            ok: true,
            value: canonical,
          });
        }),
      );
    });

    it('expands the display form by the century rule', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 99 }), serial, thisCentury, (yy, s, currentYear) => {
          const letter = expectedLetter(yy, s);
          const century = yy > currentYear % 100 ? 1900 : 2000;
          expect(normalisePnc(`${pad(yy, 2)}/${s}${letter}`, currentYear)).toEqual({
            ok: true,
            value: `${century + yy}/${pad(s, 7)}${letter}`,
          });
        }),
      );
    });

    it('rejects any other letter', () => {
      fc.assert(
        fc.property(year, serial, fc.integer({ min: 0, max: 25 }), (y, s, i) => {
          const letter = String.fromCharCode(65 + i);
          fc.pre(letter !== expectedLetter(y % 100, s));
          expect(normalisePnc(`${y}/${pad(s, 7)}${letter}`, 2099).ok).toBe(false);
        }),
      );
    });

    it('is idempotent', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 99 }), serial, (yy, s) => {
          const first = normalisePnc(`${pad(yy, 2)}/${s}${expectedLetter(yy, s)}`, 2025);
          expect(first.ok && normalisePnc(first.value, 2025)).toEqual(first);
        }),
      );
    });
  });
});

describe('pncCheckLetter', () => {
  it('matches the published vectors', () => {
    expect(pncCheckLetter(79, 163001)).toBe('B');
    expect(pncCheckLetter(2, 73319)).toBe('Z');
    expect(pncCheckLetter(3, 11985)).toBe('X');
    expect(pncCheckLetter(1, 171310)).toBe('W');
  });

  it.each([
    [100, 1],
    [-1, 1],
    [79, 10_000_000],
    [79, 1.5],
  ])('throws a RangeError for yy=%p serial=%p', (yy, serial) => {
    expect(() => pncCheckLetter(yy, serial)).toThrow(RangeError);
  });
});
