import { Client } from 'pg';
import { NominalState, PersonRecord } from '@intel/contracts';
import { dropDatabase, withDatabase } from '@intel/db';
import { generatePersons, type GeneratedRecord } from '@intel/synthetic';
import { handlingP, startService, type RunningNode } from '@intel/testing';
import type { BenchFigure, StackBenchOptions } from './bench-report';
import { seconds } from './bench-stats';
import { benchHubEnv } from './pipeline.bench';

/** Generated records as the force nominals the hub holds (one source record each). */
async function bulkLoad(db: Client, records: GeneratedRecord[], log: (s: string) => void) {
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

/** How many force nominals `dbName` holds; undefined when there is no such database (yet). */
async function nominalsIn(databaseUrl: string, dbName: string): Promise<number | undefined> {
  const db = new Client({ connectionString: withDatabase(databaseUrl, dbName) });
  try {
    await db.connect();
  } catch (err) {
    if ((err as { code?: string }).code === '3D000') return undefined; // no such database
    throw err;
  }
  try {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM force_nominal`);
    return Number(rows[0]?.n);
  } catch {
    return undefined; // created, but the hub never made its schema
  } finally {
    await db.end();
  }
}

export interface IndexedHub {
  /** The generated records the index was loaded from (seeded: the same in every run). */
  records: GeneratedRecord[];
  hub: RunningNode;
  /** National persons the index holds. */
  nationalPersons: number;
  /** Undefined when a kept database already held the index (nothing was loaded or built). */
  loadSeconds?: number;
  indexSeconds?: number;
  restartSeconds: number;
}

/**
 * A hub serving the national index of `persons` generated persons (seed 4242, ten forces, a
 * tenth with a second record), bulk-loaded as force nominals into the hub's database `dbName`
 * and indexed at the hub's first start; then restarted, so that it serves the index it stored
 * (persons, links, parameters) as a production hub does after any restart. `env` is the hub's
 * environment (its database among it). When `dbName` already holds exactly these nominals (a
 * database kept from an earlier run), the load and the first start are skipped.
 */
export async function startIndexedHub(args: {
  databaseUrl: string;
  dbName: string;
  persons: number;
  env: Record<string, string>;
  log: (s: string) => void;
}): Promise<IndexedHub> {
  const { databaseUrl, dbName, persons, env, log } = args;
  log(`generating ${persons.toLocaleString('en-GB')} persons …`);
  const records = generatePersons({
    persons,
    forces: 10,
    seed: 4242,
    profile: { extraRecords: 0.1 },
  });
  let loadSeconds: number | undefined;
  let indexSeconds: number | undefined;
  if ((await nominalsIn(databaseUrl, dbName)) !== records.length) {
    // A hub on the empty database creates the schema; then the index is bulk-loaded.
    await (await startService('intel-hub', env, { timeoutMs: 120_000 })).stop();
    const db = new Client({ connectionString: withDatabase(databaseUrl, dbName) });
    await db.connect();
    loadSeconds = await bulkLoad(db, records, log);
    await db.end();
    log(`starting the hub on ${records.length.toLocaleString('en-GB')} nominals …`);
    const t0 = process.hrtime.bigint();
    await (await startService('intel-hub', env, { timeoutMs: 3_600_000 })).stop();
    indexSeconds = seconds(t0);
  } else log(`database ${dbName} already holds the index: not loaded again`);
  log('starting the hub (index restored from the database) …');
  const t1 = process.hrtime.bigint();
  const hub = await startService('intel-hub', env, { timeoutMs: 3_600_000 });
  const restartSeconds = seconds(t1);
  const stats = new Client({ connectionString: withDatabase(databaseUrl, dbName) });
  await stats.connect();
  const nationalPersons = Number(
    (await stats.query<{ n: string }>(`SELECT count(DISTINCT person_id) AS n FROM person_member`))
      .rows[0]?.n,
  );
  await stats.end();
  return { records, hub, nationalPersons, loadSeconds, indexSeconds, restartSeconds };
}

/** The index's set-up figures (those a kept database skipped are left out). */
export function indexFigures(h: IndexedHub): BenchFigure[] {
  return [
    ...(h.indexSeconds === undefined
      ? []
      : [
          {
            name: 'hub first start: index built from the database',
            value: h.indexSeconds,
            unit: 's',
          },
        ]),
    { name: 'hub restart: index restored from the database', value: h.restartSeconds, unit: 's' },
    ...(h.loadSeconds === undefined
      ? []
      : [
          {
            name: 'bulk load of force nominals',
            value: h.records.length / h.loadSeconds,
            unit: 'rows/s',
          },
        ]),
  ];
}

/** A suite's scale: generated persons in the index, and how long each measurement runs. */
export function benchScale(opts: StackBenchOptions): { persons: number; durationMs: number } {
  return opts.quick
    ? { persons: 100_000, durationMs: 10_000 }
    : { persons: 1_000_000, durationMs: 20_000 };
}

/** The hub's database for a run: the one kept between runs when asked for, else a fresh one. */
export function benchDatabase(opts: StackBenchOptions, prefix: string): string {
  return opts.keepDatabase ?? `${prefix}${Date.now().toString(36)}`;
}

/** Drops the run's database unless it is kept for the next run. */
export async function dropBenchDatabase(opts: StackBenchOptions, dbName: string): Promise<void> {
  if (opts.keepDatabase === dbName) return;
  await dropDatabase(opts.databaseUrl, dbName).catch(() => undefined);
}

/** A bench hub's environment for serving the national index at scale (`extra` last). */
export function nationalHubEnv(
  opts: StackBenchOptions,
  dbName: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return benchHubEnv(opts, dbName, {
    // The heap a national index needs, and a young generation large enough that a query's
    // short-lived objects die in it: with the default (16 MB semi-spaces) the hub scavenged
    // every ~14 MB allocated, 188 times (3.7 s of pauses) in 75 s of 110k query load; with
    // 64 MB, 36 times (1.2 s). docs/hub.md: run the hub with the same flags at this scale.
    NODE_OPTIONS: HUB_NODE_OPTIONS,
    // The cold-start parameters, not EM over the whole index at every start.
    HUB_TRAIN_MIN_RECORDS: String(Number.MAX_SAFE_INTEGER),
    // One bench client probes thousands of times a second: answers stay comparable with
    // earlier runs only if its hit-only results are not withheld by the probe rate.
    HUB_PROBE_BURST: '1000000',
    HUB_PROBE_REFILL_PER_HOUR: '100000000',
    ...extra,
  });
}

/** The node flags a hub serving the national index runs with (docs/hub.md). */
export const HUB_NODE_OPTIONS = '--max-old-space-size=16000 --max-semi-space-size=64';
