import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { Client } from 'pg';
import { dropDatabase, withDatabase } from '@intel/db';
import { ADMIN_PRINCIPAL, HUB_PRINCIPAL, createKafka, forcePrincipal } from '@intel/kafka';
import { IntakeClient, startService, waitFor, type RunningNode } from '@intel/testing';
import { people, rawKafkaCeiling } from './bench-fixtures';
import type { BenchFigure, BenchSuiteResult, StackBenchOptions } from './bench-report';
import { environment, percentile, seconds } from './bench-stats';
import { CpuMeter, isKafkaBroker, isPostgres, pidsMatching } from './process-cpu';

const CHUNK = 1000;

/** Env for a hub process in a bench: plaintext, its own database and consumer group. */
export function benchHubEnv(
  opts: StackBenchOptions,
  db: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: opts.databaseUrl,
    DATABASE_NAME: db,
    ...opts.kafkaEnv(HUB_PRINCIPAL),
    HUB_CONSUMER_GROUP: `intel-hub-bench-${randomUUID()}`,
    HUB_BATCH_SIZE: '2000',
    GRPC_INSECURE_PLAINTEXT: 'true',
    ...extra,
  };
}

/**
 * Polls the hub database for force nominals that have become national-person members (the
 * moment they are queryable: membership, flags and the in-memory index commit together), and
 * records when each was first seen.
 */
async function observeQueryable(
  hubDb: Client,
  forceCode: string,
  pending: Map<string, bigint>,
  seenAt: Map<string, bigint>,
): Promise<void> {
  if (pending.size === 0) return;
  const { rows } = await hubDb.query<{ nominal_id: string }>(
    `SELECT nominal_id FROM person_member WHERE force_code = $1 AND nominal_id = ANY($2::text[])`,
    [forceCode, [...pending.keys()]],
  );
  const now = process.hrtime.bigint();
  for (const r of rows) {
    const from = pending.get(r.nominal_id);
    if (from === undefined) continue;
    pending.delete(r.nominal_id);
    seenAt.set(r.nominal_id, now - from);
  }
}

/**
 * `npm run bench -- pipeline`: records per second from a force node's SubmitBatch until they are
 * queryable in the hub (resolved into national persons), and the end-to-end latency of each
 * record (its SubmitBatch chunk sent → observed as a member in the hub, polled every 50 ms),
 * beside the raw kafkajs produce→consume ceiling of the same payloads in the same run.
 */
