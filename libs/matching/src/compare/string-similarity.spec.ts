import fc from 'fast-check';
import { similarity as talismanJaroWinkler } from 'talisman/metrics/jaro-winkler';
import { tokenId } from '../normalise/token-ids';
import { isOneEdit, JaroWinklerMemo } from './string-similarity';

describe('string similarity', () => {
  it('returns talisman Jaro-Winkler, memoised', () => {
    const jw = new JaroWinklerMemo(10);
    expect(jw.similarity('martha', 'marhta')).toBeCloseTo(
      talismanJaroWinkler('martha', 'marhta'),
      12,
    );
    expect(jw.similarity('marhta', 'martha')).toBeCloseTo(
      talismanJaroWinkler('martha', 'marhta'),
      12,
    );
    expect(jw.similarity('same', 'same')).toBe(1);
    expect(jw.similarity('', 'x')).toBe(0);
  });

  it('never answers 0 for a pair that reaches the floor (the upper bound is sound)', () => {
    const word = fc.string({
      unit: fc.constantFrom(...'abcdehilmnorst'),
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(word, word, fc.constantFrom(0.8, 0.9, 0.92), (a, b, floor) => {
        const jw = new JaroWinklerMemo(8);
        const real = talismanJaroWinkler(a, b);
        const got = jw.similarity(a, b, floor);
        if (real >= floor) expect(got).toBeCloseTo(real, 12);
        else expect(got === 0 || Math.abs(got - real) < 1e-12).toBe(true);
        // Asking again with a lower floor after a bound-only answer still gives the right value.
        expect(jw.similarity(a, b, 0) === real || a === b).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps its answers as it grows to its largest size, and once it is cleared there', () => {
    // 2^17 slots at most: it starts at 2^16, doubles past 49,152 pairs, clears past 98,304.
    const jw = new JaroWinklerMemo(17);
    const words = Array.from({ length: 460 }, (_, i) => `w${(i * 7919) % 1000}x${i % 13}`);
    const ids = words.map(tokenId);
    const wrong: string[] = [];
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) {
          const floor = (i + j) % 2 ? 0.9 : 0;
          const got = jw.similarityIds(ids[i] as number, ids[j] as number, floor);
          const real = talismanJaroWinkler(words[i] as string, words[j] as string);
          // Below the floor the answer may be 0 (only a bound was computed) or the value.
          if (got !== real && !(got === 0 && real < floor))
            wrong.push(`${words[i]} ${words[j]} ${got} ${real}`);
        }
    expect(wrong).toEqual([]);
  });

  it('detects one keying error, adjacent swaps included', () => {
    expect(isOneEdit('1234567', '1234568')).toBe(true);
    expect(isOneEdit('1234567', '1243567')).toBe(true);
    expect(isOneEdit('1234567', '123456')).toBe(true);
    expect(isOneEdit('1234567', '12345678')).toBe(true);
    expect(isOneEdit('1234567', '1234567')).toBe(false);
    expect(isOneEdit('1234567', '1253467')).toBe(false);
    expect(isOneEdit('1234567', '7654321')).toBe(false);
  });
});
