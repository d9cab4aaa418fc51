import { resolve } from 'node:path';
import { Client } from 'pg';
import { NominalState } from '@intel/contracts';
import { dropDatabase, withDatabase } from '@intel/db';
import { streamPeople, type GeneratedRecord } from '@intel/synthetic';
import {
  covertHandling,
  generatedNominal,
  handlingP,
  startService,
  type RunningNode,
} from '@intel/testing';
import type { BenchFigure, StackBenchOptions } from './bench-report';
import { seconds } from './bench-stats';
import type { MixRecord } from './query-mix';
import { benchHubEnv } from './pipeline.bench';

/** Nominals of the bench's population that are handling code C: one in twenty. */
export function isRestrictedNominal(i: number): boolean {
  return i % 20 === 7;
}

/** A bench nominal's id; C nominals are told apart by theirs, so a kept database can be checked. */
export const nominalId = (i: number) => (isRestrictedNominal(i) ? `bench-${i}c` : `bench-${i}`);

/** The i-th bench nominal's state as stored (protobuf). */
export function nominalState(g: GeneratedRecord, i: number): Buffer {
  const state = generatedNominal(g, nominalId(i), {
    handling: isRestrictedNominal(i) ? covertHandling() : handlingP(),
  });
  return Buffer.from(NominalState.encode(state).finish());
}

/** Inserts one chunk of generated records as force nominals (one source record each). */
async function insertNominals(db: Client, chunk: GeneratedRecord[], from: number): Promise<void> {
  await db.query(
    `INSERT INTO force_nominal (force_code, nominal_id, version, state)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[])`,
    [
      chunk.map((g) => g.forceCode),
      chunk.map((_, k) => nominalId(from + k)),
      chunk.map(() => 1),
      chunk.map((g, k) => nominalState(g, from + k)),
    ],
  );
}