export async function runPipelineBench(opts: StackBenchOptions): Promise<BenchSuiteResult> {
  const started = new Date();
  const measured = opts.quick ? 10_000 : 50_000;
  const prefix = `p${Date.now().toString(36)}`;
  const forceDb = `bench_force_${prefix}`;
  const hubDbName = `bench_hub_${prefix}`;
  const log = (s: string) => process.stderr.write(`[bench pipeline] ${s}\n`);
  const nodes: RunningNode[] = [];
  const hubDb = new Client({ connectionString: withDatabase(opts.databaseUrl, hubDbName) });
  let client: IntakeClient | undefined;
  try {
    const node = await startService('force-node', {
      FORCE_CODE: '36',
      DATABASE_URL: opts.databaseUrl,
      DATABASE_NAME: forceDb,
      ...opts.kafkaEnv(forcePrincipal('36')),
      GRPC_INSECURE_PLAINTEXT: 'true',
    });
    nodes.push(node);
    const hub = await startService('intel-hub', benchHubEnv(opts, hubDbName), {
      timeoutMs: 600_000,
    });
    nodes.push(hub);
    await hubDb.connect();
    client = new IntakeClient(node.grpcAddress, undefined, { devForce: '36' });

    // The hub reads the topics from the beginning: wait until it has caught up with what is
    // there (a marker sent now is queryable), so the run measures the pipeline, not a backlog.
    log('waiting for the hub to catch up with the topics …');
    const marker = await client.submitBatch(people(`${prefix}w`, 0, 1));
    const markerId = marker.results[0]?.result?.nominalId ?? '';
    const markerSeen = new Map<string, bigint>();
    await waitFor(
      async () => {
        await observeQueryable(hubDb, '36', new Map([[markerId, 0n]]), markerSeen);
        return markerSeen.size === 1;
      },
      { timeoutMs: 1_800_000, intervalMs: 500, what: 'the hub to catch up' },
    );

    log(`measuring ${measured.toLocaleString('en-GB')} records …`);
    const items = people(`${prefix}m`, 1, measured);
    const pending = new Map<string, bigint>();
    const seenAt = new Map<string, bigint>();
    let polling = true;
    const poller = (async () => {
      while (polling || pending.size > 0) {
        await observeQueryable(hubDb, '36', pending, seenAt);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // Where the run's CPU goes, per record: the system's processes, and the bench's own.
    const cpu = new CpuMeter(() => ({
      'force node': node.process.pid ? [node.process.pid] : [],
      hub: hub.process.pid ? [hub.process.pid] : [],
      PostgreSQL: pidsMatching(isPostgres),
      'Kafka broker': pidsMatching(isKafkaBroker),
      'bench client': [process.pid],
    }));
    await cpu.start();
    const t0 = process.hrtime.bigint();
    let accepted = 0;
    for (let i = 0; i < items.length; i += CHUNK) {
      const sent = process.hrtime.bigint();
      const summary = await client.submitBatch(items.slice(i, i + CHUNK));
      accepted += summary.accepted;
      for (const r of summary.results) {
        const id = r.result?.nominalId;
        if (id && !pending.has(id) && !seenAt.has(id)) pending.set(id, sent);
      }
    }
    const submitSeconds = seconds(t0);
    await waitFor(() => pending.size === 0, {
      timeoutMs: 1_800_000,
      intervalMs: 100,
      what: 'every measured record to be queryable in the hub',
    });
    polling = false;
    await poller;
    const queryableSeconds = seconds(t0);
    const cpuMs = await cpu.stop();
    const latencies = [...seenAt.values()].map((ns) => Number(ns) / 1e9).sort((a, b) => a - b);

    log('raw ceiling: kafkajs produce/consume …');
    const quiet = createKafka(opts.kafkaClient(ADMIN_PRINCIPAL, 'bench-pipeline'));
    quiet.logger().setLogLevel(logLevel.NOTHING);
    const kafkaCeiling = await rawKafkaCeiling(quiet, items);

    const sustained = seenAt.size / queryableSeconds;
    const p99 = percentile(latencies, 99);
    const perRecord = (ms: number) => ms / Math.max(1, seenAt.size);
    const systemMs = Object.entries(cpuMs)
      .filter(([group]) => group !== 'bench client')
      .reduce((sum, [, ms]) => sum + ms, 0);
    const cores = environment().cpus;
    const figures: BenchFigure[] = [
      {
        name: 'SubmitBatch → queryable in the hub (sustained, records/s)',
        value: sustained,
        unit: 'records/s',
        ceiling: { name: 'raw kafkajs produce→consume', value: kafkaCeiling.roundTripPerSec },
        target: '≥ 10,000 records/s',
        meetsTarget: sustained >= 10_000,
      },
      {
        name: 'SubmitBatch accepted by the force node',
        value: accepted / submitSeconds,
        unit: 'records/s',
      },
      {
        name: 'end-to-end latency p50 (sent → queryable)',
        value: percentile(latencies, 50),
        unit: 's',
      },
      {
        name: 'end-to-end latency p99 (sent → queryable)',
        value: p99,
        unit: 's',
        target: '< 1 s',
        meetsTarget: p99 < 1,
      },
      {
        name: 'CPU per record: force node + hub + PostgreSQL + Kafka',
        value: perRecord(systemMs),
        unit: 'ms',
        target: `≤ ${((cores * 1000) / 10_000).toFixed(2)} ms for 10,000/s on ${cores} cores`,
        meetsTarget: perRecord(systemMs) <= (cores * 1000) / 10_000,
      },
      ...Object.entries(cpuMs).map(([group, ms]): BenchFigure => ({
        name: `  of which ${group}`,
        value: perRecord(ms),
        unit: 'ms',
      })),
      {
        name: 'CPU-bound ceiling: cores ÷ CPU per record',
        value: (cores * 1000) / perRecord(systemMs),
        unit: 'records/s',
      },
    ];
    return {
      suite: 'pipeline',
      startedAt: started.toISOString(),
      durationSeconds: (Date.now() - started.getTime()) / 1000,
      environment: environment(),
      parameters: {
        measuredRecords: measured,
        accepted,
        nominalsObserved: seenAt.size,
        chunkSize: CHUNK,
        pollIntervalMs: 50,
      },
      figures,
    };
  } finally {
    client?.close();
    await hubDb.end().catch(() => undefined);
    for (const n of nodes.reverse()) await n.stop();
    await dropDatabase(opts.databaseUrl, forceDb).catch(() => undefined);
    await dropDatabase(opts.databaseUrl, hubDbName).catch(() => undefined);
  }
}
