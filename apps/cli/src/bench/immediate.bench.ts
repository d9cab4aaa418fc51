import { randomUUID } from 'node:crypto';
import { logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { AlertPriority, EventEnvelope, SubjectRole, type IncidentRecord } from '@intel/contracts';
import { dropDatabase, withDatabase } from '@intel/db';
import { alertTopic, createKafka, forcePrincipal, forceResourcePrefix } from '@intel/kafka';
import {
  IntakeClient,
  incidentRecord,
  outboxPending,
  startService,
  waitFor,
  type RunningNode,
} from '@intel/testing';
import { people } from './bench-fixtures';
import type { BenchFigure, BenchSuiteResult, StackBenchOptions } from './bench-report';
import { environment, seconds, summarise } from './bench-stats';
import { MachineLoadMeter, machineNote } from './machine-load';
import { benchHubEnv } from './pipeline.bench';

/** Immediate-risk incidents submitted over the bulk import (issue #13: at least 50). */
const INCIDENTS = 50;
/** Bulk records per SubmitBatch: small enough that every incident goes in during the import. */
const chunkSize = (bulk: number): number => Math.min(250, Math.floor(bulk / (2 * INCIDENTS)));

/**
 * `npm run bench -- immediate`: while a bulk import flows through Kent's force node and the hub
 * (100,000 records; 10,000 with --quick), Kent reports INCIDENTS incidents with immediate risk
 * to a child, spaced evenly over the import, each naming a man Norfolk also holds. The figure is
 * each incident's latency from its SubmitIncident call to the IMMEDIATE alert's arrival on
 * Norfolk's alert topic (`intel.alert.v1.36`, read as Norfolk), p50 and p99 (target p99 < 2 s).
 */
export async function runImmediateBench(opts: StackBenchOptions): Promise<BenchSuiteResult> {
  const started = new Date();
  const bulk = opts.quick ? 10_000 : 100_000;
  const prefix = `i${Date.now().toString(36)}`;
  const kentDb = `bench_force46_${prefix}`;
  const norfolkDb = `bench_force36_${prefix}`;
  const hubDbName = `bench_hub_${prefix}`;
  const log = (s: string) => process.stderr.write(`[bench immediate] ${s}\n`);
  const nodes: RunningNode[] = [];
  const clients: IntakeClient[] = [];
  const hubDb = new Client({ connectionString: withDatabase(opts.databaseUrl, hubDbName) });
  let consumer: Consumer | undefined;
  try {
    const urls = new Map<string, string>();
    const forceNode = async (code: string, db: string) => {
      const node = await startService('force-node', {
        FORCE_CODE: code,
        DATABASE_URL: opts.databaseUrl,
        DATABASE_NAME: db,
        ...opts.kafkaEnv(forcePrincipal(code)),
        GRPC_INSECURE_PLAINTEXT: 'true',
      });
      nodes.push(node);
      urls.set(code, node.httpUrl);
      const c = new IntakeClient(node.grpcAddress, undefined, { devForce: code });
      clients.push(c);
      return c;
    };
    const kent = await forceNode('46', kentDb);
    const norfolk = await forceNode('36', norfolkDb);
    const hub = await startService('intel-hub', benchHubEnv(opts, hubDbName), {
      timeoutMs: 600_000,
    });
    nodes.push(hub);
    await hubDb.connect();

    // The suspects: each held by Norfolk and by Kent (same PNC ID, same man), linked at the hub.
    log(`${INCIDENTS} suspects held by Norfolk and Kent …`);
    const suspects = people(`${prefix}s`, 0, INCIDENTS);
    const held = await norfolk.submitBatch(suspects);
    const kentHeld = await kent.submitBatch(
      suspects.map((s) => ({
        person: { ...s.person!, sourceRecordId: `${s.person!.sourceRecordId}-kent` },
        incident: undefined,
      })),
    );
    const members = [
      ...held.results.map((r) => ['36', r.result?.nominalId ?? ''] as const),
      ...kentHeld.results.map((r) => ['46', r.result?.nominalId ?? ''] as const),
    ];
    await waitFor(
      async () => {
        const { rows } = await hubDb.query<{ n: string }>(
          `SELECT count(*) AS n FROM person_member m
           JOIN unnest($1::text[], $2::text[]) AS t(f, n) ON m.force_code = t.f AND m.nominal_id = t.n`,
          [members.map((m) => m[0]), members.map((m) => m[1])],
        );
        return Number(rows[0]?.n) === members.length;
      },
      { timeoutMs: 600_000, intervalMs: 200, what: 'the suspects to be resolved at the hub' },
    );

    // Norfolk's alert stream, read as Norfolk, from now on.
    const arrivals = new Map<string, bigint>();
    const kafka = createKafka(opts.kafkaClient(forcePrincipal('36'), 'bench-immediate'));
    kafka.logger().setLogLevel(logLevel.NOTHING);
    consumer = kafka.consumer({
      groupId: `${forceResourcePrefix('36')}bench-${randomUUID()}`,
      readUncommitted: false,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: alertTopic('36'), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const at = process.hrtime.bigint();
        const alert = message.value ? EventEnvelope.decode(message.value).alert : undefined;
        if (alert?.priority !== AlertPriority.ALERT_PRIORITY_IMMEDIATE) return;
        for (const r of alert.records)
          if (r.entity === 'incident' && !arrivals.has(r.id)) arrivals.set(r.id, at);
        return Promise.resolve();
      },
    });

    // The bulk import, chunk after chunk, and an incident after every (chunks / INCIDENTS)
    // chunks, not awaited by the import.
    const items = people(`${prefix}b`, 1_000_000, bulk);
    const CHUNK = chunkSize(bulk);
    const chunks = Math.ceil(bulk / CHUNK);
    const every = Math.max(1, Math.floor(chunks / INCIDENTS));
    log(
      `bulk import of ${bulk.toLocaleString('en-GB')} records in chunks of ${CHUNK}, an incident every ${every} chunks …`,
    );
    const sent = new Map<string, bigint>();
    const incidentCalls: Promise<void>[] = [];
    // Kent's outbox rows still queued when each incident was submitted (its readiness endpoint).
    const queuedAtIncident: number[] = [];
    const report = (k: number): void => {
      const subject = suspects[k]!.person!;
      const record: IncidentRecord = incidentRecord({
        sourceSystem: 'bench-rms',
        sourceRecordId: `${prefix}-inc-${k}`,
        subjects: [
          {
            personSourceSystem: subject.sourceSystem,
            personSourceRecordId: `${subject.sourceRecordId}-kent`,
            role: SubjectRole.SUBJECT_ROLE_SUSPECT,
          },
        ],
        immediateRiskToChild: true,
      });
      const t = process.hrtime.bigint();
      incidentCalls.push(
        outboxPending(urls.get('46') as string).then(
          (n) => void queuedAtIncident.push(n),
          () => undefined,
        ),
      );
      incidentCalls.push(
        kent.submitIncident(record).then((r) => {
          sent.set(r.incidentId, t);
        }),
      );
    };
    const load = new MachineLoadMeter();
    load.start();
    const t0 = process.hrtime.bigint();
    let reported = 0;
    let accepted = 0;
    for (let c = 0; c < chunks; c++) {
      const summary = await kent.submitBatch(items.slice(c * CHUNK, (c + 1) * CHUNK));
      accepted += summary.accepted;
      if (reported < INCIDENTS && c % every === every - 1) report(reported++);
    }
    while (reported < INCIDENTS) report(reported++);
    const importSeconds = seconds(t0);
    await Promise.all(incidentCalls);
    await waitFor(() => [...sent.keys()].every((id) => arrivals.has(id)), {
      timeoutMs: 600_000,
      intervalMs: 100,
      what: 'every IMMEDIATE alert on Norfolk’s topic',
    });
    const machine = load.stop();
    // Where the hub stood when the import's last chunk was accepted: its backlog.
    const { rows: backlog } = await hubDb.query<{ n: string }>(
      `SELECT count(*) AS n FROM person_member WHERE force_code = '46'`,
    );
    const latencies = summarise(
      [...sent].map(([id, t]) => Number((arrivals.get(id) as bigint) - t) / 1e6),
    );
    const figures: BenchFigure[] = [
      {
        name: `immediate-risk incident → IMMEDIATE alert on the holding force's topic, p50, during a ${bulk.toLocaleString('en-GB')}-record import [${machineNote(machine)}]`,
        value: latencies.p50 / 1000,
        unit: 's',
      },
      {
        name: '  p99',
        value: latencies.p99 / 1000,
        unit: 's',
        target: '< 2 s',
        meetsTarget: latencies.p99 < 2000,
      },
      { name: '  max', value: latencies.max / 1000, unit: 's' },
      {
        name: 'bulk import accepted by the force node (SubmitBatch)',
        value: accepted / importSeconds,
        unit: 'records/s',
      },
    ];
    return {
      suite: 'immediate',
      startedAt: started.toISOString(),
      durationSeconds: (Date.now() - started.getTime()) / 1000,
      environment: environment(),
      parameters: {
        bulkRecords: bulk,
        accepted,
        chunkSize: chunkSize(bulk),
        incidents: INCIDENTS,
        incidentEveryChunks: every,
        importSeconds,
        kentNominalsResolvedWhenAllAlertsArrived: Number(backlog[0]?.n ?? 0),
        kentOutboxQueuedAtIncident: summarise(queuedAtIncident),
        latencyMs: latencies,
        machineLoad: machine,
      },
      figures,
    };
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    for (const c of clients) c.close();
    await hubDb.end().catch(() => undefined);
    for (const n of nodes.reverse()) await n.stop();
    for (const db of [kentDb, norfolkDb, hubDbName])
      await dropDatabase(opts.databaseUrl, db).catch(() => undefined);
  }
}