/** How many force nominals (and C ones) `dbName` holds; undefined when there is no such database. */
async function nominalsIn(
  databaseUrl: string,
  dbName: string,
): Promise<{ all: number; restricted: number } | undefined> {
  const db = new Client({ connectionString: withDatabase(databaseUrl, dbName) });
  try {
    await db.connect();
  } catch (err) {
    if ((err as { code?: string }).code === '3D000') return undefined; // no such database
    throw err;
  }
  try {
    const { rows } = await db.query<{ n: string; c: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE nominal_id LIKE 'bench-%c') AS c
       FROM force_nominal`,
    );
    return { all: Number(rows[0]?.n), restricted: Number(rows[0]?.c) };
  } catch {
    return undefined; // created, but the hub never made its schema
  } finally {
    await db.end();
  }
}

/**
 * Streams the bench's population (seed 4242, ten forces, a tenth of persons with a second
 * record) person by person, each person's records as loaded (force, record, handling code C or
 * not), holding one chunk of records at a time; `insert` gets each chunk with the number of its
 * first nominal.
 */
async function streamPopulation(
  persons: number,
  onPerson: (records: MixRecord[], firstNominal: number) => void,
  insert?: (chunk: GeneratedRecord[], from: number) => Promise<void>,
): Promise<number> {
  let nominals = 0;
  let chunk: GeneratedRecord[] = [];
  for (const person of streamPeople({
    persons,
    forces: 10,
    seed: 4242,
    profile: { extraRecords: 0.1 },
  })) {
    onPerson(
      person.map((g, k) => ({ ...g, restricted: isRestrictedNominal(nominals + k) })),
      nominals,
    );
    nominals += person.length;
    chunk.push(...person);
    if (chunk.length >= 10_000) {
      await insert?.(chunk, nominals - chunk.length);
      chunk = [];
    }
  }
  if (chunk.length > 0) await insert?.(chunk, nominals - chunk.length);
  return nominals;
}

/** The national index prepared in the hub's database; the hub is stopped. */
export interface PreparedIndex {
  /** Force nominals the index holds (generated records), and how many are handling code C. */
  nominals: number;
  restricted: number;
  /** Undefined when a kept database already held the index (nothing was loaded or built). */
  loadSeconds?: number;
  indexSeconds?: number;
}

/**
 * The national index of `persons` generated persons (seed 4242, ten forces, a tenth with a
 * second record, one nominal in twenty handling code C), streamed into the hub's database
 * `dbName` as force nominals and indexed at a first start of the hub, which is then stopped.
 * Every person passes `onPerson` as it streams by; nothing else of the population is kept.
 * When `dbName` already holds exactly these nominals (a database kept from an earlier run),
 * only the stream is made: nothing is loaded or built.
 */
export async function prepareIndex(args: {
  databaseUrl: string;
  dbName: string;
  persons: number;
  env: Record<string, string>;
  log: (s: string) => void;
  onPerson: (records: MixRecord[], firstNominal: number) => void;
}): Promise<PreparedIndex> {
  const { databaseUrl, dbName, persons, env, log, onPerson } = args;
  log(`generating ${persons.toLocaleString('en-GB')} persons …`);
  let restricted = 0;
  const counting = (records: MixRecord[], first: number) => {
    restricted += records.filter((r) => r.restricted).length;
    onPerson(records, first);
  };
  const held = await nominalsIn(databaseUrl, dbName);
  if (held && held.all > 0) {
    const nominals = await streamPopulation(persons, counting);
    if (held.all !== nominals || held.restricted !== restricted)
      throw new Error(
        `database ${dbName} holds ${held.all} nominals (${held.restricted} C), not this population's ${nominals} (${restricted} C): drop it or keep another`,
      );
    log(`database ${dbName} already holds the index: not loaded again`);
    return { nominals, restricted };
  }
  // A hub on the empty database creates the schema; then the index is bulk-loaded. That hub
  // keeps no snapshot: its empty index's, at the watermark the bulk load leaves as it is (the
  // nominals are inserted, not resolved), would be loaded by the next start as current.
  const { HUB_SNAPSHOT_DIR: _none, ...schemaEnv } = env;
  await (await startService('intel-hub', schemaEnv, { timeoutMs: 600_000 })).stop();
  const db = new Client({ connectionString: withDatabase(databaseUrl, dbName) });
  await db.connect();
  const t0 = process.hrtime.bigint();
  const nominals = await streamPopulation(persons, counting, async (chunk, from) => {
    await insertNominals(db, chunk, from);
    if (Math.floor(from / 100_000) !== Math.floor((from + chunk.length) / 100_000))
      log(`bulk-loaded ${(from + chunk.length).toLocaleString('en-GB')} nominals`);
  });
  const loadSeconds = seconds(t0);
  await db.end();
  log(`starting the hub on ${nominals.toLocaleString('en-GB')} nominals …`);
  const t1 = process.hrtime.bigint();
  const first = await startService('intel-hub', env, { timeoutMs: 3_600_000 });
  const indexSeconds = seconds(t1);
  logLoad(first.logs, log);
  await first.stop();
  return { nominals, restricted, loadSeconds, indexSeconds };
}

/** A hub started on its prepared index, with how long the start took and its national persons. */
export interface StartedHub {
  hub: RunningNode;
  /** The start on a database that already holds the index: the restart time. */
  restartSeconds: number;
  /**
   * How that start loaded its index, as its `index-loaded` log line says: `snapshot` (its
   * snapshot, with what was committed since replayed), `restored` (from the database),
   * `rebuilt`; `unknown` when the line is not in the logs kept.
   */
  loadMode: string;
  nationalPersons: number;
}

/**
 * What a hub's `index-loaded` log line (its latest) says: how it loaded its index (`mode`,
 * `unknown` when no such line was kept) and how many nominals the index holds.
 */
export function indexLoaded(logs: readonly string[]): {
  mode: string;
  nominals?: number;
  /** Where the load's time went (ms by phase), as the line gives it. */
  build?: unknown;
} {
  for (let i = logs.length - 1; i >= 0; i--) {
    const line = logs[i] as string;
    if (!line.includes('"index-loaded"')) continue;
    try {
      const { mode, nominals, build } = JSON.parse(line) as {
        mode?: unknown;
        nominals?: unknown;
        build?: unknown;
      };
      if (typeof mode === 'string')
        return {
          mode,
          ...(typeof nominals === 'number' ? { nominals } : {}),
          ...(build === undefined ? {} : { build }),
        };
    } catch {
      // Not a JSON line: look further back.
    }
  }
  return { mode: 'unknown' };
}

