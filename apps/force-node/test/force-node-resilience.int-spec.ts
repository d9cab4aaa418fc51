import { randomUUID } from 'node:crypto';
import type { BatchItem } from '@intel/contracts';
import { TOPICS } from '@intel/kafka';
import { localKafka, personRecord, readTopic, waitFor, type ReadMessage } from '@intel/testing';
import { ForceNodeHarness } from './force-node.harness';

/** `n` distinct people (each with its own e-mail), so each becomes its own nominal. */
function people(run: string, n: number, offset = 0): BatchItem[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return {
      person: personRecord({
        sourceRecordId: `${run}-${i}`,
        names: [{ given: [`Given${i}`], family: `Family${run}`, type: 'NAME_TYPE_BIRTH' as never }],
        dateOfBirth: undefined,
        onlineIdentifiers: [
          {
            kind: 'ONLINE_IDENTIFIER_KIND_EMAIL' as never,
            platform: '',
            value: `p${i}.${run}@example.net`,
            observedAt: undefined,
          },
        ],
      }),
      incident: undefined,
    };
  });
}

async function publishedFor(
  brokers: string[],
  forceCode: string,
  nominalIds: Set<string>,
): Promise<ReadMessage[]> {
  const seen = new Set<string>();
  return readTopic(brokers, TOPICS.person, {
    keyPrefix: `${forceCode}:`,
    timeoutMs: 60_000,
    until: (msgs) => {
      const last = msgs[msgs.length - 1];
      const id = last?.key.slice(forceCode.length + 1);
      if (id && nominalIds.has(id)) seen.add(id);
      return seen.size === nominalIds.size;
    },
  }).then((msgs) => msgs.filter((m) => nominalIds.has(m.key.slice(forceCode.length + 1))));
}

// Real PostgreSQL and a real Kafka broker that the tests stop, restart and outlive.
describe('force node resilience (integration: real Postgres + Kafka)', () => {
  it('publishes every record accepted while the broker was down, once, after it comes back', async () => {
    const h = new ForceNodeHarness('01');
    const run = randomUUID().slice(0, 8);
    await h.start();
    try {
      localKafka('stop');
      const summary = await h.client.submitBatch(people(run, 300));
      expect(summary).toMatchObject({ received: 300, accepted: 300, rejected: 0 });
      // Accepted and stored, but nothing can be published yet.
      await waitFor(async () => (await h.pending()) === 300, { what: '300 pending outbox rows' });
      localKafka('start');
      localKafka('wait');
      await h.drained(120_000);
      const ids = new Set(summary.results.map((r) => r.result?.nominalId ?? ''));
      expect(ids.size).toBe(300);
      const msgs = await publishedFor(h.infra.kafkaBrokers, '01', ids);
      const eventIds = msgs.map((m) => m.envelope?.eventId);
      expect(new Set(msgs.map((m) => m.key.slice(3)))).toEqual(ids); // every accepted record published
      expect(new Set(eventIds).size).toBe(eventIds.length); // none twice, by event id
      expect(msgs).toHaveLength(300);
    } finally {
      localKafka('start');
      await h.stop();
    }
  }, 240_000);

  it('loses nothing when the node is killed mid-relay and restarted', async () => {
    const h = new ForceNodeHarness('46', { OUTBOX_BATCH_SIZE: '50', OUTBOX_POLL_MS: '50' });
    const run = randomUUID().slice(0, 8);
    await h.start();
    try {
      const summary = await h.client.submitBatch(people(run, 2000));
      expect(summary.accepted).toBe(2000);
      // Kill while the relay is part-way through the backlog.
      await waitFor(
        async () => {
          const p = await h.pending();
          return p > 0 && p < 2000;
        },
        { intervalMs: 5, what: 'the relay to be mid-way' },
      );
      await h.node.kill();
      await h.restart();
      await h.drained(120_000);
      const ids = new Set(summary.results.map((r) => r.result?.nominalId ?? ''));
      const msgs = await publishedFor(h.infra.kafkaBrokers, '46', ids);
      expect(new Set(msgs.map((m) => m.key.slice(3)))).toEqual(ids);
      // A kill between the Kafka commit and the database commit can repeat at most the batch in
      // flight; consumers de-duplicate by event id. Anything more would be a relay bug.
      expect(msgs.length - ids.size).toBeLessThanOrEqual(50);
    } finally {
      await h.stop();
    }
  }, 240_000);
});
