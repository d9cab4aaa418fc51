import { Registry, type Logger } from '@intel/observability';
import { ForceNodeMetrics } from '../force-node.metrics';
import { OutboxPruner } from './outbox.pruner';
import type { OutboxRepository } from './outbox.repository';

function setUp(retentionHours: number, prune: (hours: number) => Promise<number>) {
  const calls: number[] = [];
  const repo = {
    prunePublished: (_db: unknown, hours: number) => {
      calls.push(hours);
      return prune(hours);
    },
  } as unknown as OutboxRepository;
  const logged: string[] = [];
  const logger = {
    info: (o: { event: string }) => logged.push(o.event),
    warn: (o: { event: string }) => logged.push(o.event),
    // The pruner logs as its own component: a child of the node's logger.
    child: () => logger,
  } as unknown as Logger;
  const metrics = new ForceNodeMetrics(new Registry());
  const pruner = new OutboxPruner({} as never, repo, metrics, logger, {
    retentionHours,
    everyMs: 1000,
  });
  return { pruner, calls, logged, metrics };
}

describe('OutboxPruner', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('prunes at start and then on its schedule, counting what it deleted', async () => {
    const { pruner, calls, logged, metrics } = setUp(720, () => Promise.resolve(3));
    pruner.start();
    await jest.advanceTimersByTimeAsync(2500);
    expect(calls).toEqual([720, 720, 720]);
    expect((await metrics.outboxPruned.get()).values[0]?.value).toBe(9);
    expect(logged).toEqual(['outbox-pruned', 'outbox-pruned', 'outbox-pruned']);
    await pruner.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(3);
  });

  it('keeps everything when retention is 0', async () => {
    const { pruner, calls } = setUp(0, () => Promise.resolve(1));
    pruner.start();
    await jest.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual([]);
  });

  it('does not overlap a slow pass, and a failed pass is retried at the next one', async () => {
    let release!: () => void;
    let n = 0;
    const { pruner, calls, logged } = setUp(24, () => {
      n++;
      if (n === 1) return new Promise<number>((r) => (release = () => r(0)));
      if (n === 2) return Promise.reject(new Error('database gone'));
      return Promise.resolve(0);
    });
    pruner.start();
    await jest.advanceTimersByTimeAsync(3500);
    expect(calls).toHaveLength(1); // the first pass is still running
    release();
    await jest.advanceTimersByTimeAsync(1000);
    expect(logged).toContain('outbox-prune-failed');
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(3);
    const stopped = pruner.stop();
    await expect(stopped).resolves.toBeUndefined();
  });
});
