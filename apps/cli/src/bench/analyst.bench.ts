import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { PersonRecord } from '@intel/contracts';
import { withDatabase } from '@intel/db';
import { ALL_ROUTES } from '../../../intel-hub/src/analyst/http/routes';
import { FORCE_CODES } from '@intel/synthetic';
import type { RunningNode } from '@intel/testing';
import {
  HUB_NODE_OPTIONS,
  benchDatabase,
  benchScale,
  dropBenchDatabase,
  indexFigures,
  nationalHubEnv,
  profiled,
  startIndexedHub,
} from './bench-index';
import { BenchHttpClient } from './bench-http';
import { BenchIssuer, type BenchUser } from './bench-oidc';
import type { BenchFigure, BenchSuiteResult, StackBenchOptions } from './bench-report';
import { environment } from './bench-stats';
import { drive, measureBesideCeiling, type BesideCeiling } from './load-driver';
import type { MixRecord } from './query-mix';

/** Concurrent analysts, each its own user (token `sub`) with its own consultation. */
const USERS = 16;
const API = '/api/v1';

/** A person search as the page sends it. */
interface SearchBody {
  names: { given?: string; family?: string }[];
  dateOfBirth?: string;
  maxResults: number;
}

interface Consultation {
  consultationId: string;
}

