import { normalisePhone } from './phone';
import { RecentResults } from './recent-results';

describe('RecentResults', () => {
  it('computes an input once while it is among the latest, and forgets the oldest', () => {
    const calls: string[] = [];
    const recent = new RecentResults<{ v: string }>(2);
    const get = (s: string) =>
      recent.get(s, () => {
        calls.push(s);
        return { v: s.toUpperCase() };
      });
    expect(get('a')).toEqual({ v: 'A' });
    expect(get('a')).toBe(get('a'));
    get('b');
    get('c'); // 'a' is the oldest: forgotten
    get('a');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
    expect(Object.isFrozen(get('a'))).toBe(true);
  });
});

describe('normalisePhone, repeated', () => {
  it('gives the same answer each time, per default region', () => {
    expect(normalisePhone('07700 900123')).toEqual({ ok: true, value: '+447700900123' });
    expect(normalisePhone('07700 900123')).toEqual({ ok: true, value: '+447700900123' });
    expect(normalisePhone('0612345678', { defaultRegion: 'NL' })).toEqual({
      ok: true,
      value: '+31612345678',
    });
    expect(normalisePhone('0612345678').ok).toBe(false);
  });
});
