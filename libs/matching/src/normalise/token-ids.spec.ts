import fc from 'fast-check';
import { JaroWinklerMemo } from '../compare/string-similarity';
import { framedTexts as framed } from '../../test/framed-texts';
import {
  derivedTokenCount,
  derivedTokens,
  flatText,
  isTransientToken,
  tokenCount,
  tokenId,
  tokenIdsOfUtf8,
  tokenString,
  withQueryTokens,
} from './token-ids';

describe('derived tokens', () => {
  it('give the id of the derived text, once per token, and -1 for a missing token', () => {
    let calls = 0;
    const compact = derivedTokens((s) => {
      calls++;
      return s.replace(/ /g, '');
    });
    const id = tokenId('acacia avenue');
    expect(tokenString(compact.of(id))).toBe('acaciaavenue');
    expect(compact.of(id)).toBe(tokenId('acaciaavenue'));
    expect(calls).toBe(1);
    expect(compact.of(-1)).toBe(-1);
    // Derived to the empty text: missing, like tokenId('').
    expect(compact.of(tokenId(' '))).toBe(-1);
    // Ids beyond the memo's first size.
    for (let i = 0; i < 3000; i++) tokenId(`filler ${i}`);
    const late = tokenId('late token');
    expect(tokenString(compact.of(late))).toBe('latetoken');
  });
});

describe('flatText', () => {
  it('gives back the same code units, lone surrogates and non-Latin text included', () => {
    const texts = [
      'short',
      `${'NY'}:${'0f3e2a5c-9d41-4b7e-8a21-6c0d9e8f7a10'}`,
      'a lone surrogate \ud800 in the middle, and one at the end \udc00',
      'Zoë Łukasiewicz-Ó Súilleabháin 王小明 😀',
      'a string cut from a longer one'.slice(2),
    ];
    for (const t of texts) {
      const flat = flatText(t);
      expect(flat).toBe(t);
      expect(flat.length).toBe(t.length);
    }
    // Interned tokens keep their text.
    const id = tokenId(texts[2] as string);
    expect(tokenString(id)).toBe(texts[2]);
    expect(tokenId(texts[2] as string)).toBe(id);
  });
});

describe('query tokens (withQueryTokens)', () => {
  it('read the table: held texts keep their ids, novel ones get transient ids kept nowhere', () => {
    const held = tokenId('held street');
    const compact = derivedTokens((s) => s.replace(/ /g, ''));
    const jw = new JaroWinklerMemo(10);
    const before = { tokens: tokenCount(), derived: derivedTokenCount(), jw: jw.memoised };
    const seen = withQueryTokens(() => {
      expect(tokenId('held street')).toBe(held);
      const a = tokenId('novel street');
      expect(isTransientToken(a)).toBe(true);
      // The same text, the same id, within the query (nested queries share it).
      expect(withQueryTokens(() => tokenId('novel street'))).toBe(a);
      expect(tokenString(a)).toBe('novel street');
      expect(tokenString(compact.of(a))).toBe('novelstreet');
      expect(isTransientToken(compact.of(a))).toBe(true);
      // Compared by text, as the interned ids would be, and not memoised.
      const s = jw.similarityIds(a, held, 0);
      expect(s).toBeGreaterThan(0.8);
      // As the memo answers: what is known is given at a floor the two tokens' shapes can
      // reach, and a floor out of their reach (token-shapes.ts) is 0.
      expect(jw.similarityIds(a, held, 0.8)).toBe(s);
      expect(jw.similarityIds(a, held, 0.99)).toBe(0);
      expect(jw.similarityIds(tokenId('quite other'), held, 0.99)).toBe(0);
      // A held token whose derived text nothing holds: derived, not memoised.
      expect(isTransientToken(compact.of(held))).toBe(true);
      for (let i = 0; i < 1000; i++) compact.of(tokenId(`novel ${i}`));
      return a;
    });
    expect({ tokens: tokenCount(), derived: derivedTokenCount(), jw: jw.memoised }).toEqual(before);
    // Used after its query, a transient id fails loudly rather than reading another's text.
    expect(() => tokenString(seen)).toThrow();
    // Outside a query, derived and memoised as before.
    compact.of(held);
    expect(derivedTokenCount()).toBe(before.derived + 1);
    expect(tokenCount()).toBe(before.tokens + 1);
    expect(tokenString(compact.of(held))).toBe('heldstreet');
  });

  it('give the same Jaro-Winkler as interned ids, whatever the floor', () => {
    const names = ['smith', 'smyth', 'smithe', 'jones', 'johns', 'featherstone', 'fetherston'];
    const memo = new JaroWinklerMemo(10);
    for (const floor of [0, 0.8, 0.92]) {
      for (const a of names) {
        const transient = withQueryTokens(() =>
          names.map((b) => memo.similarityIds(tokenId(`${a}~`), tokenId(b), floor)),
        );
        const interned = names.map((b) => memo.similarityIds(tokenId(`${a}~`), tokenId(b), floor));
        expect(transient).toEqual(interned);
      }
    }
  });
});

