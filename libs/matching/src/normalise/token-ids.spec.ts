import { derivedTokens, tokenId, tokenString } from './token-ids';

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
