import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { Client } from 'pg';
import {
  NameType,
  PurposeCode,
  Sex,
  type BatchItem,
  type BatchSummary,
  type PersonQuery,
} from '@intel/contracts';
import { withDatabase } from '@intel/db';
import { QueryClient } from '@intel/grpc';
import { HUB_PRINCIPAL, forcePrincipal } from '@intel/kafka';
import {
  IntakeClient,
  PrivatePostgres,
  outboxPending,
  personRecord,
  serviceDatabase,
  startService,
  testKafkaEnv,
  waitFor,
  type RunningNode,
} from '@intel/testing';

/** `n` distinct people (each with its own e-mail), so each becomes its own nominal. */
function people(run: string, n: number): BatchItem[] {
  return Array.from({ length: n }, (_, i) => ({
    person: personRecord({
      sourceRecordId: `${run}-${i}`,
      names: [{ given: [`Given${i}`], family: `Restart${run}`, type: 'NAME_TYPE_BIRTH' as never }],
      dateOfBirth: undefined,
      onlineIdentifiers: [
        {
          kind: 'ONLINE_IDENTIFIER_KIND_EMAIL' as never,
          platform: '',
          value: `r${i}.${run}@example.net`,
          observedAt: undefined,
        },
      ],
    }),
    incident: undefined,
  }));
}

interface Outcome {
  code: string;
  message: string;
  startedAt: number;
  endedAt: number;
}

const codeOf = (err: unknown) => status[(err as ServiceError).code] ?? 'NOT_A_GRPC_ERROR';

