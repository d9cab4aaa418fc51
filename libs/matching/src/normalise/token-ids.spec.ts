import { derivedTokens, flatText, tokenId, tokenString } from './token-ids';

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
