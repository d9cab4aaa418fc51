import { Alert, AlertType } from '@intel/contracts';
import type { EventPublisher } from '@intel/kafka';
import type { Logger } from '@intel/observability';
import type { DataSource } from 'typeorm';
import type { NationalStoreRepository } from '../resolution/national-store.repository';
import { AlertRelay, RELAY_BATCH, RELAY_ROUND_GAP_MS } from './alert-relay';

/**
 * The relay's rounds against an in-memory alert table: a round is one transaction (the fake
 * query runner counts them), claims at most RELAY_BATCH, and is followed by another only when
 * it was full; kicks within RELAY_ROUND_GAP_MS of a round's start fold into one round.
 */
function harness(onRead: () => void = () => undefined) {
  const table: { id: string; payload: Buffer; published: boolean }[] = [];
  let next = 1;
  const counts = { transactions: 0, published: 0, produces: 0 };
  const ds = {
    createQueryRunner: () => ({
      connect: () => Promise.resolve({}),
      startTransaction: () => {
        counts.transactions++;
        return Promise.resolve();
      },
      commitTransaction: () => Promise.resolve(),
      rollbackTransaction: () => Promise.resolve(),
      release: () => Promise.resolve(),
      isTransactionActive: false,
      query: () => Promise.resolve([]),
    }),
  } as unknown as DataSource;
  const store = {
    unpublishedAlerts: (_tx: unknown, limit: number) => {
      const rows = table
        .filter((r) => !r.published)
        .slice(0, limit)
        .map(({ id, payload }) => ({ id, payload }));
      onRead();
      return Promise.resolve(rows);
    },
    markPublished: (_tx: unknown, ids: string[]) => {
      for (const r of table) if (ids.includes(r.id)) r.published = true;
      return Promise.resolve();
    },
  } as unknown as NationalStoreRepository;
  const publisher = {
    publish: (messages: unknown[]) => {
      counts.produces++;
      counts.published += messages.length;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  } as unknown as EventPublisher & { close(): Promise<void> };
  const logger = { child: () => logger, warn: () => undefined } as unknown as Logger;
  const raise = (n: number) => {
    for (let i = 0; i < n; i++) {
      const alert = Alert.fromJSON({
        alertId: String(next),
        recipientForceCode: '01',
        alertType: AlertType.ALERT_TYPE_QUERY_ON_FLAGGED_PERSON,
      });
      table.push({
        id: String(next++),
        payload: Buffer.from(Alert.encode(alert).finish()),
        published: false,
      });
    }
  };
  const relay = new AlertRelay(ds, store, publisher, logger);
  const unpublished = () => table.filter((r) => !r.published).length;
  return { relay, raise, counts, unpublished };
}

/** Moves the (fake) clock on, running the timers and the promises they release. */
const settle = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe('AlertRelay', () => {
  // The gap is timed by Date.now and setTimeout: fake, so no run depends on the machine's load.
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('publishes in one transaction what fits in a batch, with no empty round after it', async () => {
    const h = harness();
    h.raise(3);
    expect(await h.relay.publishPending()).toBe(3);
    expect(h.counts).toEqual({ transactions: 1, published: 3, produces: 1 });
    expect(h.unpublished()).toBe(0);
  });

  it('goes on while rounds are full, and stops at the first that is not', async () => {
    const h = harness();
    h.raise(2 * RELAY_BATCH + 1);
    expect(await h.relay.publishPending()).toBe(2 * RELAY_BATCH + 1);
    expect(h.counts.transactions).toBe(3);
    h.raise(RELAY_BATCH);
    expect(await h.relay.publishPending()).toBe(RELAY_BATCH);
    // A full round is followed by one that finds nothing: it cannot tell it had it all.
    expect(h.counts.transactions).toBe(5);
  });

  it('folds kicks within the gap into one round, and publishes what they raised', async () => {
    const h = harness();
    h.raise(1);
    h.relay.kick();
    await settle(1);
    expect(h.counts.transactions).toBe(1);
    for (let i = 0; i < 50; i++) {
      h.raise(1);
      h.relay.kick();
    }
    // Nothing yet: the next round waits for the gap since the first one started.
    expect(h.counts.transactions).toBe(1);
    await settle(RELAY_ROUND_GAP_MS + 30);
    expect(h.counts.transactions).toBe(2);
    expect(h.unpublished()).toBe(0);
    expect(h.counts.published).toBe(51);
    await h.relay.stop();
  });

  it('a kick during a round is not lost', async () => {
    let reads = 0;
    // An alert committed (and kicked for) just after the first round's read.
    const h = harness(() => {
      if (reads++ > 0) return;
      h.raise(1);
      h.relay.kick();
    });
    h.raise(1);
    h.relay.kick();
    await settle(RELAY_ROUND_GAP_MS + 30);
    expect(h.unpublished()).toBe(0);
    expect(h.counts.transactions).toBe(2);
    await h.relay.stop();
  });

  it('stopped, a waiting round does not run', async () => {
    const h = harness();
    h.raise(1);
    h.relay.kick();
    await settle(1);
    h.raise(1);
    h.relay.kick();
    await h.relay.stop();
    await settle(RELAY_ROUND_GAP_MS + 30);
    expect(h.counts.transactions).toBe(1);
    expect(h.unpublished()).toBe(1);
  });
});
