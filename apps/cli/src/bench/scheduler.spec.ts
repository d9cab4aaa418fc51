import { dueCount, intendedOffsetNs, openLoop } from './scheduler';

describe('open-loop scheduler', () => {
  it('given a rate, then call i is due i/rate seconds after the start, call 0 at once', () => {
    expect(intendedOffsetNs(0, 100)).toBe(0);
    expect(intendedOffsetNs(3, 100)).toBe(30e6);
    expect(dueCount(-1, 100, 10)).toBe(0);
    expect(dueCount(0, 100, 10)).toBe(1);
    expect(dueCount(9.9e6, 100, 10)).toBe(1);
    expect(dueCount(10e6, 100, 10)).toBe(2);
    expect(dueCount(10e9, 100, 10)).toBe(10);
  });

  it('given a server that answers one call at a time slower than the rate, then latency counts the queue from each intended send time (no coordinated omission)', async () => {
    let queue = Promise.resolve();
    const serial = () => {
      const answered = queue.then(() => new Promise<void>((r) => setTimeout(r, 5)));
      queue = answered;
      return answered;
    };
    const r = await openLoop(serial, { ratePerSec: 1000, durationMs: 100 });
    expect(r.sent).toBe(100);
    expect(r.errors).toBe(0);
    expect(r.latency.count).toBe(100);
    // The 99th call was meant to go at ~98 ms and is answered after 99 calls of ≥ 5 ms each.
    expect(r.latency.p99).toBeGreaterThanOrEqual(99 * 5 - 98);
    // Calls were sent while earlier ones waited: the scheduler did not wait for answers.
    expect(r.maxInFlight).toBeGreaterThan(10);
  });

  it('given a fast server, then it sends rate × duration calls and no faster than the rate', async () => {
    const r = await openLoop(() => Promise.resolve(), { ratePerSec: 200, durationMs: 300 });
    expect(r.sent).toBe(60);
    expect(r.latency.count).toBe(60);
    // 60 calls whose last is due at 295 ms: an achieved rate above the offered one means calls
    // went out early.
    expect(r.achievedRate).toBeLessThanOrEqual(200 * (300 / 295) * 1.01);
  });

  it('given a bound on calls in flight, then it holds calls back, still timing them from their intended send', async () => {
    const slow = () => new Promise<void>((r) => setTimeout(r, 20));
    const r = await openLoop(slow, { ratePerSec: 1000, durationMs: 50, maxInFlight: 2 });
    expect(r.maxInFlight).toBeLessThanOrEqual(2);
    expect(r.sent).toBe(50);
    // 50 calls two at a time at ≥ 20 ms: the last is answered ≥ 500 ms after the start, and was
    // due at 49 ms.
    expect(r.latency.max).toBeGreaterThanOrEqual(25 * 20 - 49);
  });

  it('given a client that stalls once, then its own event-loop delay shows the stall beside the latencies', async () => {
    const stallOnce = (i: number) => {
      // The client's own work (its collector, say) holding its thread for 40 ms.
      if (i === 10) {
        const until = Date.now() + 40;
        while (Date.now() < until);
      }
      return Promise.resolve();
    };
    const stalled = await openLoop(stallOnce, { ratePerSec: 500, durationMs: 100 });
    expect(stalled.clientLoopDelay.max).toBeGreaterThanOrEqual(35);
    expect(stalled.latency.max).toBeGreaterThanOrEqual(35);
  });

  it('given failing calls, then they are counted with the first error and left out of the latency', async () => {
    const r = await openLoop(
      (i) => (i % 2 === 0 ? Promise.reject(new Error(`refused ${i}`)) : Promise.resolve()),
      { ratePerSec: 1000, durationMs: 10 },
    );
    expect(r.errors).toBe(5);
    expect(r.latency.count).toBe(5);
    expect(r.firstError).toBe('refused 0');
  });

  it('given a call that throws instead of rejecting, then it is a failed call and the loop goes on', async () => {
    const r = await openLoop(
      (i) => {
        if (i === 3) throw new Error('thrown 3');
        return Promise.resolve();
      },
      { ratePerSec: 1000, durationMs: 10 },
    );
    expect(r.sent).toBe(10);
    expect(r.errors).toBe(1);
    expect(r.latency.count).toBe(9);
    expect(r.firstError).toBe('thrown 3');
  });
});