/** The bare Nest route server (analyst-bare-server.ts) as its own process, with the hub's flags. */
async function startBareServer(): Promise<{ url: string; pid: number[]; stop: () => void }> {
  const script = join(__dirname, 'analyst-bare-server.js');
  const child = spawn(process.execPath, [...HUB_NODE_OPTIONS.split(' '), script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (l) =>
      resolve((JSON.parse(l) as { port: number }).port),
    );
    child.once('exit', (code) => reject(new Error(`bare route server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ? [child.pid] : [],
    stop: () => child.kill('SIGTERM'),
  };
}

/** The port the hub's analysts' API bound, from its ready log line. */
function analystPort(hub: RunningNode): number {
  for (const line of hub.logs) {
    if (!line.includes('"event":"ready"')) continue;
    const port = (JSON.parse(line) as { analystHttpPort?: number }).analystHttpPort;
    if (typeof port === 'number') return port;
  }
  throw new Error('the hub did not log an analystHttpPort: is the analysts’ API enabled?');
}

/**
 * Name and date-of-birth searches built from every 97th loaded record (typos and all), as
 * analysts type, collected while the population streams into the index.
 */
function searchCollector(n: number) {
  const out: SearchBody[] = [];
  const onPerson = (records: MixRecord[], firstNominal: number) =>
    records.forEach((g, k) => {
      if ((firstNominal + k) % 97 !== 0 || out.length >= n) return;
      const r = PersonRecord.fromJSON(g.record);
      const name = r.names[0];
      const d = r.dateOfBirth;
      if (!name?.family || !d?.year) return;
      const pad = (x: number) => String(x).padStart(2, '0');
      out.push({
        names: [{ given: name.given.join(' '), family: name.family }],
        dateOfBirth: d.month && d.day ? `${d.year}-${pad(d.month)}-${pad(d.day)}` : String(d.year),
        maxResults: 10,
      });
    });
  return { searches: out, onPerson };
}

/** National persons spread over the index (a hash order, not the load order). */
async function personIds(databaseUrl: string, dbName: string, n: number): Promise<string[]> {
  const db = new Client({ connectionString: withDatabase(databaseUrl, dbName) });
  await db.connect();
  try {
    const { rows } = await db.query<{ person_id: string }>(
      `SELECT person_id FROM (SELECT DISTINCT person_id FROM person_member) p
       ORDER BY md5(person_id::text) LIMIT $1`,
      [n],
    );
    return rows.map((r) => r.person_id);
  } finally {
    await db.end();
  }
}

/**
 * `npm run bench -- analyst`: the analysts' API's person search (POST /persons/search) and
 * dossier (GET /persons/{id}) with the benchmark's national index loaded in the hub (1,000,000
 * generated persons; 100,000 with --quick; the query bench's index), requests per second and
 * p50/p99 with 16 analysts working at once, each its own user with its own token and
 * consultation. Beside it, in the same run and from the same client, a bare route of the same
 * framework (Nest 11 on express, helmet, JSON body parsing; its own process with the hub's node
 * flags) that answers a small JSON at once. Every hub request is authenticated (JWT against
 * the bench's own issuer's JWKS), justified, answered from the index, and audited in the hash
 * chain before it returns, as in production.
 */
export async function runAnalystBench(opts: StackBenchOptions): Promise<BenchSuiteResult> {
  const started = new Date();
  const { persons, durationMs } = benchScale(opts);
  const dbName = benchDatabase(opts, 'bench_hub_a');
  const log = (s: string) => process.stderr.write(`[bench analyst] ${s}\n`);
  const issuer = await BenchIssuer.start();
  // A benchmark analyst makes far more requests a minute than the anti-trawling limit allows a
  // person at a desk: the limit is raised for this hub, or it would measure 429s.
  const rateLimit = { ANALYST_RATE_BURST: '100000', ANALYST_RATE_PER_MINUTE: '1000000' };
  const env = nationalHubEnv(opts, dbName, {
    ANALYST_HTTP_ENABLED: 'true',
    ANALYST_HTTP_PORT: '0',
    ...issuer.env(),
    ...rateLimit,
  });
  let hub: RunningNode | undefined;
  let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;
  const clients: BenchHttpClient[] = [];
  try {
    const collected = searchCollector(5000);
    const loaded = await startIndexedHub(
      {
        databaseUrl: opts.databaseUrl,
        dbName,
        persons,
        env,
        log,
        onPerson: collected.onPerson,
      },
      profiled(opts.profileHub),
    );
    hub = loaded.hub;
    const hubHttp = new BenchHttpClient(`http://127.0.0.1:${analystPort(hub)}`, USERS);
    clients.push(hubHttp);
    bare = await startBareServer();
    const bareHttp = new BenchHttpClient(bare.url, USERS);
    clients.push(bareHttp);

    // 16 analysts of the index's forces, each with a token and a consultation of their own.
    const users: BenchUser[] = Array.from({ length: USERS }, (_, k) => ({
      sub: `bench-analyst-${String(k + 1).padStart(2, '0')}`,
      name: `Bench Analyst ${k + 1}`,
      force: FORCE_CODES[k % 10] as string,
      roles: ['analyst'],
    }));
    const headers = await Promise.all(
      users.map(async (u) => {
        const authorization = `Bearer ${await issuer.mint(u)}`;
        const c = await hubHttp.json<Consultation>(
          'POST',
          `${API}/consultations`,
          { authorization },
          {
            purposeCode: 'PREVENTING_OFFENCES',
            reason: 'benchmark: analysts searching the national index',
            operationRef: 'BENCH',
          },
        );
        return { authorization, 'x-consultation-id': c.consultationId };
      }),
    );

    const bodies = collected.searches;
    const ids = await personIds(opts.databaseUrl, dbName, 5000);
    log(`${bodies.length} searches and ${ids.length} national persons to read`);
    const body = (i: number) => bodies[i % bodies.length] as SearchBody;
    const id = (i: number) => encodeURIComponent(ids[i % ids.length] as string);
    const search = (http: BenchHttpClient) => (i: number, w: number) =>
      http.json('POST', `${API}/persons/search`, headers[w % USERS], body(i));
    const dossier = (http: BenchHttpClient) => (i: number, w: number) =>
      http.json('GET', `${API}/persons/${id(i)}`, headers[w % USERS]);

    // The routes measured: those the analysts' API has (ALL_ROUTES).
    const candidates = [
      { name: 'search', operationId: 'searchPersons', call: search },
      { name: 'dossier', operationId: 'getDossier', call: dossier },
    ];
    const routes = candidates.filter((r) =>
      ALL_ROUTES.some((s) => s.operationId === r.operationId),
    );
    for (const r of candidates)
      if (!routes.includes(r)) log(`the API has no ${r.operationId} route: ${r.name} not measured`);

    // What the searches find, so the table says what the hub did for them.
    let found = 0;
    if (routes.some((r) => r.call === search))
      for (let i = 0; i < 200; i++) found += countResults(await search(hubHttp)(i, i % USERS));

    log('warming up …');
    for (const r of routes) {
      await drive(r.call(hubHttp), 2000, USERS);
      await drive(r.call(bareHttp), 2000, USERS);
    }

    const measure = (
      what: string,
      hubCall: (i: number, w: number) => Promise<unknown>,
      bareCall: (i: number, w: number) => Promise<unknown>,
    ) => {
      log(`measuring ${what} …`);
      return measureBesideCeiling({
        serverPids: () => (hub?.process.pid ? [hub.process.pid] : []),
        ceilingPids: () => bare?.pid ?? [],
        call: hubCall,
        ceilingCall: bareCall,
        durationMs,
        oneAtATimeMs: durationMs / 2,
        concurrency: USERS,
      });
    };
    const runs: { name: string; run: BesideCeiling }[] = [];
    for (const r of routes)
      runs.push({ name: r.name, run: await measure(r.name, r.call(hubHttp), r.call(bareHttp)) });

    const routeFigures = (route: string, m: BesideCeiling): BenchFigure[] => [
      {
        name: `${route} requests/s (${USERS} users)`,
        value: m.load.qps,
        unit: 'req/s',
        ceiling: { name: 'bare Nest route', value: m.ceilingLoad.qps },
        target: '≥ 0.3 of the bare route',
        meetsTarget: m.load.qps >= 0.3 * m.ceilingLoad.qps,
      },
      {
        name: `${route} latency p50 (${USERS} users)`,
        value: m.load.p50Ms,
        unit: 'ms',
        ceiling: { name: 'bare route p50', value: m.ceilingLoad.p50Ms },
      },
      {
        name: `${route} latency p99 (${USERS} users)`,
        value: m.load.p99Ms,
        unit: 'ms',
        ceiling: { name: 'bare route p99', value: m.ceilingLoad.p99Ms },
        target: '< 50 ms',
        meetsTarget: m.load.p99Ms < 50,
      },
      {
        name: `${route} latency p50 / p99 (one at a time)`,
        value: m.one.p50Ms,
        unit: `ms / ${m.one.p99Ms.toPrecision(3)} ms`,
        ceiling: { name: 'bare route p50', value: m.ceilingOne.p50Ms },
      },
      {
        name: `${route} CPU per request, hub`,
        value: m.cpu.server,
        unit: 'ms',
        ceiling: { name: 'bare route server', value: m.cpu.ceiling },
      },
      { name: `  PostgreSQL per ${route} request`, value: m.cpu.postgres, unit: 'ms' },
      {
        name: `  bench client per ${route} request`,
        value: m.cpu.client,
        unit: 'ms',
        ceiling: { name: 'bare route', value: m.cpu.ceilingClient },
      },
    ];
    return {
      suite: 'analyst',
      startedAt: started.toISOString(),
      durationSeconds: (Date.now() - started.getTime()) / 1000,
      environment: environment(),
      parameters: {
        generatedPersons: persons,
        nominals: loaded.nominals,
        nationalPersons: loaded.nationalPersons,
        users: USERS,
        forces: [...new Set(users.map((u) => u.force))],
        durationSeconds: durationMs / 1000,
        hubRateLimit: rateLimit,
        bareRoute:
          "Nest 11 on express set up as the analysts' API (its security headers, no-store, bounded JSON body reader), same paths; its own process, the hub's node flags",
        meanSearchResults: found / 200,
        calls: Object.fromEntries(runs.map((r) => [r.name, r.run.load.calls + r.run.one.calls])),
        errors: Object.fromEntries(
          runs.map((r) => [
            r.name,
            {
              hub: r.run.load.errors + r.run.one.errors,
              bare: r.run.ceilingLoad.errors + r.run.ceilingOne.errors,
            },
          ]),
        ),
      },
      figures: [...runs.flatMap((r) => routeFigures(r.name, r.run)), ...indexFigures(loaded)],
    };
  } finally {
    for (const c of clients) c.close();
    bare?.stop();
    await hub?.stop();
    await issuer.close();
    await dropBenchDatabase(opts, dbName);
  }
}

function countResults(answer: unknown): number {
  const r = (answer as { results?: unknown[] } | undefined)?.results;
  return Array.isArray(r) ? r.length : 0;
}
