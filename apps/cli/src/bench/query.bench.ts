import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import {
  PersonRecord,
  PurposeCode,
  type CheckIdentifiersRequest,
  type CheckPersonRequest,
} from '@intel/contracts';
import { withDatabase } from '@intel/db';
import { QueryClient } from '@intel/grpc';
import { validateCheckIdentifiers, validateCheckPerson } from '@intel/records';
import { type RunningNode } from '@intel/testing';
import type { BenchFigure, BenchSuiteResult, StackBenchOptions } from './bench-report';
import {
  benchDatabase,
  benchScale,
  dropBenchDatabase,
  indexFigures,
  nationalHubEnv,
  startIndexedHub,
} from './bench-index';
import { environment } from './bench-stats';
import { drive, measureBesideCeiling, type Load } from './load-driver';

/** Calls in flight when measuring throughput; latency is measured one call at a time. */
const CONCURRENCY = 16;
const justification = {
  purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
  reason: 'benchmark: national index query load',
  operationRef: 'BENCH',
};

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

/**
 * `npm run bench -- query`: CheckPerson and CheckIdentifiers QPS and latency p50/p99 against a hub
 * holding the national index of generated persons (1,000,000; 100,000 with --quick), bulk-loaded
 * into its database and indexed at start, beside a bare grpc-js server for the same service in
 * the same run, driven by the same client at the same concurrency. Every hub call is validated,
 * answered, audited (hash chain) and may raise alerts, as in production.
 */
export async function runQueryBench(opts: StackBenchOptions): Promise<BenchSuiteResult> {
  const started = new Date();
  const { persons, durationMs } = benchScale(opts);
  const dbName = benchDatabase(opts, 'bench_hub_q');
  const log = (s: string) => process.stderr.write(`[bench query] ${s}\n`);
  const env = nationalHubEnv(opts, dbName);
  let hub: RunningNode | undefined;
  let echo: Awaited<ReturnType<typeof startEcho>> | undefined;
  const clients: QueryClient[] = [];
  try {
    const loaded = await startIndexedHub({
      databaseUrl: opts.databaseUrl,
      dbName,
      persons,
      env,
      log,
    });
    const { records, nationalPersons: nPersons } = loaded;
    hub = loaded.hub;

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
    const measure = (
      what: string,
      hubCall: (i: number) => Promise<unknown>,
      echoCall: (i: number) => Promise<unknown>,
    ) => {
      log(`measuring ${what} …`);
      return measureBesideCeiling({
        serverPids: () => (hub?.process.pid ? [hub.process.pid] : []),
        ceilingPids: () => echo?.pid ?? [],
        call: hubCall,
        ceilingCall: echoCall,
        durationMs,
        oneAtATimeMs: durationMs,
        concurrency: CONCURRENCY,
      });
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
        ceiling: { name: 'bare grpc-js server', value: m.ceilingLoad.qps },
        target: '≥ 0.5 of the ceiling',
        meetsTarget: m.load.qps >= 0.5 * m.ceilingLoad.qps,
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
        value: m.cpu.server,
        unit: 'ms',
        ceiling: { name: 'bare server', value: m.cpu.ceiling },
      },
      { name: `  PostgreSQL per ${rpc} (audit, alerts)`, value: m.cpu.postgres, unit: 'ms' },
      {
        name: `  bench client per ${rpc}`,
        value: m.cpu.client,
        unit: 'ms',
        ceiling: { name: 'bare server call', value: m.cpu.ceilingClient },
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
        value: cp.ceilingOne.p99Ms,
        unit: 'ms',
      },
      ...indexFigures(loaded),
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
          echo:
            cp.ceilingLoad.errors +
            cp.ceilingOne.errors +
            ci.ceilingLoad.errors +
            ci.ceilingOne.errors,
        },
      },
      figures,
    };
  } finally {
    for (const c of clients) c.close();
    echo?.stop();
    await hub?.stop();
    await dropBenchDatabase(opts, dbName);
  }
}
