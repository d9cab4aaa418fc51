import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DeadLetter, EventEnvelope, EventType, IncidentState } from '@intel/contracts';
import { dropDatabase, withDatabase } from '@intel/db';
import {
  HEADER_EVENT_ID,
  ADMIN_PRINCIPAL,
  HUB_PRINCIPAL,
  TOPICS,
  createKafka,
  entityKey,
} from '@intel/kafka';
import {
  startService,
  testEventKeys,
  testInfra,
  testKafka,
  testKafkaEnv,
  uniqueDbName,
  waitFor,
  type RunningNode,
  bareNominal,
  forceProducer,
  signedEvent,
  type SignedEvent,
} from '@intel/testing';
import { protectRecord } from '@intel/envelope-security';
import { EVENT_IDS_KEPT } from '../src/ingest/hub-store.repository';
import type { Producer } from 'kafkajs';

// Real PostgreSQL, real Kafka broker, the hub as its own process; nothing mocked. The topics are
// shared with other tests, so every id here is unique to this run and a fresh consumer group
// reads everything from the beginning.
describe('intel hub ingestion (integration: real Postgres + Kafka)', () => {
  const infra = testInfra();
  const dbName = uniqueDbName('it_hub');
  const group = `intel-hub-it-${randomUUID()}`;
  const force = '36';
  let hub: RunningNode;
  let db: Client;
  let producer: Producer;
  const env = {
    DATABASE_URL: infra.databaseUrl,
    DATABASE_NAME: dbName,
    ...testKafkaEnv(HUB_PRINCIPAL),
    HUB_CONSUMER_GROUP: group,
    // The shared topics hold every earlier run's events: catch up quickly.
    HUB_BATCH_SIZE: '2000',
    HUB_CONSUMER_CONCURRENCY: '6',
    GRPC_INSECURE_PLAINTEXT: 'true',
  };

  beforeAll(async () => {
    hub = await startService('intel-hub', env);
    db = new Client({ connectionString: withDatabase(infra.databaseUrl, dbName) });
    await db.connect();
    // Norfolk's principal: the events below are Norfolk's (a force may write these topics).
    producer = await forceProducer(force, 'it-hub-producer');
    // A fresh group reads the shared topics from the beginning: wait until it has caught up
    // (a marker sent now is applied), so the tests below measure the hub, not the backlog.
    const marker = randomUUID();
    await send(upserted(marker, 1));
    await storedVersion(marker, 1, 110_000);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await db?.end();
    await hub?.stop();
    await dropDatabase(infra.databaseUrl, dbName).catch(() => undefined);
  });

  type Built = SignedEvent;
  const build = (
    eventType: EventType,
    id: string,
    payload: Pick<EventEnvelope, 'nominal' | 'incident' | 'withdrawal'>,
  ): Built => signedEvent(force, eventType, id, payload);

  /** A tombstone as force 36's node writes it after a withdrawal: signed too. */
  function tombstone(id: string): Sendable {
    const eventId = randomUUID();
    return protectRecord(
      {
        topic: TOPICS.person,
        key: entityKey(force, id),
        value: null,
        headers: { [HEADER_EVENT_ID]: eventId },
      },
      testEventKeys().forceKeys(force),
    );
  }

  const upserted = (id: string, version: number, family = 'Smith') =>
    build(EventType.EVENT_TYPE_NOMINAL_UPSERTED, id, { nominal: bareNominal(id, version, family) });

  const withdrawn = (id: string, version: number) =>
    build(EventType.EVENT_TYPE_NOMINAL_WITHDRAWN, id, {
      withdrawal: { entity: 'nominal', id, version, reason: 'MoPI review', mergedInto: '' },
    });

  type Sendable = { key: string; value: Buffer | null; headers?: object };

  /** Where a send's messages went: partition and the offset of its last message. */
  type Sent = { partition: number; lastOffset: bigint };

  async function send(...msgs: Sendable[]): Promise<Sent> {
    return sendTo(TOPICS.person, ...msgs);
  }

  async function sendTo(topic: string, ...msgs: Sendable[]): Promise<Sent> {
    // One request per call keeps the order: same key, same partition, in sequence.
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: msgs.map((m) => ({
        key: m.key,
        value: m.value,
        headers: (m.headers ?? {}) as Record<string, string>,
      })),
    });
    if (!meta?.baseOffset) throw new Error('the broker did not say where the messages went');
    return {
      partition: meta.partition,
      lastOffset: BigInt(meta.baseOffset) + BigInt(msgs.length - 1),
    };
  }

  /** The hub's group stored (with the data) a next offset past the sent messages. */
  async function storedOffsetPast(topic: string, sent: Sent): Promise<boolean> {
    const r = await db.query<{ next_offset: string }>(
      'SELECT next_offset FROM consumer_offset WHERE group_id = $1 AND topic = $2 AND partition = $3',
      [group, topic, sent.partition],
    );
    const next = r.rows[0]?.next_offset;
    return next !== undefined && BigInt(next) > sent.lastOffset;
  }

  async function row(id: string) {
    const r = await db.query<{ version: string; state: Buffer | null; withdrawn_at: Date | null }>(
      'SELECT version, state, withdrawn_at FROM force_nominal WHERE force_code = $1 AND nominal_id = $2',
      [force, id],
    );
    return r.rows[0];
  }

  async function storedVersion(id: string, version: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(async () => (await row(id))?.version === String(version), {
      timeoutMs,
      what: `${id} stored at version ${version}`,
    });
  }

  async function metric(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('is ready: database, Kafka and consumer', async () => {
    const res = await fetch(`${hub.httpUrl}/health/ready`);
    expect(res.status).toBe(200);
    const live = await fetch(`${hub.httpUrl}/health/live`);
    expect(await live.json()).toEqual({ status: 'ok' });
  });

  it('(a) stores the newest version: v1 then v2 → v2', async () => {
    const id = randomUUID();
    const v1 = upserted(id, 1, 'Before');
    const v2 = upserted(id, 2, 'After');
    const sent = await send(v1, v2);
    await storedVersion(id, 2);
    const r = await row(id);
    expect(r?.withdrawn_at).toBeNull();
    expect(r?.state?.toString('latin1')).toContain('After');
    // The row keeps both events' ids; the group's stored offset is past both messages.
    const held = await db.query<{ ids: string[] }>(
      'SELECT event_ids::text[] AS ids FROM force_nominal WHERE force_code = $1 AND nominal_id = $2',
      [force, id],
    );
    expect([...(held.rows[0]?.ids ?? [])].sort()).toEqual(
      [v1.eventId.toLowerCase(), v2.eventId.toLowerCase()].sort(),
    );
    expect(await storedOffsetPast(TOPICS.person, sent)).toBe(true);
    expect(
      (
        await db.query('SELECT 1 FROM information_schema.tables WHERE table_name = $1', [
          'processed_event',
        ])
      ).rowCount,
    ).toBe(0);
  });

  it('(b) applies a redelivered event once', async () => {
    const id = randomUUID();
    const v1 = upserted(id, 1);
    const before = await metric('hub_events_skipped_total', 'reason="duplicate"');
    await send(v1);
    await send(v1);
    // A later event on the same key (same partition) proves both copies were consumed.
    const v2 = upserted(id, 2);
    await send(v2);
    await storedVersion(id, 2);
    await waitFor(
      async () => (await metric('hub_events_skipped_total', 'reason="duplicate"')) > before,
      { what: 'the duplicate to be counted' },
    );
  });

  it('(b2) keeps the ids of the newest versions only; an older copy stays unapplied', async () => {
    const id = randomUUID();
    const versions = Array.from({ length: EVENT_IDS_KEPT + 4 }, (_, k) =>
      upserted(id, k + 1, `Version${k + 1}`),
    );
    await send(...versions);
    await storedVersion(id, versions.length);
    const held = await db.query<{ ids: string[] }>(
      'SELECT event_ids::text[] AS ids FROM force_nominal WHERE force_code = $1 AND nominal_id = $2',
      [force, id],
    );
    expect(held.rows[0]?.ids).toEqual(
      versions.slice(-EVENT_IDS_KEPT).map((v) => v.eventId.toLowerCase()),
    );
    // The first version's event again: its id is no longer held, its version is old.
    const staleBefore = await metric('hub_events_skipped_total', 'reason="stale"');
    const again = await send(versions[0] as Built);
    await waitFor(async () => storedOffsetPast(TOPICS.person, again), {
      what: 'the old copy to be processed',
    });
    const r = await row(id);
    expect(r?.version).toBe(String(versions.length));
    expect(r?.state?.toString('latin1')).toContain(`Version${versions.length}`);
    expect(await metric('hub_events_skipped_total', 'reason="stale"')).toBeGreaterThan(staleBefore);
  });

  it('(c) ignores an older version after a newer one: v2 then v1 → v2', async () => {
    const id = randomUUID();
    const v2 = upserted(id, 2, 'Newer');
    const v1 = upserted(id, 1, 'Older');
    // Separate batches: the database's version check, not the in-batch reduction, decides.
    await send(v2);
    await storedVersion(id, 2);
    const late = await send(v1);
    await waitFor(async () => storedOffsetPast(TOPICS.person, late), {
      what: 'v1 to be processed',
    });
    const r = await row(id);
    expect(r?.version).toBe('2');
    expect(r?.state?.toString('latin1')).toContain('Newer');

    // And within one batch.
    const other = randomUUID();
    const w2 = upserted(other, 2, 'Newer');
    const w1 = upserted(other, 1, 'Older');
    const both = await send(w2, w1);
    await storedVersion(other, 2);
    await waitFor(async () => storedOffsetPast(TOPICS.person, both), {
      what: 'w1 to be processed',
    });
    expect((await row(other))?.state?.toString('latin1')).toContain('Newer');
  });

  it('(d) records a withdrawal (and ignores the tombstone after it)', async () => {
    const id = randomUUID();
    await send(upserted(id, 1));
    await storedVersion(id, 1);
    const w = withdrawn(id, 2);
    await send(w, tombstone(id));
    await storedVersion(id, 2);
    const r = await row(id);
    expect(r?.withdrawn_at).toBeInstanceOf(Date);
    expect(r?.state).toBeNull();
  });

  it('(e) dead-letters garbage with its original bytes and carries on', async () => {
    const badKey = entityKey(force, `garbage-${randomUUID()}`);
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02, 0x03]);
    await send({ key: badKey, value: garbage, headers: {} });
    const id = randomUUID();
    await send(upserted(id, 1));
    await storedVersion(id, 1);

    const letter = await readDeadLetter(badKey);
    expect(Buffer.from(letter.value).equals(garbage)).toBe(true);
    expect(Buffer.from(letter.key).toString()).toBe(badKey);
    expect(letter.topic).toBe(TOPICS.person);
    expect(letter.consumerGroup).toBe(group);
    expect(letter.error).not.toBe('');
    expect(letter.failedAt).toBeDefined();
  });

  it('stores incidents with their shared reference, and their withdrawal', async () => {
    const id = randomUUID();
    const ref = `SR-${randomUUID()}`;
    const incident: IncidentState = {
      ...IncidentState.decode(new Uint8Array()),
      incidentId: id,
      version: 1,
      summary: 'test incident',
      sharedReference: ref,
    };
    await sendTo(TOPICS.incident, build(EventType.EVENT_TYPE_INCIDENT_UPSERTED, id, { incident }));
    const stored = await waitFor(async () => {
      const r = await db.query<{ version: string; shared_reference: string | null }>(
        'SELECT version, shared_reference FROM force_incident WHERE force_code = $1 AND incident_id = $2',
        [force, id],
      );
      return r.rows[0];
    });
    expect(stored).toEqual({ version: '1', shared_reference: ref });
    await sendTo(
      TOPICS.incident,
      build(EventType.EVENT_TYPE_INCIDENT_WITHDRAWN, id, {
        withdrawal: { entity: 'incident', id, version: 2, reason: 'MoPI', mergedInto: '' },
      }),
    );
    const gone = await waitFor(async () => {
      const r = await db.query<{ state: Buffer | null; withdrawn_at: Date | null }>(
        `SELECT state, withdrawn_at FROM force_incident
         WHERE force_code = $1 AND incident_id = $2 AND version = 2`,
        [force, id],
      );
      return r.rows[0];
    });
    expect(gone.state).toBeNull();
    expect(gone.withdrawn_at).toBeInstanceOf(Date);
  });

  it('(f) stops gracefully and resumes from its committed offsets after a restart', async () => {
    const id = randomUUID();
    await send(upserted(id, 1));
    await storedVersion(id, 1);
    expect(await hub.stop()).toBe(0);
    await send(upserted(id, 2));
    hub = await startService('intel-hub', env);
    await storedVersion(id, 2);
    const processed = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM force_nominal WHERE force_code = $1 AND nominal_id = $2',
      [force, id],
    );
    expect(processed.rows[0]?.n).toBe('1');
  });

  it('(f2) applies each message once across a restart that Kafka offsets would replay: seeks to the offsets stored with the data', async () => {
    const id = randomUUID();
    const before = await send(upserted(id, 1));
    await storedVersion(id, 1);
    expect(await hub.stop()).toBe(0);
    // Kafka's own committed offsets for the group go back to the beginning (as after a lost
    // offset commit): only the offsets stored with the data know what was applied.
    const admin = createKafka(testKafka(ADMIN_PRINCIPAL, 'it-hub-offset-reset')).admin();
    await admin.connect();
    try {
      await admin.resetOffsets({ groupId: group, topic: TOPICS.person, earliest: true });
    } finally {
      await admin.disconnect();
    }
    const after = await send(upserted(id, 2));
    hub = await startService('intel-hub', env);
    await storedVersion(id, 2);
    await waitFor(async () => storedOffsetPast(TOPICS.person, after), { what: 'v2 consumed' });
    // Everything this spec sent before the restart lies below the stored offsets: had the
    // consumer started from Kafka's offsets it would have fetched (and skipped) all of it.
    expect(await storedOffsetPast(TOPICS.person, before)).toBe(true);
    const consumed = await metric('hub_events_consumed_total', `topic="${TOPICS.person}"`);
    expect(consumed).toBeGreaterThanOrEqual(1);
    expect(consumed).toBeLessThan(10);
    expect(await metric('hub_events_skipped_total', 'reason="duplicate"')).toBe(0);
  });

  it('(g) a restart restores the national index as it was: no person changes, nothing re-learned', async () => {
    // Two nominals of one rare name and date of birth: linked into one person, with a stored
    // link (a name alone would not link nationally).
    const family = `Quorr${randomUUID()
      .replace(/[^a-f]/g, '')
      .slice(0, 6)}ington`;
    const [a, b] = [randomUUID(), randomUUID()];
    const born = (id: string) =>
      build(EventType.EVENT_TYPE_NOMINAL_UPSERTED, id, {
        nominal: {
          ...bareNominal(id, 1, family),
          datesOfBirth: [{ year: 1961, month: 4, day: 9 }],
        },
      });
    await send(born(a), born(b));
    await waitFor(
      async () => {
        const r = await db.query<{ n: string; p: string; q: string }>(
          `SELECT count(*) AS n, count(DISTINCT person_id) AS p,
                  (SELECT count(*) FROM resolution_queue) AS q
           FROM person_member WHERE force_code = $1 AND nominal_id = ANY($2::text[])`,
          [force, [a, b]],
        );
        return r.rows[0]?.n === '2' && r.rows[0]?.p === '1' && r.rows[0]?.q === '0';
      },
      { timeoutMs: 30_000, what: 'both nominals resolved into one person' },
    );
    const snapshot = async () => ({
      members: (
        await db.query(`SELECT force_code, nominal_id, person_id FROM person_member ORDER BY 1, 2`)
      ).rows,
      links: (await db.query(`SELECT member_a, member_b, score FROM person_link ORDER BY 1, 2`))
        .rows,
      persons: (await db.query(`SELECT count(*) AS n FROM national_person`)).rows,
      parameters: (await db.query(`SELECT id, learned_at FROM matching_parameters`)).rows,
    });
    const before = await snapshot();
    expect(before.links.length).toBeGreaterThan(0);
    expect(before.parameters).toHaveLength(1);
    expect(await hub.stop()).toBe(0);
    hub = await startService('intel-hub', env);
    const loaded = hub.logs.find((l) => l.includes('"event":"index-loaded"')) ?? '';
    expect(JSON.parse(loaded)).toMatchObject({ mode: 'restored', scored: 0 });
    expect(await snapshot()).toEqual(before);
  });

  async function readDeadLetter(key: string): Promise<DeadLetter> {
    // Operators read dead letters (no force or the hub may).
    const kafka = createKafka(testKafka(ADMIN_PRINCIPAL, 'it-hub-dlq-reader'));
    const consumer = kafka.consumer({ groupId: `it-hub-dlq-${randomUUID()}` });
    let found: DeadLetter | undefined;
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: TOPICS.dlq, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          if (message.key?.toString() === key && message.value) {
            const d = DeadLetter.decode(message.value);
            if (d.consumerGroup === group) found = d;
          }
          return Promise.resolve();
        },
      });
      return await waitFor(() => found, { timeoutMs: 30_000, what: `a dead letter for ${key}` });
    } finally {
      await consumer.disconnect();
    }
  }
  it('(h) a second hub on the same index stands by, warm, until the first stops, then takes over', async () => {
    const lines: string[] = [];
    // It listens (queries refused as retryable, not ready) while it stands by.
    const second = await startService('intel-hub', env, { onLine: (l) => lines.push(l) });
    try {
      expect(lines.some((l) => l.includes('standing by until it stops'))).toBe(true);
      await waitFor(() => lines.some((l) => l.includes('"event":"standby-index-loaded"')), {
        timeoutMs: 60_000,
        what: 'the second hub to load its warm index',
      });
      // It has loaded an index but not as a leader does (nothing committed), and has not
      // joined the consumer group: still standing by, not ready.
      expect(lines.some((l) => l.includes('"event":"index-loaded"'))).toBe(false);
      expect((await fetch(`${second.httpUrl}/health/ready`)).status).toBe(503);

      // A standby stops gracefully on SIGTERM: its tail and its wait for the lock end, exit 0.
      const thirdLines: string[] = [];
      const third = await startService('intel-hub', env, { onLine: (l) => thirdLines.push(l) });
      await waitFor(() => thirdLines.some((l) => l.includes('"event":"standby-index-loaded"')), {
        timeoutMs: 60_000,
        what: 'a third hub to stand by warm',
      });
      const stopping = Date.now();
      expect(await third.stop()).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(10_000);
      // Every shutdown step ran without failing (a failed step is logged with its name).
      expect(thirdLines.filter((l) => l.includes('"step":'))).toEqual([]);
      expect(thirdLines.some((l) => l.includes('shutdown grace period exceeded'))).toBe(false);

      expect(await hub.stop()).toBe(0);
      hub = second;
      const takeover = await waitFor(
        () => lines.find((l) => l.includes('"event":"standby-takeover"')),
        { timeoutMs: 60_000, what: 'the second hub to take over' },
      );
      expect(lines.some((l) => l.includes('now works on the index'))).toBe(true);
      expect(JSON.parse(takeover)).toMatchObject({ mode: 'warm' });
      // And it works: a new version is applied by the hub that took over.
      const id = randomUUID();
      await send(upserted(id, 1));
      await storedVersion(id, 1);
    } finally {
      // Failed while both ran: stop the second too (afterAll stops `hub`).
      if (second !== hub) await second.stop();
    }
  });
});
