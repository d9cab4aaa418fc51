import { RateLimiter } from './rate-limiter';

describe('per-user rate limit (token bucket)', () => {
  it('given a burst of 3, then the 4th request at once is refused with the seconds until a token', () => {
    const r = new RateLimiter({ burst: 3, perMinute: 6 });
    expect([0, 0, 0].map(() => r.take('a', 1000).ok)).toEqual([true, true, true]);
    expect(r.take('a', 1000)).toEqual({ ok: false, retryAfterSeconds: 10 });
  });

  it('given time passing, then tokens come back at the rate, never above the burst', () => {
    const r = new RateLimiter({ burst: 2, perMinute: 60 });
    r.take('a', 0);
    r.take('a', 0);
    expect(r.take('a', 500)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(r.take('a', 1500).ok).toBe(true);
    expect([r.take('a', 600_000).ok, r.take('a', 600_000).ok, r.take('a', 600_000).ok]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('given two users, then one exhausting their bucket does not touch the other', () => {
    const r = new RateLimiter({ burst: 1, perMinute: 1 });
    r.take('a', 0);
    expect(r.take('a', 0).ok).toBe(false);
    expect(r.take('b', 0).ok).toBe(true);
  });
});
