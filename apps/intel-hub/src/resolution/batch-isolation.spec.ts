import {
  afterOwnFailure,
  afterSuccess,
  isolationStart,
  type IsolationState,
} from './batch-isolation';

/** Runs a queue through the isolation: `fails(batch)` says whether a batch fails. */
function simulate(queue: number[], batchSize: number, fails: (batch: number[]) => boolean) {
  let s: IsolationState = isolationStart(batchSize);
  const resolved: number[] = [];
  const setAside: number[] = [];
  let attempts = 0;
  let maxFailuresInARow = 0;
  let failuresInARow = 0;
  while (queue.length > 0) {
    attempts++;
    const batch = queue.slice(0, s.limit);
    if (!fails(batch)) {
      queue = queue.slice(batch.length);
      resolved.push(...batch);
      s = afterSuccess(s, batch.length, batchSize);
      failuresInARow = 0;
      continue;
    }
    failuresInARow++;
    maxFailuresInARow = Math.max(maxFailuresInARow, failuresInARow);
    const step = afterOwnFailure(s, batch.length, batchSize);
    s = step.state;
    if (step.setAside) {
      setAside.push(batch[0] as number);
      queue = queue.slice(1);
    }
  }
  return { resolved, setAside, attempts, maxFailuresInARow, final: s };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('batch isolation', () => {
  it('sets aside exactly the poison entity and resolves every other one', () => {
    for (const poison of [0, 1, 499, 500, 999, 1999]) {
      const r = simulate(range(2000), 2000, (b) => b.includes(poison));
      expect(r.setAside).toEqual([poison]);
      expect(r.resolved).toHaveLength(1999);
      expect(r.final).toEqual(isolationStart(2000));
      // log2(2000) ≈ 11 halvings at most.
      expect(r.attempts).toBeLessThanOrEqual(2 * 12 + 1);
    }
  });

  it('several poison entities are each set aside', () => {
    const poison = new Set([3, 4, 700, 1500]);
    const r = simulate(range(2000), 2000, (b) => b.some((e) => poison.has(e)));
    expect(new Set(r.setAside)).toEqual(poison);
    expect(r.resolved).toHaveLength(1996);
  });

  it('a failure only two entities cause together sets nothing aside once they are split', () => {
    const r = simulate(range(64), 64, (b) => b.includes(10) && b.includes(50));
    expect(r.setAside).toEqual([]);
    expect(r.resolved).toHaveLength(64);
    expect(r.attempts).toBe(3);
  });

  it('the full batch size returns after the suspects are cleared', () => {
    let s = afterOwnFailure(isolationStart(100), 100, 100).state;
    expect(s).toEqual({ limit: 50, suspects: 100 });
    s = afterSuccess(s, 50, 100);
    expect(s).toEqual({ limit: 50, suspects: 50 });
    s = afterSuccess(s, 50, 100);
    expect(s).toEqual(isolationStart(100));
  });
});
