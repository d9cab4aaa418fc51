import { randomUUID } from 'node:crypto';
import { logLevel, type Kafka, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { EventEnvelope, timestampToDate, type BatchItem } from '@intel/contracts';
import { dropDatabase, withDatabase } from '@intel/db';
import { ADMIN_PRINCIPAL, TOPICS, createKafka, forcePrincipal } from '@intel/kafka';
import { IntakeClient, outboxPending, startService, waitFor } from '@intel/testing';
import { people, rawKafkaCeiling } from './bench-fixtures';
import type { BenchFigure, BenchSuiteResult, StackBenchOptions } from './bench-report';
import { environment, percentile, seconds } from './bench-stats';

/**
 * Consumes intel.person.v1 from its current end: the high-water marks are read first and the
 * consumer seeks to them once it has joined its group (a seek before the join is lost), so
 * no message of the run is missed and the topic's history is not re-read. It times each
 * message of the measured run (prefix `prefix`) from its commit (envelope occurredAt) to the
 * moment a read_committed consumer sees it.
 */
async function startLagProbe(
  kafka: Kafka,
  prefix: string,
): Promise<{ consumer: Consumer; lagsMs: number[]; count: () => number; ready: () => boolean }> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(TOPICS.person);
  await admin.disconnect();
  const consumer = kafka.consumer({
    groupId: `bench-${randomUUID()}`,
    readUncommitted: false,
    maxBytes: 64 * 1024 * 1024,
  });
  const lagsMs: number[] = [];
  let sought = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const p of ends)
      consumer.seek({ topic: TOPICS.person, partition: p.partition, offset: p.high });
    sought = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.person, fromBeginning: false });
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) {
        if (!m.value) continue;
        const env = EventEnvelope.decode(m.value);
        if (!env.nominal?.sources[0]?.sourceRecordId.startsWith(prefix)) continue;
        const at = timestampToDate(env.occurredAt)?.getTime() ?? now;
        lagsMs.push(now - at);
      }
      return Promise.resolve();
    },
  });
  return { consumer, lagsMs, count: () => lagsMs.length, ready: () => sought };
}

/** Ceiling 1: raw `pg` multi-row inserts of the same JSON payloads into a scratch table. */
async function rawPgCeiling(serverUrl: string, db: string, items: BatchItem[]): Promise<number> {
  const c = new Client({ connectionString: withDatabase(serverUrl, db) });
  await c.connect();
  try {
    await c.query('CREATE TABLE IF NOT EXISTS bench_raw (k text PRIMARY KEY, v jsonb NOT NULL)');
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < items.length; i += 1000) {
      const chunk = items.slice(i, i + 1000);
      await c.query('INSERT INTO bench_raw SELECT * FROM unnest($1::text[], $2::jsonb[])', [
        chunk.map((x) => `raw-${x.person?.sourceRecordId}`),
        chunk.map((x) => JSON.stringify(x.person)),
      ]);
    }
    return items.length / seconds(t0);
  } finally {
    await c.end();
  }
}

/**
 * `npm run bench -- intake`: sustained SubmitBatch throughput into DB + outbox + Kafka with
 * 100,000 nominals already held, and publish lag p50/p99 (commit → visible to a read_committed
 * consumer), beside raw `pg` insert and raw kafkajs produce ceilings of the same payloads.
 */