describe('the token table', () => {
  it('numbers texts as a map from text to first-seen id would, and gives each text back', () => {
    // Texts of every kind the table stores apart: one-byte (Latin-1, control characters), wide
    // (other scripts, lone surrogates), long ones, and many sharing a prefix or a length.
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'ab01: -'), minLength: 1, maxLength: 6 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
      fc.string({ minLength: 1, maxLength: 300 }),
      fc.constantFrom('\ud800', 'a\udc00', 'é', 'ÿ', '\u0100', '\u0000x'),
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 400 }), (texts) => {
        const reference = new Map<string, number>();
        for (const t of texts) {
          const before = tokenCount();
          const id = tokenId(t);
          const known = reference.get(t);
          if (known !== undefined) expect(id).toBe(known);
          else {
            reference.set(t, id);
            // A text not seen in this run may have been interned by an earlier one.
            if (id >= before) expect([id, tokenCount()]).toEqual([before, before + 1]);
          }
          expect(tokenString(id)).toBe(t);
        }
        const ids = new Set(reference.values());
        expect(ids.size).toBe(reference.size);
        for (const [t, id] of reference) expect(tokenString(id)).toBe(t);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every id and text across its growth (a hundred thousand texts)', () => {
    const first = tokenCount();
    const texts = Array.from({ length: 100_000 }, (_, i) => `grow ${i} ${'x'.repeat(i % 40)}`);
    const ids = texts.map(tokenId);
    expect(new Set(ids).size).toBe(texts.length);
    const wrong = texts.filter((t, i) => tokenId(t) !== ids[i] || tokenString(ids[i] ?? -1) !== t);
    expect(wrong).toEqual([]);
    expect(tokenCount()).toBe(first + texts.length);
    expect(tokenString(-1)).toBe('');
    expect(tokenString(tokenCount())).toBe('');
  });
});

describe("tokenIdsOfUtf8 (a snapshot's token table)", () => {
  const text = fc.oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[A-Z0-9 :@.'-]{1,24}$/) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 0, maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constantFrom('É', 'ÅSE', 'Ωμέγα', 'a\ud800b', '\udc00', '') },
  );

  it('gives every text the id tokenId gives its decoded text, whether the table held it or not', () => {
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 50 }),
        fc.integer({ min: 8, max: 200 }),
        (texts, heldBefore, frameBytes) => {
          // Some texts (and one of each pair of duplicates) interned beforehand, the usual way.
          const run = `${Math.random()}`;
          const all = texts.map((t, i) => (i % 3 === 0 ? `${t}${run}` : t));
          for (const k of heldBefore) if (all.length > 0) tokenId(all[k % all.length] as string);
          const dup = all.length > 0 ? [...all, all[0] as string] : all;
          const frames = framed(dup, frameBytes);
          const bytes = dup.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
          const before = tokenCount();
          const ids = tokenIdsOfUtf8(frames, dup.length, bytes);
          const added = tokenCount() - before;
          dup.forEach((t, i) => {
            const decoded = Buffer.from(t, 'utf8').toString('utf8');
            expect(ids[i]).toBe(tokenId(decoded));
            if (decoded !== '') expect(tokenString(ids[i] as number)).toBe(decoded);
          });
          // tokenId found every text the load interned: nothing was added after it.
          expect(tokenCount() - before).toBe(added);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('grows the table through many texts in one load', () => {
    const texts = Array.from({ length: 50_000 }, (_, i) => `BULK${i}X${i % 7}`);
    const ids = tokenIdsOfUtf8(
      framed(texts, 4096),
      texts.length,
      texts.reduce((n, t) => n + t.length, 0),
    );
    const count = tokenCount();
    texts.forEach((t, i) => expect(tokenId(t)).toBe(ids[i]));
    expect(tokenCount()).toBe(count);
  });

  it('refuses a table whose count or entries do not add up, and a load inside a query', () => {
    const frames = framed(['ONE', 'TWO'], 100);
    expect(() => tokenIdsOfUtf8(frames, 3, 6)).toThrow(/2 texts, 3 counted/);
    expect(() => tokenIdsOfUtf8(frames, 1, 6)).toThrow(/more texts than counted/);
    const cut = Buffer.from(frames[0] as Buffer).subarray(0, 9);
    expect(() => tokenIdsOfUtf8([cut], 2, 6)).toThrow(/cut text/);
    expect(() => withQueryTokens(() => tokenIdsOfUtf8(frames, 2, 6))).toThrow(/inside a query/);
  });
});