/** Logs where a hub's load went (its `index-loaded` line's phases), and returns that line's figures. */
function logLoad(
  logs: readonly string[],
  log: (s: string) => void,
): ReturnType<typeof indexLoaded> {
  const loaded = indexLoaded(logs);
  if (loaded.build !== undefined)
    log(`the hub's load (${loaded.mode}), ms by phase: ${JSON.stringify(loaded.build)}`);
  return loaded;
}

const LOAD_MODE_TEXT: Record<string, string> = {
  snapshot: 'index loaded from its snapshot',
  restored: 'index restored from the database',
  rebuilt: 'index rebuilt from the database',
};

/** Starts the hub on a database that holds its index (restored, as after any restart). */
export async function restartHub(
  databaseUrl: string,
  dbName: string,
  env: Record<string, string>,
  log: (s: string) => void,
  /** The nominals the database holds: the index must hold them all, or nothing is measured. */
  nominals: number,
  /** node's own flags for the hub (e.g. --cpu-prof). */
  nodeArgs: string[] = [],
): Promise<StartedHub> {
  log('starting the hub on its database (from its snapshot, if it has one) …');
  const t1 = process.hrtime.bigint();
  const hub = await startService('intel-hub', env, { timeoutMs: 3_600_000, nodeArgs });
  const restartSeconds = seconds(t1);
  const loaded = logLoad(hub.logs, log);
  if (loaded.nominals !== undefined && loaded.nominals !== nominals) {
    await hub.stop();
    throw new Error(
      `the hub's index (${loaded.mode}) holds ${loaded.nominals} nominals, its database ${nominals}: the figures would not be the population's`,
    );
  }
  const stats = new Client({ connectionString: withDatabase(databaseUrl, dbName) });
  await stats.connect();
  const nationalPersons = Number(
    (await stats.query<{ n: string }>(`SELECT count(DISTINCT person_id) AS n FROM person_member`))
      .rows[0]?.n,
  );
  await stats.end();
  return { hub, restartSeconds, loadMode: loaded.mode, nationalPersons };
}

export type IndexedHub = PreparedIndex & StartedHub;

/** The hub's node flags: `--cpu-prof` into `dir` when a profile is asked for. */
export const profiled = (dir: string | undefined): string[] =>
  dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`];

/** prepareIndex, then the hub started on it (for suites that measure nothing with it stopped). */
export async function startIndexedHub(
  args: Parameters<typeof prepareIndex>[0],
  /** node's own flags for the hub (e.g. --cpu-prof). */
  nodeArgs: string[] = [],
): Promise<IndexedHub> {
  const prepared = await prepareIndex(args);
  return {
    ...prepared,
    ...(await restartHub(
      args.databaseUrl,
      args.dbName,
      args.env,
      args.log,
      prepared.nominals,
      nodeArgs,
    )),
  };
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
    {
      name: `hub restart (stopped, started on the same database: ${
        LOAD_MODE_TEXT[h.loadMode] ?? 'index loaded, how not logged'
      })`,
      value: h.restartSeconds,
      unit: 's',
    },
    ...(h.loadSeconds === undefined
      ? []
      : [
          {
            name: 'bulk load of force nominals',
            value: h.nominals / h.loadSeconds,
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
    // As the Helm chart runs the hub: glibc's mmap threshold held at its default, so the
    // index's large columns freed while it grows go back to the system.
    MALLOC_MMAP_THRESHOLD_: '131072',
    // The cold-start parameters, not EM over the whole index at every start.
    HUB_TRAIN_MIN_RECORDS: String(Number.MAX_SAFE_INTEGER),
    // One bench client probes thousands of times a second: answers stay comparable with
    // earlier runs only if its hit-only results are not withheld by the probe rate.
    HUB_PROBE_BURST: '1000000',
    HUB_PROBE_REFILL_PER_HOUR: '100000000',
    // A stop writes the snapshot (seconds at 1M): within the shutdown's grace.
    ...(opts.snapshotDir
      ? { HUB_SNAPSHOT_DIR: opts.snapshotDir, SHUTDOWN_GRACE_MS: '300000' }
      : {}),
    ...extra,
  });
}

/** The node flags a hub serving the national index runs with (docs/hub.md). */
export const HUB_NODE_OPTIONS = '--max-old-space-size=16000 --max-semi-space-size=64';
