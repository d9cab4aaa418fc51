import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens (tokens already verified)', () => {
  it('given a token remembered, then it is returned until its expiry', () => {
    const c = new VerifiedTokens<string>(10, 60_000);
    c.remember('t', 'alice', 10_000, 0);
    expect(c.get('t', 9_999)).toBe('alice');
    expect(c.get('t', 10_000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('given a token that expires later than the maximum age, then it is verified again after that age', () => {
    const c = new VerifiedTokens<string>(10, 60_000);
    c.remember('t', 'alice', 3_600_000, 0);
    expect(c.get('t', 59_999)).toBe('alice');
    expect(c.get('t', 60_000)).toBeUndefined();
  });

  it('given an expired token, then it is not remembered', () => {
    const c = new VerifiedTokens<string>(10, 60_000);
    c.remember('t', 'alice', 1_000, 1_000);
    expect(c.get('t', 1_000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('given more tokens than it holds, then the expired go first, then the oldest', () => {
    const c = new VerifiedTokens<string>(3, 60_000);
    c.remember('a', 'A', 50_000, 0);
    c.remember('b', 'B', 5_000, 0);
    c.remember('c', 'C', 50_000, 0);
    c.remember('d', 'D', 50_000, 6_000); // b has expired: it goes
    expect(['a', 'b', 'c', 'd'].map((k) => c.get(k, 6_000))).toEqual(['A', undefined, 'C', 'D']);
    c.remember('e', 'E', 50_000, 7_000); // none expired: the oldest (a) goes
    expect(['a', 'c', 'd', 'e'].map((k) => c.get(k, 7_000))).toEqual([undefined, 'C', 'D', 'E']);
    expect(c.size).toBe(3);
  });

  it('given an unknown token, then nothing', () => {
    expect(new VerifiedTokens<string>().get('x', 0)).toBeUndefined();
  });
});
