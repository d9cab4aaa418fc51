import { resolutionReadiness, type ResolutionStatus } from './resolution-health';

const ok: ResolutionStatus = {
  queueHeadAgeMs: 0,
  consecutiveFailures: 0,
  lastFailureClass: undefined,
  setAside: 0,
};
const bounds = { stuckMs: 120_000, maxConsecutiveFailures: 20 };

describe('resolutionReadiness', () => {
  it('is ready when the queue flows, even with entities set aside', () => {
    expect(resolutionReadiness({ ...ok, queueHeadAgeMs: 5_000, setAside: 3 }, bounds)).toEqual({
      ready: true,
    });
  });

  it('is not ready when the queue head has waited beyond the bound, and says so', () => {
    const r = resolutionReadiness({ ...ok, queueHeadAgeMs: 300_000 }, bounds);
    expect(r.ready).toBe(false);
    expect(r.reason).toMatch(/stuck.*300 s.*120 s/);
  });

  it('is not ready after too many failed batches in a row, naming the last class', () => {
    const r = resolutionReadiness(
      { ...ok, consecutiveFailures: 20, lastFailureClass: 'pg-21000' },
      bounds,
    );
    expect(r.ready).toBe(false);
    expect(r.reason).toMatch(/failing: 20 .*pg-21000/);
    expect(resolutionReadiness({ ...ok, consecutiveFailures: 19 }, bounds).ready).toBe(true);
  });
});