export async function runIntakeBench(opts: StackBenchOptions): Promise<BenchSuiteResult> {
  const started = new Date();
  const preload = opts.quick ? 10_000 : 100_000;
  const measured = opts.quick ? 10_000 : 50_000;
  const prefix = `b${Date.now().toString(36)}`;
  const db = `bench_force_${prefix}`;
  const log = (s: string) => process.stderr.write(`[bench intake] ${s}\n`);
  const node = await startService('force-node', {
    FORCE_CODE: '36',
    DATABASE_URL: opts.databaseUrl,
    DATABASE_NAME: db,
    ...opts.kafkaEnv(forcePrincipal('36')),
    GRPC_INSECURE_PLAINTEXT: 'true',
  });
  const client = new IntakeClient(node.grpcAddress, undefined, { devForce: '36' });
  // The probes read everything and create a scratch topic: the operators' admin principal.
  const kafka = createKafka(opts.kafkaClient(ADMIN_PRINCIPAL, 'bench-intake'));
  const quietKafka: Kafka = createKafka(opts.kafkaClient(ADMIN_PRINCIPAL, 'bench-intake'));
  quietKafka.logger().setLogLevel(logLevel.NOTHING);
  try {
    log(`preloading ${preload.toLocaleString('en-GB')} nominals through SubmitBatch …`);
    const tPre = process.hrtime.bigint();
    for (let i = 0; i < preload; i += 10_000)
      await client.submitBatch(people(`${prefix}p`, i, Math.min(10_000, preload - i)));
    const preloadRate = preload / seconds(tPre);
    log(`preloaded at ${Math.round(preloadRate)} records/s; waiting for the outbox to drain …`);
    await waitFor(async () => (await outboxPending(node.httpUrl)) === 0, {
      timeoutMs: 600_000,
      intervalMs: 500,
      what: 'preload drain',
    });

    // Expected events come from the node's own outbox: records the engine merges publish one
    // event per nominal, not one per record.
    const upserts = () => countUpserts(opts.databaseUrl, db);
    const preloadEvents = await upserts();
    const probe = await startLagProbe(quietKafka, `${prefix}m-`);
    await waitFor(probe.ready, {
      timeoutMs: 600_000,
      intervalMs: 200,
      what: 'the lag probe to join and seek',
    });
    const items = people(`${prefix}m`, preload, measured);
    log(`measuring ${measured.toLocaleString('en-GB')} records …`);
    const t0 = process.hrtime.bigint();
    const summary = await client.submitBatch(items);
    const acceptedSeconds = seconds(t0);
    const measuredEvents = (await upserts()) - preloadEvents;
    await waitFor(() => probe.count() >= measuredEvents, {
      timeoutMs: 600_000,
      intervalMs: 50,
      what: 'all measured records on Kafka',
    });
    const publishedSeconds = seconds(t0);
    await probe.consumer.disconnect();
    const lags = [...probe.lagsMs].sort((a, b) => a - b);

    log('raw ceilings: pg insert, kafkajs produce/consume …');
    const pgCeiling = await rawPgCeiling(opts.databaseUrl, db, items);
    const kafkaCeiling = await rawKafkaCeiling(quietKafka, items);

    const stored = summary.accepted / acceptedSeconds;
    const sustained = summary.accepted / publishedSeconds;
    const p50 = percentile(lags, 50) / 1000;
    const p99 = percentile(lags, 99) / 1000;
    const figures: BenchFigure[] = [
      {
        name: 'SubmitBatch → DB + outbox + Kafka (sustained, records/s)',
        value: sustained,
        unit: 'records/s',
        ceiling: { name: 'raw kafkajs produce→consume', value: kafkaCeiling.roundTripPerSec },
        target: '≥ 10,000 records/s',
        meetsTarget: sustained >= 10_000,
      },
      {
        name: 'SubmitBatch → committed in DB + outbox (records/s)',
        value: stored,
        unit: 'records/s',
        ceiling: { name: 'raw pg insert', value: pgCeiling },
      },
      {
        name: 'raw kafkajs produce (acks -1, idempotent)',
        value: kafkaCeiling.producePerSec,
        unit: 'msgs/s',
      },
      { name: 'publish lag p50 (commit → consumer)', value: p50, unit: 's' },
      {
        name: 'publish lag p99 (commit → consumer)',
        value: p99,
        unit: 's',
        target: '< 1 s',
        meetsTarget: p99 < 1,
      },
      { name: 'preload SubmitBatch rate', value: preloadRate, unit: 'records/s' },
    ];
    void kafka;
    return {
      suite: 'intake',
      startedAt: started.toISOString(),
      durationSeconds: (Date.now() - started.getTime()) / 1000,
      environment: environment(),
      parameters: {
        preloadEvents,
        measuredEvents,
        preloadedNominals: preload,
        measuredRecords: measured,
        accepted: summary.accepted,
        rejected: summary.rejected,
        chunkSize: 1000,
      },
      figures,
    };
  } finally {
    client.close();
    await node.stop();
    await dropDatabase(opts.databaseUrl, db).catch(() => undefined);
  }
}

/** Nominal upsert events the node has written to its outbox (published or not). */
async function countUpserts(serverUrl: string, db: string): Promise<number> {
  const c = new Client({ connectionString: withDatabase(serverUrl, db) });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox WHERE headers->>'intel-event-type' = 'EVENT_TYPE_NOMINAL_UPSERTED'`,
    );
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}
