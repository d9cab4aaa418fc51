import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { Client } from 'pg';
import { dropDatabase, withDatabase } from '@intel/db';
import { ADMIN_PRINCIPAL, HUB_PRINCIPAL, createKafka, forcePrincipal } from '@intel/kafka';
import { IntakeClient, startService, type RunningNode } from '@intel/testing';
import { people, rawKafkaCeiling } from './bench-fixtures';
import type { BenchFigure, BenchSuiteResult, StackBenchOptions } from './bench-report';
import { environment, seconds } from './bench-stats';
import { MachineLoadMeter, machineNote, withMachineLoad } from './machine-load';
import { QueryableWatch } from './queryable-watch';
import { openLoop } from './scheduler';
import { CpuMeter, isKafkaBroker, isPostgres, pidsMatching } from './process-cpu';

const CHUNK = 1000;
/** Records per SubmitBatch in the open loop: small, so that arrivals are spread over time. */
const OPEN_CHUNK = 100;

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
    // The ceiling first, with the system under test not yet started.
    const items = people(`${prefix}m`, 1, measured);
    log('raw ceiling (force node and hub not started): kafkajs produce/consume …');
    const quiet = createKafka(opts.kafkaClient(ADMIN_PRINCIPAL, 'bench-pipeline'));
    quiet.logger().setLogLevel(logLevel.NOTHING);
    const [kafkaCeiling, ceilingMachine] = await withMachineLoad(() =>
      rawKafkaCeiling(quiet, items),
    );

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
    const intake = new IntakeClient(node.grpcAddress, undefined, { devForce: '36' });
    client = intake;

    // The hub reads the topics from the beginning: wait until it has caught up with what is
    // there (a marker sent now is queryable), so the run measures the pipeline, not a backlog.
    log('waiting for the hub to catch up with the topics …');
    const marker = await intake.submitBatch(people(`${prefix}w`, 0, 1));
    const caughtUp = new QueryableWatch(hubDb, '36', 500);
    caughtUp.expect(marker, 0n);
    await caughtUp.done();

    log(
      `saturation: ${measured.toLocaleString('en-GB')} records, chunks of ${CHUNK} back to back …`,
    );
    const saturated = new QueryableWatch(hubDb);
    // Where the run's CPU goes, per record: the system's processes, and the bench's own.
    const cpu = new CpuMeter(() => ({
      'force node': node.process.pid ? [node.process.pid] : [],
      hub: hub.process.pid ? [hub.process.pid] : [],
      PostgreSQL: pidsMatching(isPostgres),
      'Kafka broker': pidsMatching(isKafkaBroker),
      'bench client': [process.pid],
    }));
    await cpu.start();
    const saturationLoad = new MachineLoadMeter();
    saturationLoad.start();
    const t0 = process.hrtime.bigint();
    let accepted = 0;
    for (let i = 0; i < items.length; i += CHUNK) {
      const sent = process.hrtime.bigint();
      const summary = await intake.submitBatch(items.slice(i, i + CHUNK));
      accepted += summary.accepted;
      saturated.expect(summary, sent);
    }
    const submitSeconds = seconds(t0);
    const latencies = await saturated.done();
    const queryableSeconds = seconds(t0);
    const cpuMs = await cpu.stop();
    const saturationMachine = saturationLoad.stop();
    const observed = latencies.count;
    const sustained = observed / queryableSeconds;

    // Open loop: chunks of OPEN_CHUNK sent at a constant rate (half the sustained one unless
    // --rate says), each record's latency from its chunk's intended send time.
    const offered = opts.rate ?? sustained / 2;
    log(
      `open loop: ${measured.toLocaleString('en-GB')} records offered at ${offered.toFixed(0)}/s …`,
    );
    const openItems = people(`${prefix}o`, 1 + measured, measured);
    const open = new QueryableWatch(hubDb);
    const [openRun, openMachine] = await withMachineLoad(() =>
      openLoop(
        async (k, intendedNs) => {
          const summary = await intake.submitBatch(
            openItems.slice(k * OPEN_CHUNK, (k + 1) * OPEN_CHUNK),
          );
          open.expect(summary, BigInt(Math.round(intendedNs)));
        },
        {
          ratePerSec: offered / OPEN_CHUNK,
          durationMs: (1000 * measured) / offered,
          maxInFlight: 64,
        },
      ),
    );
    const t1 = process.hrtime.bigint();
    const openLatencies = await open.done();
    const openSeconds = seconds(t1) + openRun.wallSeconds;

    const p99 = latencies.p99;
    const perRecord = (ms: number) => ms / Math.max(1, observed);
    const systemMs = Object.entries(cpuMs)
      .filter(([group]) => group !== 'bench client')
      .reduce((sum, [, ms]) => sum + ms, 0);
    const cores = environment().cpus;
    const figures: BenchFigure[] = [
      {
        name: `SubmitBatch → queryable in the hub (sustained, records/s) [${machineNote(saturationMachine)}]`,
        value: sustained,
        unit: 'records/s',
        ceiling: {
          name: `raw kafkajs produce→consume, system not started [${machineNote(ceilingMachine)}]`,
          value: kafkaCeiling.roundTripPerSec,
        },
        target: '≥ 10,000 records/s',
        meetsTarget: sustained >= 10_000,
      },
      {
        name: 'SubmitBatch accepted by the force node',
        value: accepted / submitSeconds,
        unit: 'records/s',
      },
      {
        name: 'end-to-end latency p50 at saturation (chunk sent → queryable)',
        value: latencies.p50,
        unit: 's',
      },
      {
        name: 'end-to-end latency p99 at saturation (chunk sent → queryable)',
        value: p99,
        unit: 's',
      },
      {
        name: `open loop, ${offered.toFixed(0)} records/s offered in chunks of ${OPEN_CHUNK}: queryable [${machineNote(openMachine)}]`,
        value: openLatencies.count / openSeconds,
        unit: 'records/s',
      },
      {
        name: '  end-to-end latency p50 (intended send → queryable)',
        value: openLatencies.p50,
        unit: 's',
      },
      {
        name: '  end-to-end latency p99 (intended send → queryable)',
        value: openLatencies.p99,
        unit: 's',
        target: '< 1 s',
        meetsTarget: openLatencies.p99 < 1,
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
        nominalsObserved: observed,
        chunkSize: CHUNK,
        pollIntervalMs: 50,
        openLoop: {
          offeredRecordsPerSec: offered,
          chunkSize: OPEN_CHUNK,
          chunksSent: openRun.sent,
          errors: openRun.errors,
          firstError: openRun.firstError,
          maxChunksInFlight: openRun.maxInFlight,
          recordsObserved: openLatencies.count,
          latencySeconds: openLatencies,
        },
        machineLoad: {
          kafkaCeiling: ceilingMachine,
          saturation: saturationMachine,
          openLoop: openMachine,
        },
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
