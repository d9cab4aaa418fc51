import fc from 'fast-check';
import { similarity as talismanJaroWinkler } from 'talisman/metrics/jaro-winkler';
import { isOneEdit, JaroWinklerMemo } from '../compare/string-similarity';
import { TRANSIENT_BASE, tokenId, withQueryTokens } from './token-ids';
import { jaroWinklerCeiling, mayBeOneEdit, tokenShapesSize } from './token-shapes';

/** Texts like the tokens compared: names, streets, handles, identifiers; some odd ones. */
const text = fc.oneof(
  fc.stringMatching(/^[a-e]{1,9}$/),
  fc.stringMatching(/^[a-z0-9]{1,12}$/),
  fc.stringMatching(/^[a-z .'-]{1,20}$/),
  fc.stringMatching(/^[a-cA-Cé0-3]{1,6}$/),
  fc.string({ minLength: 1, maxLength: 300 }),
);

/** A text and a variant of it a few keying errors away (so that some pairs are near). */
const pair = fc.oneof(
  fc.tuple(text, text),
  fc
    .tuple(text, fc.nat(), fc.constantFrom('', 'a', '1', 'é'), fc.nat(3))
    .map(([s, at, c, cut]): [string, string] => {
      const i = at % (s.length + 1);
      const t = s.slice(0, i) + c + s.slice(i + cut);
      return [s, t === '' ? 'x' : t];
    }),
);

describe('token shapes', () => {
  it('never bound Jaro–Winkler below its value, held tokens and a query’s own alike', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const exact = talismanJaroWinkler(a, b);
        expect(jaroWinklerCeiling(tokenId(a), tokenId(b))).toBeGreaterThanOrEqual(exact - 1e-12);
        withQueryTokens(() => {
          const qa = tokenId(`${a}\u0001q`);
          const qb = tokenId(b);
          const q = talismanJaroWinkler(`${a}\u0001q`, b);
          expect(jaroWinklerCeiling(qa, qb)).toBeGreaterThanOrEqual(q - 1e-12);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('never rule out a pair one edit apart, the empty text included', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        if (isOneEdit(a, b)) expect(mayBeOneEdit(tokenId(a), tokenId(b))).toBe(true);
        if (isOneEdit('', b)) expect(mayBeOneEdit(-1, tokenId(b))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('keep nothing of a query’s own tokens: a caller cannot make them grow', () => {
    const held = tokenId('held handle');
    // The held token's shape is kept first.
    mayBeOneEdit(held, held);
    const before = tokenShapesSize();
    withQueryTokens(() => {
      for (let i = 0; i < 100; i++) {
        const own = tokenId(`caller's own handle ${i}`);
        expect(own).toBeGreaterThanOrEqual(TRANSIENT_BASE);
        jaroWinklerCeiling(own, held);
        mayBeOneEdit(held, own);
      }
    });
    // Sized by held ids only (a transient id is 2^30 and up: 5 GiB if it were kept).
    expect(tokenShapesSize()).toBe(before);
    expect(tokenShapesSize()).toBeLessThan(TRANSIENT_BASE);
  });

  it('rule out what is plainly far apart', () => {
    expect(jaroWinklerCeiling(tokenId('james'), tokenId('robert'))).toBeLessThan(0.8);
    expect(jaroWinklerCeiling(tokenId('smith'), tokenId('smyth'))).toBeGreaterThanOrEqual(0.8);
    expect(mayBeOneEdit(tokenId('k9ab12'), tokenId('k9ab13'))).toBe(true);
    expect(mayBeOneEdit(tokenId('john.smith'), tokenId('jsmith1979'))).toBe(false);
    expect(mayBeOneEdit(tokenId('abc'), tokenId('abcde'))).toBe(false);
    // A length not kept rules nothing out.
    const long = 'q'.repeat(400);
    expect(jaroWinklerCeiling(tokenId(long), tokenId('z'))).toBe(1);
  });

  it('leave every answer of the memo as the library gives it at the floors the comparator uses', () => {
    fc.assert(
      fc.property(pair, fc.constantFrom(0.8, 0.9, 0.92), ([a, b], floor) => {
        const memo = new JaroWinklerMemo();
        const s = memo.similarityIds(tokenId(a), tokenId(b), floor);
        const exact = a === b ? 1 : talismanJaroWinkler(a, b);
        // Callers test s against thresholds at or above the floor: those answers are the same.
        for (const t of [floor, 0.92, 0.9]) if (t >= floor) expect(s >= t).toBe(exact >= t);
      }),
      { numRuns: 3000 },
    );
  });
});
