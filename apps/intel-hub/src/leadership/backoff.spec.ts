import { FIRST_BACKOFF_MS, nextBackoffMs } from './backoff';

describe('nextBackoffMs', () => {
  it('starts small, doubles, and stays under the cap', () => {
    let d = nextBackoffMs(0, 5000, 0.5);
    expect(d).toBe(FIRST_BACKOFF_MS);
    const seen = [d];
    for (let i = 0; i < 10; i++) seen.push((d = nextBackoffMs(d, 5000, 0.5)));
    expect(seen.slice(0, 4)).toEqual([250, 500, 1000, 2000]);
    expect(Math.max(...seen)).toBe(5000);
  });

  it('jitters within ±20% and never beyond the cap', () => {
    expect(nextBackoffMs(1000, 5000, 0)).toBe(1600);
    expect(nextBackoffMs(1000, 5000, 0.999)).toBeLessThanOrEqual(2400);
    expect(nextBackoffMs(4000, 5000, 0.999)).toBe(5000);
  });
});
