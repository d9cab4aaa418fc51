import type { Sql } from '@intel/db';
import type { EventPublisher, OutgoingMessage } from '@intel/kafka';
import { createLogger } from '@intel/observability';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { ForceNodeMetrics } from '../force-node.metrics';
import { OutboxRelay } from './outbox.relay';
import type { OutboxRepository, PendingOutboxRow } from './outbox.repository';

/** The relay's loop against an in-memory outbox and a publisher the test holds mid-round. */
describe('OutboxRelay wake-ups', () => {
  const POLL_MS = 60_000;
  let rows: PendingOutboxRow[];
  let published: string[];
  let holdPublish: Promise<void> | undefined;
  let relay: OutboxRelay;

  const done = () => Promise.resolve();
  const row = (id: string): PendingOutboxRow => ({
    id,
    topic: 'intel.person.v1',
    key: `36:${id}`,
    value: Buffer.from(id),
    headers: {},
    createdAt: new Date(),
  });

  beforeEach(() => {
    rows = [];
    published = [];
    holdPublish = undefined;
    // Enough of a DataSource for inTransaction and the leader lock: every query "succeeds".
    const queryRunner = {
      connect: done,
      startTransaction: done,
      commitTransaction: done,
      rollbackTransaction: done,
      release: done,
      isTransactionActive: false,
      query: () => Promise.resolve([{ ok: true }]),
    };
    const ds = { createQueryRunner: () => queryRunner } as unknown as DataSource;
    const outbox = {
      lockPending: (_tx: Sql, limit: number) => Promise.resolve(rows.slice(0, limit)),
      markPublished: (_tx: Sql, ids: string[]) => {
        rows = rows.filter((r) => !ids.includes(r.id));
        return done();
      },
    } as unknown as OutboxRepository;
    const publisher: EventPublisher = {
      publish: async (messages: OutgoingMessage[]) => {
        await holdPublish;
        published.push(...messages.map((m) => m.key));
      },
      close: done,
    };
    relay = new OutboxRelay(
      ds,
      outbox,
      publisher,
      new ForceNodeMetrics(new Registry()),
      createLogger('force-node-test', 'silent'),
      { batchSize: 100, pollMs: POLL_MS },
      // Signing and sealing are event-protection's (and the lib's) tests; here, the relay's.
      (m) => m,
    );
  });

  afterEach(async () => {
    await relay.drainAndStop(1000);
  });

  const until = async (what: () => boolean, ms = 2000) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('given a commit while idle, then a wake publishes it at once, not at the next poll', async () => {
    relay.start();
    await new Promise((r) => setTimeout(r, 20)); // the relay found nothing and is idle
    rows.push(row('a'));
    relay.wake();
    await until(() => published.length === 1);
    expect(published).toEqual(['36:a']);
  });

  it('given a commit while a round is publishing, then its wake is not lost', async () => {
    let release!: () => void;
    holdPublish = new Promise<void>((r) => (release = r));
    rows.push(row('a'));
    relay.start();
    await new Promise((r) => setTimeout(r, 20)); // round 1 holds 'a' at the broker
    rows.push(row('b')); // committed during round 1, which did not see it
    relay.wake();
    release();
    // Without the remembered wake, 'b' would wait for the 60 s poll.
    await until(() => published.length === 2);
    expect(published).toEqual(['36:a', '36:b']);
  });
});
