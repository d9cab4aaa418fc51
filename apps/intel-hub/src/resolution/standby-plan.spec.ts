import {
  MAX_REWARM_MS,
  STANDBY_START,
  afterFailure,
  afterTail,
  nextStep,
  standbyLag,
  type StandbyState,
} from './standby-plan';

describe('warm standby plan', () => {
  it('loads at once when started, then tails once warm', () => {
    expect(nextStep(STANDBY_START, 0)).toBe('load');
    const warm = afterTail(STANDBY_START, 40, false, 1000);
    expect(warm).toEqual({ kind: 'warm', applied: 40, caughtUpAt: 1000 });
    expect(nextStep(warm, 1000)).toBe('tail');
  });

  it('drops the index on a failure and loads again after a back-off that doubles to a cap', () => {
    const warm = afterTail(STANDBY_START, 10, true, 0);
    const once = afterFailure(warm, 10_000, 1000);
    expect(once).toEqual({ kind: 'cold', retryAt: 12_000, failures: 1 });
    expect(nextStep(once, 11_999)).toBe('wait');
    expect(nextStep(once, 12_000)).toBe('load');
    const twice = afterFailure(once, 12_000, 1000);
    expect(twice).toEqual({ kind: 'cold', retryAt: 16_000, failures: 2 });
    let s: StandbyState = twice;
    for (let i = 0; i < 40; i++) s = afterFailure(s, 0, 1000);
    expect(s.kind === 'cold' && s.retryAt).toBe(MAX_REWARM_MS);
    // Warm again: the next failure starts the back-off over.
    expect(afterFailure(afterTail(s, 3, true, 0), 0, 1000)).toMatchObject({ failures: 1 });
  });

  it('keeps when it was last caught up while it is behind', () => {
    let s = afterTail(STANDBY_START, 5, true, 1000);
    s = afterTail(s, 13, false, 2000);
    expect(s).toEqual({ kind: 'warm', applied: 13, caughtUpAt: 1000 });
    s = afterTail(s, 21, true, 3000);
    expect(s).toEqual({ kind: 'warm', applied: 21, caughtUpAt: 3000 });
  });

  it('measures the lag in commits and in seconds since it was last caught up', () => {
    const behind = afterTail(afterTail(STANDBY_START, 5, true, 1000), 13, false, 2000);
    expect(standbyLag(behind, 20, 3500)).toEqual({ commits: 7, seconds: 2.5 });
    expect(standbyLag(afterTail(behind, 20, true, 4000), 20, 4200)).toEqual({
      commits: 0,
      seconds: 0,
    });
    expect(standbyLag(STANDBY_START, 20, 0)).toBeUndefined();
  });
});
