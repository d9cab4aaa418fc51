import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import {
  NominalState,
  PersonRecord,
  PurposeCode,
  type CheckIdentifiersRequest,
  type CheckPersonRequest,
} from '@intel/contracts';
import { dropDatabase, withDatabase } from '@intel/db';
import { QueryClient } from '@intel/grpc';
import { validateCheckIdentifiers, validateCheckPerson } from '@intel/records';
import { generatePersons } from '@intel/synthetic';
import { handlingP, startService, type RunningNode } from '@intel/testing';
import type { BenchFigure, BenchSuiteResult, StackBenchOptions } from './bench-report';
import { environment, percentile, seconds } from './bench-stats';
import { CpuMeter, isPostgres, pidsMatching } from './process-cpu';
import { benchHubEnv } from './pipeline.bench';

/** Calls in flight when measuring throughput; latency is measured one call at a time. */
const CONCURRENCY = 16;
const justification = {
  purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
  reason: 'benchmark: national index query load',
  operationRef: 'BENCH',
};

interface Load {
  qps: number;
  p50Ms: number;
  p99Ms: number;
  calls: number;
  errors: number;
}

/** `concurrency` calls in flight for `durationMs`; latency of each, QPS over the run. */
async function drive(
  call: (i: number) => Promise<unknown>,
  durationMs: number,
  concurrency: number,
): Promise<Load> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const t0 = process.hrtime.bigint();
  const until = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const s = process.hrtime.bigint();
        try {
          await call(next++);
          latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
        } catch {
          errors++;
        }
      }
    }),
  );
  const total = seconds(t0);
  latencies.sort((a, b) => a - b);
  return {
    qps: latencies.length / total,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    calls: latencies.length,
    errors,
  };
}

/** The bare grpc-js ceiling server as its own process. */
async function startEcho(): Promise<{ address: string; pid: number[]; stop: () => void }> {
  const child = spawn(process.execPath, [join(__dirname, 'echo-server.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (l) =>
      resolve((JSON.parse(l) as { port: number }).port),
    );
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
  return {
    address: `127.0.0.1:${port}`,
    pid: child.pid ? [child.pid] : [],
    stop: () => child.kill('SIGTERM'),
  };
}

/**
 * The floor under any answer that is audited durably before it is returned: one call to the bare
 * server, then one auto-committed INSERT of an audit-sized row (synchronous_commit as the server
 * has it), one at a time. Its p99 is what this machine's disk and transport allow a hub query's
 * p99 to be, whatever the hub does.
 */
async function auditedEchoFloor(
  databaseUrl: string,
  dbName: string,
  echoCall: (i: number) => Promise<unknown>,
  durationMs: number,
): Promise<{ echoAndCommit: Load; commitOnly: Load }> {
  const db = new Client({ connectionString: withDatabase(databaseUrl, dbName) });
  await db.connect();
  try {
    await db.query(
      `CREATE TABLE IF NOT EXISTS bench_commit_floor (seq bigserial PRIMARY KEY, at timestamptz, entry jsonb)`,
    );
    const entry = JSON.stringify({
      action: 'CheckPerson',
      reason: justification.reason,
      request: { names: [{ given: ['William'], family: 'Hendry' }], dateOfBirth: '1980-01-01' },
      response: { matches: Array.from({ length: 5 }, (_, k) => ({ personId: `p${k}`, score: k })) },
      hash: 'f'.repeat(64),
    });
    const commit = () =>
      db.query({
        name: 'commit_floor',
        text: 'INSERT INTO bench_commit_floor (at, entry) VALUES (now(), $1)',
        values: [entry],
      });
    const commitOnly = await drive(commit, durationMs, 1);
    const echoAndCommit = await drive(
      async (i) => {
        await echoCall(i);
        await commit();
      },
      durationMs,
      1,
    );
    return { echoAndCommit, commitOnly };
  } finally {
    await db.end();
  }
}

/** Generated records as the force nominals the hub holds (one source record each). */
async function bulkLoad(
  db: Client,
  records: ReturnType<typeof generatePersons>,
  log: (s: string) => void,
) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < records.length; i += 10_000) {
    const chunk = records.slice(i, i + 10_000);
    const states = chunk.map((g, k) => {
      const r = PersonRecord.fromJSON(g.record);
      const state: NominalState = {
        nominalId: `bench-${i + k}`,
        version: 1,
        names: r.names,
        datesOfBirth: r.dateOfBirth ? [r.dateOfBirth] : [],
        sex: r.sex,
        identifiers: r.identifiers,
        onlineIdentifiers: r.onlineIdentifiers,
        addresses: r.addresses,
        registrations: [],
        handling: handlingP(),
        subjectCategories: [r.subjectCategory],
        sources: [{ sourceSystem: r.sourceSystem, sourceRecordId: r.sourceRecordId }],
        updatedAt: undefined,
      };
      return Buffer.from(NominalState.encode(state).finish());
    });
    await db.query(
      `INSERT INTO force_nominal (force_code, nominal_id, version, state)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[])`,
      [
        chunk.map((g) => g.forceCode),
        chunk.map((_, k) => `bench-${i + k}`),
        chunk.map(() => 1),
        states,
      ],
    );
    if ((i / 10_000) % 10 === 0)
      log(`bulk-loaded ${(i + chunk.length).toLocaleString('en-GB')} nominals`);
  }
  return seconds(t0);
}

