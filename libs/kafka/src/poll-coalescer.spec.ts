import { PollCoalescer } from './poll-coalescer';

describe('PollCoalescer', () => {
  it('joins the batches submitted in the same turn into one flush, in order', async () => {
    const flushes: number[][] = [];
    const c = new PollCoalescer<number>((items) => {
      flushes.push(items);
      return Promise.resolve();
    });
    await Promise.all([c.submit([1, 2]), c.submit([3]), c.submit([4, 5])]);
    expect(flushes).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('puts what arrives during a flush into the next one, never overlapping', async () => {
    const flushes: number[][] = [];
    let running = 0;
    let maxRunning = 0;
    let release: () => void = () => undefined;
    const c = new PollCoalescer<number>(async (items) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      flushes.push(items);
      if (flushes.length === 1) await new Promise<void>((r) => (release = r));
      running--;
    });
    const first = c.submit([1]);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const second = [c.submit([2]), c.submit([3])];
    release();
    await Promise.all([first, ...second]);
    expect(flushes).toEqual([[1], [2, 3]]);
    expect(maxRunning).toBe(1);
  });

  it('given a joined flush that fails, then flushes each caller alone: only the failing one rejects', async () => {
    const flushes: number[][] = [];
    const c = new PollCoalescer<number>((items) => {
      flushes.push(items);
      // A poison message in the second partition's batch fails any flush holding it.
      return items.includes(2) ? Promise.reject(new Error('poison')) : Promise.resolve();
    });
    const results = await Promise.allSettled([c.submit([1]), c.submit([2]), c.submit([3])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(flushes).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('rejects every caller when every flush fails (the database down), and goes on with the next', async () => {
    let down = true;
    let calls = 0;
    const c = new PollCoalescer<number>(() => {
      calls++;
      return down ? Promise.reject(new Error('database down')) : Promise.resolve();
    });
    const results = await Promise.allSettled([c.submit([1]), c.submit([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    // The joined flush, then each alone.
    expect(calls).toBe(3);
    down = false;
    await expect(c.submit([3])).resolves.toBeUndefined();
  });
});
