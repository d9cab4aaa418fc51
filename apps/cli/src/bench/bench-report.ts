import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { KafkaConfig } from '@intel/config';
import { textTable } from '../text-table';

/** What the suites that run services get: the stack they run on, and --quick. */
export interface StackBenchOptions {
  quick?: boolean;
  /**
   * The hub's database to use and keep (suites that load the national index): a later run with
   * the same name skips the load and the index's first build.
   */
  keepDatabase?: string;
  /**
   * The open loop's offered rate (query: calls/s, pipeline: records/s); by default half the
   * saturation rate measured in the same run.
   */
  rate?: number;
  /**
   * query, analyst: a directory for the measured hub's CPU profile (`node --cpu-prof`, written when the
   * hub stops at the end of the run; it covers the restart too).
   */
  profileHub?: string;
  /**
   * The hub keeps its index snapshot in this directory (HUB_SNAPSHOT_DIR, docs/hub.md "Snapshot
   * and restart"): its graceful stops write it and its restarts load it. Unset: none.
   */
  snapshotDir?: string;
  databaseUrl: string;
  /** The environment a service needs to reach Kafka as this principal (force-36, hub). */
  kafkaEnv: (principal: string) => Record<string, string>;
  /** A Kafka client's settings as this principal (the bench's own probes run as admin). */
  kafkaClient: (principal: string, clientId: string) => KafkaConfig;
}

/** One measured figure, reported beside the ceiling measured in the same run (docs/benchmarks.md, "Method"). */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The raw ceiling measured in the same run, when there is one. */
  ceiling?: { name: string; value: number };
  /** Target from the issue, for the table. */
  target?: string;
  meetsTarget?: boolean;
}

export interface BenchSuiteResult {
  suite: string;
  startedAt: string;
  durationSeconds: number;
  environment: { node: string; cpus: number; platform: string };
  parameters: Record<string, unknown>;
  figures: BenchFigure[];
}

/**
 * A suite's result envelope, for suites that run in this process: when it started, how long it
 * took, this machine's node and cores, the suite's parameters and figures.
 */
export function benchResult(
  suite: string,
  startedMs: number,
  parameters: Record<string, unknown>,
  figures: BenchFigure[],
): BenchSuiteResult {
  return {
    suite,
    startedAt: new Date(startedMs).toISOString(),
    durationSeconds: (Date.now() - startedMs) / 1000,
    environment: { node: process.version, cpus: cpus().length, platform: process.platform },
    parameters,
    figures,
  };
}

export const BENCH_RESULTS_DIR = join(process.cwd(), 'bench', 'results');

/**
 * Writes the suite's result into bench/results/latest.json (keyed by suite, so running one suite
 * keeps the others' last figures) and bench/results/<suite>-<timestamp>.json, then prints a table.
 */
export function reportBench(result: BenchSuiteResult): void {
  mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
  const latestPath = join(BENCH_RESULTS_DIR, 'latest.json');
  const latest: Record<string, BenchSuiteResult> = existsSync(latestPath)
    ? (JSON.parse(readFileSync(latestPath, 'utf8')) as Record<string, BenchSuiteResult>)
    : {};
  latest[result.suite] = result;
  writeFileSync(latestPath, JSON.stringify(latest, null, 2) + '\n');
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  writeFileSync(
    join(BENCH_RESULTS_DIR, `${result.suite}-${stamp}.json`),
    JSON.stringify(result, null, 2) + '\n',
  );
  printTable(result);
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-GB');
  return n.toPrecision(4);
}

function printTable(result: BenchSuiteResult): void {
  const rows = result.figures.map((f) => [
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.ceiling ? `${fmt(f.ceiling.value)} (${f.ceiling.name})` : '',
    f.ceiling && f.ceiling.value !== 0 ? `${(f.value / f.ceiling.value).toFixed(3)}` : '',
    f.target ?? '',
    f.meetsTarget === undefined ? '' : f.meetsTarget ? 'yes' : 'NO',
  ]);
  const header = ['figure', 'measured', 'ceiling (same run)', 'ratio', 'target', 'met'];
  console.log(`\nbench ${result.suite} (${result.durationSeconds.toFixed(1)} s)`);
  for (const line of textTable(header, rows)) console.log(line);
  console.log(`\nwritten to ${join('bench', 'results', 'latest.json')}`);
}
