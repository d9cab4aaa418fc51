import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchEngine, type MatchIndex, type MatchInput } from '@intel/matching';
import { readFileChunks, writeFileAtomically } from '@intel/snapshot';
import { streamPersons } from '@intel/synthetic';
import { benchResult, type BenchFigure, type BenchSuiteResult } from './bench-report';
import { settledMemory } from './heap-settle';

/**
 * An index snapshot against building the index (issue #14: a hub restart at 1M persons in
 * ≤ 30 s). For each size it adds that many generated records (base profile, 10 forces, seed 42)
 * to a fresh index, timed; writes the index's snapshot to a file (`writeFileAtomically`, fsyncs
 * included), timed, and its size; drops the index; loads the snapshot back
 * (`MatchEngine.loadIndex`), timed, and reports the heap the loaded index holds (after a full
 * collection, less what the process held before). 200 queries are answered by the built index
 * and by the loaded one: their answers must be the same, or the run fails.
 *
 * The load is measured twice: in a fresh process, as a restarting hub would (its token table
 * empty: it interns the snapshot's first), and in this one after the built index is dropped (the
 * token table already filled by the build).
 *
 * Needs `--expose-gc` (deploy/local/bench.sh passes it). `quick`: 10k and 100k; otherwise 100k
 * and 1M.
 */