/**
 * `npm run bench -- query`: CheckPerson and CheckIdentifiers QPS and latency p50/p99 against a hub
 * holding the national index of generated persons (1,000,000; 100,000 with --quick), bulk-loaded
 * into its database and indexed at start, beside a bare grpc-js server for the same service in
 * the same run, driven by the same client at the same concurrency. Every hub call is validated,
 * answered, audited (hash chain) and may raise alerts, as in production.
 */
export async function runQueryBench(opts: StackBenchOptions): Promise<BenchSuiteResult> {
  const started = new Date();
  const persons = opts.quick ? 100_000 : 1_000_000;
  const durationMs = opts.quick ? 10_000 : 20_000;
  const dbName = `bench_hub_q${Date.now().toString(36)}`;
  const log = (s: string) => process.stderr.write(`[bench query] ${s}\n`);
  const env = benchHubEnv(opts, dbName, {
    // The heap a national index needs, and a young generation large enough that a query's
    // short-lived objects die in it: with the default (16 MB semi-spaces) the hub scavenged
    // every ~14 MB allocated, 188 times (3.7 s of pauses) in 75 s of 110k query load; with
    // 64 MB, 36 times (1.2 s). docs/hub.md: run the hub with the same flags at this scale.
    NODE_OPTIONS: '--max-old-space-size=16000 --max-semi-space-size=64',
    // The cold-start parameters, not EM over the whole index at every start.
    HUB_TRAIN_MIN_RECORDS: String(Number.MAX_SAFE_INTEGER),
    // One bench client probes thousands of times a second: answers stay comparable with
    // earlier runs only if its hit-only results are not withheld by the probe rate.
    HUB_PROBE_BURST: '1000000',
    HUB_PROBE_REFILL_PER_HOUR: '100000000',
  });
  let hub: RunningNode | undefined;
  let echo: Awaited<ReturnType<typeof startEcho>> | undefined;
  const clients: QueryClient[] = [];
  try {
    log(`generating ${persons.toLocaleString('en-GB')} persons …`);
    const records = generatePersons({
      persons,
      forces: 10,
      seed: 4242,
      profile: { extraRecords: 0.1 },
    });
    // A hub on the empty database creates the schema; then the index is bulk-loaded.
    await (await startService('intel-hub', env, { timeoutMs: 120_000 })).stop();
    const db = new Client({ connectionString: withDatabase(opts.databaseUrl, dbName) });
    await db.connect();
    const loadSeconds = await bulkLoad(db, records, log);
    await db.end();
    log(`starting the hub on ${records.length.toLocaleString('en-GB')} nominals …`);
    const t0 = process.hrtime.bigint();
    hub = await startService('intel-hub', env, { timeoutMs: 3_600_000 });
    const indexSeconds = seconds(t0);
    // Restarted, the hub restores the index it stored (persons, links, parameters) instead of
    // scoring every nominal again; the queries below run against the restored index.
    log('restarting the hub (index restored from the database) …');
    await hub.stop();
    const t1 = process.hrtime.bigint();
    hub = await startService('intel-hub', env, { timeoutMs: 3_600_000 });
    const restartSeconds = seconds(t1);
    const stats = new Client({ connectionString: withDatabase(opts.databaseUrl, dbName) });
    await stats.connect();
    const nPersons = Number(
      (await stats.query<{ n: string }>(`SELECT count(DISTINCT person_id) AS n FROM person_member`))
        .rows[0]?.n,
    );
    await stats.end();

    // Queries: names, date of birth and sex of loaded records (typos and all); identifiers of
    // loaded records. Only requests the hub would accept.
    const personQueries: CheckPersonRequest[] = [];
    const idQueries: CheckIdentifiersRequest[] = [];
    for (let i = 0; i < records.length && personQueries.length < 5000; i += 97) {
      const r = PersonRecord.fromJSON(records[i]?.record);
      const q: CheckPersonRequest = {
        person: {
          names: r.names,
          dateOfBirth: r.dateOfBirth,
          sex: r.sex,
          identifiers: [],
          onlineIdentifiers: [],
          addresses: [],
        },
        justification,
        maxResults: 10,
      };
      try {
        personQueries.push(validateCheckPerson(q));
      } catch {
        /* a generated record with a malformed date: not a query a force would send */
      }
      const oi = r.onlineIdentifiers[0];
      if (oi)
        try {
          idQueries.push(validateCheckIdentifiers({ onlineIdentifiers: [oi], justification }));
        } catch {
          /* malformed generated identifier */
        }
    }
    log(`${personQueries.length} CheckPerson and ${idQueries.length} CheckIdentifiers requests`);

    const hubClient = new QueryClient(hub.grpcAddress, undefined, { devForce: '36' });
    clients.push(hubClient);
    echo = await startEcho();
    const echoClient = new QueryClient(echo.address, undefined, { devForce: '36' });
    clients.push(echoClient);
    const pq = (i: number) => personQueries[i % personQueries.length] as CheckPersonRequest;
    const iq = (i: number) => idQueries[i % idQueries.length] as CheckIdentifiersRequest;

    log('warming up …');
    await drive((i) => hubClient.checkPerson(pq(i)), 2000, CONCURRENCY);
    await drive((i) => echoClient.checkPerson(pq(i)), 2000, CONCURRENCY);
    // Throughput with CONCURRENCY calls in flight; latency of one call at a time (under load,
    // latency is mostly queueing, even on the bare server).
    const measure = async (
      what: string,
      hubCall: (i: number) => Promise<unknown>,
      echoCall: (i: number) => Promise<unknown>,
    ) => {
      log(`measuring ${what} …`);
      // CPU per call under load: the hub (and its PostgreSQL) beside the bare server.
      const hubCpu = new CpuMeter(() => ({
        server: hub?.process.pid ? [hub.process.pid] : [],
        PostgreSQL: pidsMatching(isPostgres),
        client: [process.pid],
      }));
      await hubCpu.start();
      const load = await drive(hubCall, durationMs, CONCURRENCY);
      const loadCpu = await hubCpu.stop();
      const echoCpu = new CpuMeter(() => ({ server: echo?.pid ?? [], client: [process.pid] }));
      await echoCpu.start();
      const echoLoad = await drive(echoCall, durationMs, CONCURRENCY);
      const echoLoadCpu = await echoCpu.stop();
      const perCall = (ms: number | undefined, l: Load) => (ms ?? NaN) / Math.max(1, l.calls);
      return {
        load,
        echoLoad,
        cpu: {
          hub: perCall(loadCpu.server, load),
          postgres: perCall(loadCpu.PostgreSQL, load),
          client: perCall(loadCpu.client, load),
          echo: perCall(echoLoadCpu.server, echoLoad),
          echoClient: perCall(echoLoadCpu.client, echoLoad),
        },
        one: await drive(hubCall, durationMs, 1),
        echoOne: await drive(echoCall, durationMs, 1),
      };
    };
    const cp = await measure(
      'CheckPerson',
      (i) => hubClient.checkPerson(pq(i)),
      (i) => echoClient.checkPerson(pq(i)),
    );
    const ci = await measure(
      'CheckIdentifiers',
      (i) => hubClient.checkIdentifiers(iq(i)),
      (i) => echoClient.checkIdentifiers(iq(i)),
    );

    log('measuring the floor: bare server + one durable commit …');
    const floor = await auditedEchoFloor(
      opts.databaseUrl,
      dbName,
      (i) => echoClient.checkPerson(pq(i)),
      durationMs,
    );

    const rpcFigures = (rpc: string, m: typeof cp): BenchFigure[] => [
      {
        name: `${rpc} QPS (${CONCURRENCY} in flight)`,
        value: m.load.qps,
        unit: 'calls/s',
        ceiling: { name: 'bare grpc-js server', value: m.echoLoad.qps },
        target: '≥ 0.5 of the ceiling',
        meetsTarget: m.load.qps >= 0.5 * m.echoLoad.qps,
      },
      { name: `${rpc} latency p50 (one at a time)`, value: m.one.p50Ms, unit: 'ms' },
      {
        name: `${rpc} latency p99 (one at a time)`,
        value: m.one.p99Ms,
        unit: 'ms',
        // An audited answer cannot beat the bare server plus one durable commit.
        ceiling: { name: 'bare server + durable commit p99', value: floor.echoAndCommit.p99Ms },
        target: '< 5 ms',
        meetsTarget: m.one.p99Ms < 5,
      },
      { name: `${rpc} latency p99 (${CONCURRENCY} in flight)`, value: m.load.p99Ms, unit: 'ms' },
      {
        name: `${rpc} CPU per call, hub (${CONCURRENCY} in flight)`,
        value: m.cpu.hub,
        unit: 'ms',
        ceiling: { name: 'bare server', value: m.cpu.echo },
      },
      { name: `  PostgreSQL per ${rpc} (audit, alerts)`, value: m.cpu.postgres, unit: 'ms' },
      {
        name: `  bench client per ${rpc}`,
        value: m.cpu.client,
        unit: 'ms',
        ceiling: { name: 'bare server call', value: m.cpu.echoClient },
      },
    ];
    const figures: BenchFigure[] = [
      ...rpcFigures('CheckPerson', cp),
      ...rpcFigures('CheckIdentifiers', ci),
      {
        name: 'floor: durable 1-row commit, p50 (one at a time)',
        value: floor.commitOnly.p50Ms,
        unit: 'ms',
      },
      {
        name: 'floor: durable 1-row commit, p99 (one at a time)',
        value: floor.commitOnly.p99Ms,
        unit: 'ms',
      },
      {
        name: 'floor: bare server + durable 1-row commit, p99 (one at a time)',
        value: floor.echoAndCommit.p99Ms,
        unit: 'ms',
      },
      {
        name: 'floor: bare server alone, p99 (one at a time)',
        value: cp.echoOne.p99Ms,
        unit: 'ms',
      },
      { name: 'hub first start: index built from the database', value: indexSeconds, unit: 's' },
      { name: 'hub restart: index restored from the database', value: restartSeconds, unit: 's' },
      { name: 'bulk load of force nominals', value: records.length / loadSeconds, unit: 'rows/s' },
    ];
    return {
      suite: 'query',
      startedAt: started.toISOString(),
      durationSeconds: (Date.now() - started.getTime()) / 1000,
      environment: environment(),
      parameters: {
        generatedPersons: persons,
        nominals: records.length,
        nationalPersons: nPersons,
        concurrency: CONCURRENCY,
        durationSeconds: durationMs / 1000,
        calls: {
          checkPerson: cp.load.calls + cp.one.calls,
          checkIdentifiers: ci.load.calls + ci.one.calls,
        },
        errors: {
          checkPerson: cp.load.errors + cp.one.errors,
          checkIdentifiers: ci.load.errors + ci.one.errors,
          echo: cp.echoLoad.errors + cp.echoOne.errors + ci.echoLoad.errors + ci.echoOne.errors,
        },
      },
      figures,
    };
  } finally {
    for (const c of clients) c.close();
    echo?.stop();
    await hub?.stop();
    await dropDatabase(opts.databaseUrl, dbName).catch(() => undefined);
  }
}
