import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { Client } from 'pg';
import {
  EventEnvelope,
  EventType,
  IncidentState,
  NameType,
  PurposeCode,
  Sex,
  SubjectRole,
  type NominalState,
  type PersonQuery,
} from '@intel/contracts';
import { dropDatabase, withDatabase } from '@intel/db';
import { QueryClient } from '@intel/grpc';
import { HUB_PRINCIPAL, TOPICS } from '@intel/kafka';
import {
  serviceDatabase,
  startService,
  testInfra,
  testKafkaEnv,
  uniqueDbName,
  waitFor,
  type RunningNode,
  bareNominal,
  forceProducer,
  signedEvent,
  type SignedEvent,
} from '@intel/testing';
import type { Producer } from 'kafkajs';

// Issue #11, finding 1: one ordinary batch must never stop national resolution. Real
// PostgreSQL, real Kafka, the hub as its own process (as its own database role and Kafka
// principal); events are produced as the force nodes would, each force as its own principal.
describe('hub resolution never wedges (integration: real Postgres + Kafka)', () => {
  const infra = testInfra();
  const dbName = uniqueDbName('it_hub_faults');
  const group = `intel-hub-it-faults-${randomUUID()}`;
  let hub: RunningNode;
  let db: Client;
  const producers = new Map<string, Producer>();
  let asKent: QueryClient;
  const env = {
    ...serviceDatabase(dbName, infra.databaseUrl).env,
    ...testKafkaEnv(HUB_PRINCIPAL),
    HUB_CONSUMER_GROUP: group,
    HUB_BATCH_SIZE: '2000',
    HUB_CONSUMER_CONCURRENCY: '6',
    GRPC_INSECURE_PLAINTEXT: 'true',
  };
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Resilience test: a person updated by two forces at once',
    operationRef: 'OP-RESILIENCE',
  };

  beforeAll(async () => {
    hub = await startService('intel-hub', env, { timeoutMs: 120_000 });
    db = new Client({ connectionString: withDatabase(infra.databaseUrl, dbName) });
    await db.connect();
    for (const force of ['36', '01']) {
      producers.set(force, await forceProducer(force, `it-hub-faults-${force}`));
    }
    asKent = new QueryClient(hub.grpcAddress, undefined, { devForce: '46' });
    // A fresh group reads the shared topics from the beginning: wait until it has caught up.
    const marker = randomUUID();
    await send(upserted('36', bareNominal(marker, 1, 'Marker')));
    await resolved([memberKey('36', marker)], 110_000);
  });
  afterAll(async () => {
    asKent?.close();
    for (const p of producers.values()) await p.disconnect();
    await db?.end();
    await hub?.stop();
    await dropDatabase(infra.databaseUrl, dbName).catch(() => undefined);
  });

  const memberKey = (force: string, id: string) => `${force}:${id}`;

  type Built = SignedEvent & { force: string };
  const build = (
    force: string,
    eventType: EventType,
    id: string,
    payload: Pick<EventEnvelope, 'nominal' | 'incident'>,
  ): Built => ({ force, ...signedEvent(force, eventType, id, payload) });

  const upserted = (force: string, n: NominalState) =>
    build(force, EventType.EVENT_TYPE_NOMINAL_UPSERTED, n.nominalId, { nominal: n });

  /** Each force's events by its own producer, in order; `partition` pins them. */
  async function send(...msgs: Built[]) {
    await sendTo(TOPICS.person, 0, ...msgs);
  }
  async function sendTo(topic: string, partition: number, ...msgs: Built[]) {
    for (const m of msgs)
      await producers.get(m.force)?.send({
        topic,
        acks: -1,
        messages: [{ key: m.key, value: m.value, headers: m.headers, partition }],
      });
  }

  /** Every key resolved into a person and nothing of them left on the queue. */
  async function resolved(keys: string[], timeoutMs = 30_000) {
    await waitFor(
      async () => {
        const r = await db.query<{ n: string; q: string }>(
          `SELECT (SELECT count(*) FROM person_member
                   WHERE force_code || ':' || nominal_id = ANY($1::text[])) AS n,
                  (SELECT count(*) FROM resolution_queue
                   WHERE force_code || ':' || id = ANY($1::text[])) AS q`,
          [keys],
        );
        return r.rows[0]?.n === String(keys.length) && r.rows[0]?.q === '0';
      },
      { timeoutMs, what: `${keys.join(', ')} resolved` },
    );
  }

  async function queueLength(): Promise<number> {
    const r = await db.query<{ n: string }>('SELECT count(*) AS n FROM resolution_queue');
    return Number(r.rows[0]?.n);
  }

  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  /** Queries in a loop until stopped: every answer's gRPC code. */
  function queryLoop(q: PersonQuery) {
    const codes = new Map<string, number>();
    let stop = false;
    const done = (async () => {
      while (!stop) {
        let code = 'OK';
        try {
          await asKent.checkPerson({ person: q, justification, maxResults: 5 });
        } catch (err) {
          code = status[(err as ServiceError).code] ?? String(err);
        }
        codes.set(code, (codes.get(code) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    return {
      codes,
      async stop() {
        stop = true;
        await done;
        return Object.fromEntries(codes);
      },
    };
  }

  // The topics keep earlier runs' events, which this hub reads too: names and dates of birth
  // unique to this run, so nothing of an earlier run links to this one's persons.
  const letters = (n: number) =>
    Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join(
      '',
    );
  const rareFamily = () => `Q${letters(11)}`;
  const rnd = (n: number) => 1 + Math.floor(Math.random() * n);

  it('two forces update the same linked person in one batch while queries run: no UNAVAILABLE, no stuck queue', async () => {
    const family = rareFamily();
    const dob = { year: 1950 + rnd(40), month: rnd(12), day: rnd(28) };
    const [a, b] = [randomUUID(), randomUUID()];
    const norfolk = (v: number, sex = Sex.SEX_UNSPECIFIED) => ({
      ...bareNominal(a, v, family),
      datesOfBirth: [dob],
      sex,
    });
    const met = (v: number, sex = Sex.SEX_UNSPECIFIED) => ({
      ...bareNominal(b, v, family),
      datesOfBirth: [dob],
      sex,
    });
    await send(upserted('36', norfolk(1)), upserted('01', met(1)));
    const keys = [memberKey('36', a), memberKey('01', b)];
    await resolved(keys);
    const personOf = async () =>
      (
        await db.query<{ person_id: string; nominal_id: string }>(
          `SELECT person_id, nominal_id FROM person_member
           WHERE force_code || ':' || nominal_id = ANY($1::text[])`,
          [keys],
        )
      ).rows;
    const linked = await personOf();
    expect(new Set(linked.map((r) => r.person_id)).size).toBe(1);

    const loop = queryLoop({
      names: [{ given: ['Test'], family, type: NameType.NAME_TYPE_BIRTH }],
      dateOfBirth: dob,
      sex: Sex.SEX_UNSPECIFIED,
      identifiers: [],
      onlineIdentifiers: [],
      addresses: [],
    });
    let codes: Record<string, number>;
    // (Earlier runs' poison events on the shared topics were isolated during the catch-up.)
    const failedBefore = hub.logs.filter((l) => l.includes('"event":"resolution-failed"')).length;
    // Both forces update him in one resolution batch: each nominal's re-scored links name the
    // other. To have both in one consumed batch, the hub's consumer is held on an unrelated
    // record (its ingestion waits for a row lock the test holds) while both updates are
    // produced on one partition; once let go, its next fetch takes them together.
    const blocker = randomUUID();
    await sendTo(TOPICS.person, 2, upserted('36', bareNominal(blocker, 1, rareFamily())));
    await resolved([memberKey('36', blocker)]);
    const holder = new Client({ connectionString: withDatabase(infra.databaseUrl, dbName) });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM force_nominal WHERE force_code = '36' AND nominal_id = $1 FOR UPDATE`,
        [blocker],
      );
      await sendTo(TOPICS.person, 2, upserted('36', bareNominal(blocker, 2, rareFamily())));
      await waitFor(
        async () =>
          (
            await db.query(
              `SELECT 1 FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).rowCount === 1,
        { what: "the hub's ingestion to wait for the test's lock" },
      );
      await sendTo(TOPICS.person, 0, upserted('36', norfolk(2, Sex.SEX_MALE)));
      await sendTo(TOPICS.person, 0, upserted('01', met(2, Sex.SEX_MALE)));
      await holder.query('COMMIT');
      await waitFor(
        async () => {
          const r = await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM force_nominal
             WHERE force_code || ':' || nominal_id = ANY($1::text[]) AND version = 2`,
            [keys],
          );
          return r.rows[0]?.n === '2';
        },
        { what: 'both updates ingested' },
      );
      await waitFor(async () => (await queueLength()) === 0, {
        timeoutMs: 30_000,
        what: 'the resolution queue to empty',
      });
      // Queries go on a little after the batch.
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
      codes = await loop.stop();
    }
    expect(codes).toEqual({ OK: expect.any(Number) as number });
    expect(codes.OK).toBeGreaterThan(10);

    // The person's state is right: still one person, the pair linked once, nothing set aside.
    const after = await personOf();
    expect(after).toHaveLength(2);
    expect(new Set(after.map((r) => r.person_id))).toEqual(new Set(linked.map((r) => r.person_id)));
    const links = await db.query(
      `SELECT 1 FROM person_link WHERE member_a = ANY($1::text[]) AND member_b = ANY($1::text[])`,
      [keys],
    );
    expect(links.rowCount).toBe(1);
    const answer = await asKent.checkPerson({
      person: {
        names: [{ given: ['Test'], family, type: NameType.NAME_TYPE_BIRTH }],
        dateOfBirth: dob,
        sex: Sex.SEX_MALE,
        identifiers: [],
        onlineIdentifiers: [],
        addresses: [],
      },
      justification,
      maxResults: 5,
    });
    expect(answer.matches[0]?.nationalPersonId).toBe(after[0]?.person_id);
    expect(answer.matches[0]?.holdings.map((h) => h.forceCode).sort()).toEqual(['01', '36']);
    expect((await fetch(`${hub.httpUrl}/health/ready`)).status).toBe(200);
    // The pair is written once: no batch failed on the way (nothing needed isolating).
    expect(
      hub.logs.filter((l) => l.includes('"event":"resolution-failed"')).slice(failedBefore),
    ).toEqual([]);
  });

  it('a hub that loses its lock pauses (UNAVAILABLE, not ready) and loads its index again when another hub led meanwhile', async () => {
    const lockHolder = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = 7342300
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(lockHolder.rows).toHaveLength(1);
    const epochBefore = Number(
      (await db.query<{ epoch: string }>(`SELECT epoch::text FROM hub_leadership`)).rows[0]?.epoch,
    );
    const loadsBefore = hub.logs.filter((l) => l.includes('"event":"index-loaded"')).length;
    // Another hub takes the lead the moment this hub's lock connection ends.
    const other = new Client({ connectionString: withDatabase(infra.databaseUrl, dbName) });
    await other.connect();
    try {
      await other.query('SELECT pg_terminate_backend($1)', [lockHolder.rows[0]?.pid]);
      await other.query('SELECT pg_advisory_lock(7342300)');
      await other.query(`UPDATE hub_leadership SET epoch = epoch + 1, holder = 'another hub'`);
      await waitFor(async () => (await fetch(`${hub.httpUrl}/health/ready`)).status === 503, {
        what: 'the hub to report it is not ready',
      });
      const refused = await asKent
        .checkPerson({
          person: {
            names: [{ given: ['Test'], family: 'Anyone', type: NameType.NAME_TYPE_BIRTH }],
            dateOfBirth: undefined,
            sex: Sex.SEX_UNSPECIFIED,
            identifiers: [],
            onlineIdentifiers: [],
            addresses: [],
          },
          justification,
          maxResults: 1,
        })
        .then(
          () => undefined,
          (err: ServiceError) => err,
        );
      expect(refused?.code).toBe(status.UNAVAILABLE);
      expect(refused?.details).toMatch(/retry/);
      expect(hub.process.exitCode).toBeNull();
    } finally {
      await other.query('SELECT pg_advisory_unlock(7342300)').catch(() => undefined);
      await other.end();
    }
    // It takes the lock again, sees another hub led, loads the index again and resumes.
    await waitFor(() => hub.logs.some((l) => l.includes('"event":"leadership-recovered"')), {
      timeoutMs: 30_000,
      what: 'the hub to lead again',
    });
    const recovered = hub.logs.find((l) => l.includes('"event":"leadership-recovered"')) ?? '';
    expect(JSON.parse(recovered)).toMatchObject({ reloaded: true });
    expect(hub.logs.filter((l) => l.includes('"event":"index-loaded"')).length).toBe(
      loadsBefore + 1,
    );
    const epochAfter = Number(
      (await db.query<{ epoch: string }>(`SELECT epoch::text FROM hub_leadership`)).rows[0]?.epoch,
    );
    expect(epochAfter).toBe(epochBefore + 2);
    await waitFor(async () => (await fetch(`${hub.httpUrl}/health/ready`)).status === 200, {
      what: 'the hub to be ready again',
    });
    // And it works: a new nominal is resolved.
    const id = randomUUID();
    await send(upserted('36', bareNominal(id, 1, rareFamily())));
    await resolved([memberKey('36', id)]);
  });

  it('an entity that fails resolution for a reason of its own is set aside, counted and visible; the rest flows', async () => {
    // An incident naming a subject whose id PostgreSQL cannot store as text (a NUL): its own
    // fault, not the batch's. An ordinary nominal travels with it.
    const incidentId = randomUUID();
    const poisonSubject = `subjectmark\u0000${randomUUID()}`;
    const incident: IncidentState = {
      ...IncidentState.decode(new Uint8Array()),
      incidentId,
      version: 1,
      summary: 'resilience test incident',
      subjects: [{ nominalId: poisonSubject, role: SubjectRole.SUBJECT_ROLE_SUSPECT }],
    };
    const healthy = randomUUID();
    const before = await metric('hub_resolution_set_aside_total');
    // The bus no longer carries such a state: the hub applies the intake's limits at ingest and
    // parks it on the DLQ (docs/security.md, "Events bound to their force"). So the poison is
    // put where only a defect could put it, straight into the hub's store and queue; the next
    // batch's resolution takes it up.
    await db.query(
      `INSERT INTO force_incident (force_code, incident_id, version, state, updated_at)
       VALUES ('36', $1, 1, $2, now())`,
      [incidentId, Buffer.from(IncidentState.encode(incident).finish())],
    );
    await db.query(
      `INSERT INTO resolution_queue (entity, force_code, id) VALUES ('incident', '36', $1)`,
      [incidentId],
    );
    await send(upserted('36', bareNominal(healthy, 1, rareFamily())));
    await resolved([memberKey('36', healthy)]);
    await waitFor(async () => (await queueLength()) === 0, {
      timeoutMs: 30_000,
      what: 'the resolution queue to empty',
    });

    const aside = await db.query<{ entity: string; error_class: string; attempts: number }>(
      `SELECT entity, error_class, attempts FROM resolution_set_aside
       WHERE force_code = '36' AND id = $1`,
      [incidentId],
    );
    expect(aside.rows).toEqual([
      { entity: 'incident', error_class: expect.stringMatching(/^pg-/) as string, attempts: 1 },
    ]);
    expect(await metric('hub_resolution_set_aside_total')).toBeGreaterThan(before);
    expect(await metric('hub_resolution_set_aside')).toBeGreaterThanOrEqual(1);
    // Logged by key and error class, never with the record's content.
    const line = hub.logs.find(
      (l) => l.includes('"event":"resolution-set-aside"') && l.includes(incidentId),
    );
    expect(line).toBeDefined();
    expect(line).not.toContain('subjectmark');
    // Set aside is not stuck: the hub stays ready.
    expect((await fetch(`${hub.httpUrl}/health/ready`)).status).toBe(200);
  });
});