// Issue #11, finding 10: PostgreSQL restarted (fast mode) during a bulk SubmitBatch import while
// CheckPerson queries run. A private PostgreSQL server serves a force node and the hub (the
// shared one is never restarted); Kafka is the test broker. Services run as processes and are
// never restarted by the test.
describe('PostgreSQL restart during a bulk import and queries (e2e)', () => {
  let pg: PrivatePostgres;
  let node: RunningNode;
  let intake: IntakeClient;
  let hub: RunningNode;
  let hubDb: Client | undefined;
  let query: QueryClient;
  const run = randomUUID().slice(0, 8);
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Resilience test: queries while the database restarts',
    operationRef: `OP-${run}`,
  };

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    // Both services run as their own database roles, provisioned on the private server.
    node = await startService('force-node', {
      FORCE_CODE: '36',
      ...serviceDatabase('force_36', pg.url).env,
      ...testKafkaEnv(forcePrincipal('36')),
      GRPC_INSECURE_PLAINTEXT: 'true',
      OUTBOX_POLL_MS: '20',
    });
    intake = new IntakeClient(node.grpcAddress, undefined, { devForce: '36' });
    hub = await startService(
      'intel-hub',
      {
        ...serviceDatabase('intel_hub', pg.url).env,
        ...testKafkaEnv(HUB_PRINCIPAL),
        HUB_CONSUMER_GROUP: `intel-hub-e2e-pg-restart-${run}`,
        HUB_BATCH_SIZE: '2000',
        HUB_CONSUMER_CONCURRENCY: '6',
        GRPC_INSECURE_PLAINTEXT: 'true',
      },
      { timeoutMs: 120_000 },
    );
    query = new QueryClient(hub.grpcAddress, undefined, { devForce: '46', deadlineMs: 10_000 });
  }, 180_000);

  afterAll(async () => {
    query?.close();
    await hubDb?.end().catch(() => undefined);
    await hub?.stop();
    intake?.close();
    await node?.stop();
    pg?.destroy();
  });

  it('clear retryable errors while it is down; nothing accepted lost or duplicated; every service recovers by itself', async () => {
    // The hub reads the topics from the beginning: wait until it has caught up.
    const marker = await intake.submitBatch(people(`${run}m`, 1));
    hubDb = new Client({ connectionString: withDatabase(pg.url, 'intel_hub') });
    hubDb.on('error', () => undefined);
    await hubDb.connect();
    const markerId = marker.results[0]?.result?.nominalId ?? '';
    await waitFor(
      async () =>
        (
          await hubDb!.query(
            `SELECT 1 FROM person_member WHERE force_code = '36' AND nominal_id = $1`,
            [markerId],
          )
        ).rowCount === 1,
      { timeoutMs: 150_000, what: 'the hub to catch up' },
    );

    // Queries in a loop, every outcome kept with its time.
    const person: PersonQuery = {
      names: [{ given: ['Given7'], family: `Restart${run}`, type: NameType.NAME_TYPE_BIRTH }],
      dateOfBirth: undefined,
      sex: Sex.SEX_UNSPECIFIED,
      identifiers: [],
      onlineIdentifiers: [],
      addresses: [],
    };
    const queries: Outcome[] = [];
    let querying = true;
    const queryLoop = (async () => {
      while (querying) {
        const startedAt = Date.now();
        try {
          await query.checkPerson({ person, justification, maxResults: 3 });
          queries.push({ code: 'OK', message: '', startedAt, endedAt: Date.now() });
        } catch (err) {
          queries.push({
            code: codeOf(err),
            message: (err as ServiceError).details ?? '',
            startedAt,
            endedAt: Date.now(),
          });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    try {
      await importAndCheck(queries);
    } finally {
      querying = false;
      await queryLoop;
    }
  }, 600_000);

  async function importAndCheck(queries: Outcome[]): Promise<void> {
    // The bulk import: chunks sent one after another; a chunk refused as retryable is sent
    // again whole (what was kept of it comes back UNCHANGED, nothing twice).
    const items = people(run, 1500);
    const chunk = 50;
    const submits: Outcome[] = [];
    const accepted = new Map<string, { nominalId: string; version: number }>();
    let downAt = 0;
    let upAt = 0;
    let restart: Promise<void> | undefined;
    for (let from = 0; from < items.length; from += chunk) {
      if (from === 500)
        restart = (async () => {
          pg.stop('fast');
          downAt = Date.now();
          await new Promise((r) => setTimeout(r, 3000));
          pg.startServer();
          upAt = Date.now();
        })();
      const part = items.slice(from, from + chunk);
      for (let attempt = 0; ; attempt++) {
        const startedAt = Date.now();
        let summary: BatchSummary;
        try {
          summary = await intake.submitBatch(part);
        } catch (err) {
          submits.push({
            code: codeOf(err),
            message: (err as ServiceError).details ?? '',
            startedAt,
            endedAt: Date.now(),
          });
          if (codeOf(err) !== 'UNAVAILABLE' || attempt > 400) throw err;
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        submits.push({ code: 'OK', message: '', startedAt, endedAt: Date.now() });
        expect(summary.rejected).toBe(0);
        part.forEach((item, i) => {
          const r = summary.results[i]?.result;
          if (r)
            accepted.set(item.person?.sourceRecordId ?? '', {
              nominalId: r.nominalId,
              version: r.version,
            });
        });
        break;
      }
    }
    await restart;
    expect(downAt).toBeGreaterThan(0);
    // The test's own connection did not survive the restart either.
    await hubDb?.end().catch(() => undefined);
    const db = new Client({ connectionString: withDatabase(pg.url, 'intel_hub') });
    hubDb = db;
    await db.connect();

    // Every service recovers by itself: the hub answers again and is ready.
    await waitFor(
      () => {
        const last = queries[queries.length - 1];
        return last !== undefined && last.startedAt > upAt && last.code === 'OK';
      },
      { timeoutMs: 60_000, what: 'a query answered after the restart' },
    );
    const firstOkAfter = queries.find((q) => q.startedAt >= upAt && q.code === 'OK');
    await waitFor(async () => (await fetch(`${hub.httpUrl}/health/ready`)).status === 200, {
      timeoutMs: 60_000,
      what: 'the hub to be ready again',
    });
    const hubReadyAfterMs = Date.now() - upAt;
    await waitFor(async () => (await fetch(`${node.httpUrl}/health/ready`)).status === 200, {
      timeoutMs: 60_000,
      what: 'the force node to be ready again',
    });

    // Nothing accepted is lost or duplicated: one nominal per record, published, and at the
    // hub exactly once as a nominal at the node's version, resolved into a person.
    expect(accepted.size).toBe(items.length);
    const ids = [...accepted.values()].map((a) => a.nominalId);
    expect(new Set(ids).size).toBe(items.length);
    await waitFor(async () => (await outboxPending(node.httpUrl)) === 0, {
      timeoutMs: 120_000,
      what: "the node's outbox to drain",
    });
    await waitFor(
      async () => {
        const r = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM person_member WHERE force_code = '36' AND nominal_id = ANY($1)`,
          [ids],
        );
        return r.rows[0]?.n === String(ids.length);
      },
      { timeoutMs: 120_000, what: 'every accepted record resolved at the hub' },
    );
    const atHub = await db.query<{ nominal_id: string; version: string }>(
      `SELECT nominal_id, version FROM force_nominal WHERE force_code = '36' AND nominal_id = ANY($1)`,
      [ids],
    );
    expect(atHub.rows).toHaveLength(ids.length);
    const versionAtHub = new Map(atHub.rows.map((r) => [r.nominal_id, Number(r.version)]));
    for (const a of accepted.values()) expect(versionAtHub.get(a.nominalId)).toBe(a.version);
    const queue = await db.query(`SELECT 1 FROM resolution_queue`);
    expect(queue.rowCount).toBe(0);

    // While it was down: clear, retryable errors only, and no answer without the database.
    const notOk = [...queries, ...submits].filter((o) => o.code !== 'OK');
    expect(new Set(notOk.map((o) => o.code))).toEqual(new Set(['UNAVAILABLE']));
    expect(queries.some((q) => q.code === 'UNAVAILABLE')).toBe(true);
    expect(submits.some((q) => q.code === 'UNAVAILABLE')).toBe(true);
    for (const q of queries.filter((x) => x.code === 'UNAVAILABLE'))
      expect(q.message).toMatch(/retry/);
    const answeredWhileDown = queries.filter(
      (q) => q.code === 'OK' && q.startedAt > downAt && q.endedAt < upAt,
    );
    expect(answeredWhileDown).toEqual([]);

    // Recovered without a restart of their own.
    expect(hub.process.exitCode).toBeNull();
    expect(node.process.exitCode).toBeNull();
    expect(hub.logs.some((l) => l.includes('"event":"leadership-recovered"'))).toBe(true);
    // Figures for the record.
    const unavailableMs =
      Math.max(...queries.filter((q) => q.code === 'UNAVAILABLE').map((q) => q.endedAt)) - downAt;
    process.stdout.write(
      `postgres restart: down ${upAt - downAt} ms; queries UNAVAILABLE for ${unavailableMs} ms from the stop; first answer ${(firstOkAfter?.endedAt ?? NaN) - upAt} ms after the server was back; hub ready ${hubReadyAfterMs} ms after; ${queries.length} queries (${queries.filter((q) => q.code !== 'OK').length} refused), ${submits.length} SubmitBatch calls (${submits.filter((s) => s.code !== 'OK').length} refused)\n`,
    );
  }
});
