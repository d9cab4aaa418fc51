import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { QueryTurns } from './query-turns';

/** A loopback socket pair: `ping()` resolves when its byte has gone out and come back (I/O). */
async function echo(): Promise<{ ping: () => Promise<void>; close: () => Promise<void> }> {
  const server: Server = createServer((s) => s.on('data', (d) => s.write(d)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', r));
  socket.setNoDelay(true);
  return {
    ping: () =>
      new Promise<void>((r) => {
        socket.once('data', () => r());
        socket.write('x');
      }),
    close: async () => {
      socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('QueryTurns', () => {
  it('releases callers in the order they asked', async () => {
    const turns = new QueryTurns();
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        await turns.next();
        order.push(i);
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(turns.waitingCount).toBe(0);
  });

  it('releases one caller per turn of the event loop', async () => {
    const turns = new QueryTurns();
    const events: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map(async (name) => {
        await turns.next();
        events.push(name);
        // Queued from the released caller's turn: runs in the loop's next iteration.
        setImmediate(() => events.push(`${name}'s immediate`));
      }),
    );
    await new Promise((r) => setImmediate(r));
    // Released in one iteration, all three would come before any immediate (a, b, c, a's…);
    // one a turn, each caller runs an iteration after the one before it.
    expect(events).toEqual(['a', 'b', "a's immediate", 'c', "b's immediate", "c's immediate"]);
  });

  it('lets I/O that completes meanwhile be read between two callers', async () => {
    const socket = await echo();
    try {
      const turns = new QueryTurns();
      const events: string[] = [];
      const workers = Array.from({ length: 200 }, async (_, i) => {
        await turns.next();
        events.push(`query ${i}`);
        // Each query's synchronous work, as on the hub (its index check).
        const until = process.hrtime.bigint() + 200_000n;
        while (process.hrtime.bigint() < until);
      });
      await socket.ping().then(() => events.push('io'));
      await Promise.all(workers);
      const io = events.indexOf('io');
      // The reply came back after the first few queries, not after all 200 (40 ms of work).
      expect(io).toBeGreaterThan(0);
      expect(io).toBeLessThan(100);
    } finally {
      await socket.close();
    }
  });

  it('does not keep released callers while the queue never empties', async () => {
    const turns = new QueryTurns();
    const held = () => (turns as unknown as { waiting: unknown[] }).waiting.length;
    let released = 0;
    let most = 0;
    // Two callers asking again as each is released: 3,000 turns, the queue never empty.
    const chain = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        await turns.next();
        released++;
        most = Math.max(most, held());
      }
    };
    await Promise.all([chain(1500), chain(1500)]);
    expect(released).toBe(3000);
    expect(most).toBeLessThanOrEqual(1026);
    expect(held()).toBe(0);
  });
});
