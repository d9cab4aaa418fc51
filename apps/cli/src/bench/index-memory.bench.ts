import {
  MatchEngine,
  normaliseRecord,
  type MatchIndex,
  type NormalisedRecord,
} from '@intel/matching';
import { streamPersons } from '@intel/synthetic';
import { benchResult, type BenchFigure, type BenchSuiteResult } from './bench-report';
import { settledMemory } from './heap-settle';

/**
 * What the incremental index (`MatchIndex`) holds per record (issue #14: 1M national persons in
 * ≤ 2 GB RSS). For each size it streams that many generated records (base profile, 10 forces,
 * seed 42; the records themselves are not kept) into a fresh index and reports the heap in use
 * and the resident set after a full collection, less what the process held before, per record.
 * For comparison it also reports what the same records take as NormalisedRecord objects kept in
 * an array (no index): what an index that kept each record's object would hold for them.
 *
 * Needs `--expose-gc` (deploy/local/bench.sh passes it). Token ids (token-ids.ts) are
 * process-wide and only grow: the first size's figures include the vocabulary's growth, a later
 * size's only what it adds. The resident set per record is meaningful for the first size only
 * (a later size reuses pages the earlier ones freed). `quick`: 10k and 100k; otherwise 100k and 1M.
 */
export async function runIndexMemoryBench(opts: { quick?: boolean }): Promise<BenchSuiteResult> {
  const started = Date.now();
  const sizes = opts.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const figures: BenchFigure[] = [];
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  const settle = settledMemory;
  const records = function* (n: number) {
    let i = 0;
    for (const g of streamPersons({ persons: Math.ceil(n / 2), forces: 10, seed: 42 })) {
      if (i >= n) return;
      yield g.record;
      i++;
    }
  };
  const engine = MatchEngine.withPriors();
  const measureIndex = async (n: number, label: string): Promise<void> => {
    const before = await settle();
    const index: MatchIndex = engine.createIndex();
    const t0 = process.hrtime.bigint();
    let i = 0;
    for (const r of records(n)) {
      index.add(`r${i}`, r);
      i++;
      if (i % 100_000 === 0) log(`  ${i.toLocaleString('en-GB')} indexed`);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = await settle();
    const heap = (after.heap - before.heap) / n;
    const rss = (after.rss - before.rss) / n;
    log(
      `${label}: index ${heap.toFixed(0)} B/record heap, ${rss.toFixed(0)} B/record RSS, ` +
        `${(after.rss / 2 ** 20).toFixed(0)} MiB RSS in all, built in ${seconds.toFixed(1)} s`,
    );
    figures.push({ name: `${label}: index, heap`, value: heap, unit: 'B/record' });
    figures.push({ name: `${label}: index, RSS`, value: rss, unit: 'B/record' });
    figures.push({
      name: `${label}: process RSS with the index`,
      value: after.rss / 2 ** 20,
      unit: 'MiB',
    });
    figures.push({ name: `${label}: index build (${n} adds)`, value: seconds, unit: 's' });
    if (index.size !== n) throw new Error(`indexed ${index.size} records, not ${n}`);
  };
  // Outside the loop, and dropped explicitly: the normalised records must be gone when the next
  // size measures what the process held before it.
  const held: { norms?: NormalisedRecord[] } = {};
  for (const n of sizes) {
    const label = `${(n / 1000).toFixed(0)}k`;
    // In a function of its own, so that nothing of the index is left on the stack after it.
    await measureIndex(n, label);

    // What the same records take as NormalisedRecord objects, for comparison (the vocabulary
    // is in place by now).
    const beforeNorms = await settle();
    const norms: NormalisedRecord[] = (held.norms = []);
    for (const r of records(n)) norms.push(normaliseRecord(r));
    const normHeap = ((await settle()).heap - beforeNorms.heap) / n;
    log(`${label}: normalised records alone ${normHeap.toFixed(0)} B/record (heap)`);
    figures.push({
      name: `${label}: normalised records alone, heap`,
      value: normHeap,
      unit: 'B/record',
    });
    delete held.norms;
  }
  return benchResult('index-memory', started, { quick: opts.quick === true, sizes }, figures);
}