export async function runIndexSnapshotBench(opts: { quick?: boolean }): Promise<BenchSuiteResult> {
  const started = Date.now();
  const sizes = opts.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const figures: BenchFigure[] = [];
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  const settle = async (): Promise<number> => (await settledMemory()).heap;
  const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;
  /** CPU seconds (user + system) since `c0`: the machine is shared, wall time is not all ours. */
  const cpu = (c0: NodeJS.CpuUsage): number => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  const engine = MatchEngine.withPriors();
  const dir = mkdtempSync(join(tmpdir(), 'index-snapshot-bench-'));
  const path = join(dir, 'index.snapshot');
  const measure = async (n: number, label: string): Promise<void> => {
    const queries: MatchInput[] = [];
    const held: { index?: MatchIndex } = {};
    const before = await settle();
    {
      const index = (held.index = engine.createIndex());
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      let i = 0;
      for (const g of streamPersons({ persons: Math.ceil(n / 2), forces: 10, seed: 42 })) {
        if (i >= n) break;
        index.add(`r${i}`, g.record);
        if (i % Math.floor(n / 200) === 0) queries.push(g.record);
        i++;
        if (i % 100_000 === 0) log(`  ${i.toLocaleString('en-GB')} indexed`);
      }
      const build = seconds(t0);
      const buildCpu = cpu(c0);
      const builtHeap = ((await settle()) - before) / 2 ** 20;
      const t1 = process.hrtime.bigint();
      const c1 = process.cpuUsage();
      const bytes = writeFileAtomically(path, index.snapshot());
      const write = seconds(t1);
      const writeCpu = cpu(c1);
      figures.push({ name: `${label}: build by ${n} adds`, value: build, unit: 's' });
      figures.push({ name: `${label}: build by adds, CPU`, value: buildCpu, unit: 's' });
      figures.push({ name: `${label}: heap of the built index`, value: builtHeap, unit: 'MiB' });
      figures.push({ name: `${label}: write snapshot (fsync included)`, value: write, unit: 's' });
      figures.push({ name: `${label}: write snapshot, CPU`, value: writeCpu, unit: 's' });
      figures.push({ name: `${label}: snapshot size`, value: bytes / 2 ** 20, unit: 'MiB' });
      log(
        `${label}: built in ${build.toFixed(1)} s, ${buildCpu.toFixed(1)} s CPU (${builtHeap.toFixed(0)} MiB heap)`,
      );
      log(
        `${label}: snapshot written in ${write.toFixed(2)} s, ${writeCpu.toFixed(2)} s CPU, ` +
          `${(bytes / 2 ** 20).toFixed(0)} MiB`,
      );
      if (statSync(path).size !== bytes)
        throw new Error('the snapshot file is not what was written');
    }
    const want = answersOf(held.index, queries);
    delete held.index;
    await settle();
    // A restart: the snapshot loaded by a fresh process (its token table empty).
    writeFileSync(join(dir, 'queries.json'), JSON.stringify(queries));
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=14000', '-e', FRESH_LOAD, __dirname, path, dir],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const fresh = JSON.parse(child.stdout) as FreshLoad;
    if (fresh.size !== n || fresh.answers !== want)
      throw new Error(`${label}: the index a fresh process loaded answers otherwise`);
    figures.push({
      name: `${label}: load snapshot, fresh process`,
      value: fresh.seconds,
      unit: 's',
    });
    figures.push({
      name: `${label}: heap after the load, fresh process`,
      value: fresh.heap / 2 ** 20,
      unit: 'MiB',
    });
    figures.push({
      name: `${label}: process RSS after the load, fresh process`,
      value: fresh.rss / 2 ** 20,
      unit: 'MiB',
    });
    log(
      `${label}: a fresh process loaded it in ${fresh.seconds.toFixed(2)} s, ${fresh.cpu.toFixed(2)} s CPU ` +
        `(${(fresh.heap / 2 ** 20).toFixed(0)} MiB heap, ${(fresh.rss / 2 ** 20).toFixed(0)} MiB RSS)`,
    );
    const t2 = process.hrtime.bigint();
    const c2 = process.cpuUsage();
    const loaded = await engine.loadIndex(readFileChunks(path));
    const load = seconds(t2);
    const loadCpu = cpu(c2);
    // Against what the process held before the build: the built index's heap is the comparison.
    const loadedHeap = ((await settle()) - before) / 2 ** 20;
    figures.push({ name: `${label}: load snapshot`, value: load, unit: 's' });
    figures.push({ name: `${label}: load snapshot, CPU`, value: loadCpu, unit: 's' });
    figures.push({ name: `${label}: heap of the loaded index`, value: loadedHeap, unit: 'MiB' });
    log(
      `${label}: loaded in ${load.toFixed(2)} s, ${loadCpu.toFixed(2)} s CPU (${loadedHeap.toFixed(0)} MiB heap)`,
    );
    if (loaded.size !== n) throw new Error(`loaded ${loaded.size} records, not ${n}`);
    if (answersOf(loaded, queries) !== want)
      throw new Error(`${label}: the loaded index answers otherwise than the one built`);
  };
  try {
    for (const n of sizes) await measure(n, `${(n / 1000).toFixed(0)}k`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return benchResult('index-snapshot', started, { quick: opts.quick === true, sizes }, figures);
}

/** What an index answers to a few queries, hashed (FRESH_LOAD does the same). */
function answersOf(ix: MatchIndex, queries: readonly MatchInput[]): string {
  const h = createHash('sha256');
  for (const q of queries) h.update(JSON.stringify(ix.query(q)));
  return h.digest('hex');
}

interface FreshLoad {
  seconds: number;
  cpu: number;
  size: number;
  heap: number;
  rss: number;
  answers: string;
}

/**
 * A fresh process that loads the snapshot (argv: this file's directory in dist, the snapshot,
 * the directory holding queries.json) and prints a FreshLoad: the time to load, the heap and
 * resident set after it, and its answers to the queries, hashed as `answersOf` does.
 */
const FRESH_LOAD = `
const { join } = require('node:path');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const [here, path, dir] = process.argv.slice(1);
const { MatchEngine } = require(join(here, '../../../../libs/matching/src/index.js'));
const { readFileChunks } = require(join(here, '../../../../libs/snapshot/src/index.js'));
(async () => {
  gc();
  const m0 = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const ix = await MatchEngine.withPriors().loadIndex(readFileChunks(path));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  gc();
  gc();
  const m1 = process.memoryUsage();
  const h = createHash('sha256');
  for (const q of JSON.parse(readFileSync(join(dir, 'queries.json'), 'utf8')))
    h.update(JSON.stringify(ix.query(q)));
  const heap = m1.heapUsed + m1.arrayBuffers - m0.heapUsed - m0.arrayBuffers;
  process.stdout.write(JSON.stringify({ seconds, cpu, size: ix.size, heap, rss: m1.rss, answers: h.digest('hex') }));
})();
`;
