import { MatchEngine, type MatchInput } from '@intel/matching';
import { generatePersons } from '@intel/synthetic';
import { benchResult, type BenchFigure, type BenchSuiteResult } from './bench-report';
import { setImmediate } from 'node:timers/promises';

/**
 * Matching benchmark (issue: ≥ 1,000,000 scored pairs/s per core; 1,000,000 records resolved in
 * under 2 minutes; incremental add p99 under 5 ms with 1,000,000 indexed). Single-threaded: Node
 * runs the engine on one core, so every figure is per core. `quick` uses 10k/100k records.
 */
export async function runMatchingBench(opts: { quick?: boolean }): Promise<BenchSuiteResult> {
  const started = Date.now();
  const small = opts.quick ? 10_000 : 100_000;
  const large = opts.quick ? 100_000 : 1_000_000;
  const figures: BenchFigure[] = [];
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };

  const recordsFor = (persons: number): MatchInput[] =>
    generatePersons({ persons, forces: 10, seed: 42 }).map((g) => g.record);

  // Records ≈ 2.2 × persons with the base profile; generate by persons to land near the target.
  let params = undefined as ReturnType<typeof MatchEngine.resolve>['parameters'] | undefined;
  for (const target of [small, large]) {
    log(`generating ~${target.toLocaleString('en-GB')} records …`);
    const records = recordsFor(Math.round(target / 2.2));
    await yieldToLoop();
    log(
      `resolving ${records.length.toLocaleString('en-GB')} records (train + block + score + cluster) …`,
    );
    const t0 = process.hrtime.bigint();
    const result = MatchEngine.resolve(records);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const s = result.stats;
    params = result.parameters;
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const label = `${(records.length / 1000).toFixed(0)}k`;
    figures.push({
      name: `scored pairs/s (one core, ${label} batch)`,
      value: s.candidatePairs / Math.max(s.seconds.score, 1e-9),
      unit: 'pairs/s',
      target: '≥ 1,000,000',
      meetsTarget: s.candidatePairs / Math.max(s.seconds.score, 1e-9) >= 1_000_000,
    });
    figures.push({
      name: `batch resolve ${label} records`,
      value: seconds,
      unit: 's',
      ...(target === 1_000_000 ? { target: '< 120 s', meetsTarget: seconds < 120 } : {}),
    });
    figures.push({
      name: `batch resolve ${label}: candidate pairs`,
      value: s.candidatePairs,
      unit: 'pairs',
    });
    figures.push({ name: `batch resolve ${label}: heap after`, value: heapMb, unit: 'MiB' });
    figures.push({ name: `batch resolve ${label}: peak RSS so far`, value: rssMb, unit: 'MiB' });
    log(
      `  ${seconds.toFixed(1)} s (normalise ${s.seconds.normalise}s, block ${s.seconds.block}s, train ${s.seconds.train}s, ` +
        `score ${s.seconds.score}s, cluster ${s.seconds.cluster}s), ${s.candidatePairs} pairs, ${s.clusters} clusters`,
    );
    await yieldToLoop();
  }

  log(`incremental: indexing ${large.toLocaleString('en-GB')} records …`);
  const records = recordsFor(Math.round(large / 2.2));
  const probes = records.splice(records.length - 2000, 2000);
  const engine = MatchEngine.fromParameters(params ?? MatchEngine.withPriors().parameters);
  const index = engine.createIndex();
  const tIndex = process.hrtime.bigint();
  records.forEach((r, i) => {
    index.add(`r${i}`, r);
    if (i % 100_000 === 0 && i > 0) log(`  ${i.toLocaleString('en-GB')} indexed`);
  });
  const indexSeconds = Number(process.hrtime.bigint() - tIndex) / 1e9;
  const latencies: number[] = [];
  probes.forEach((r, i) => {
    const t = process.hrtime.bigint();
    index.add(`probe${i}`, r);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  });
  latencies.sort((a, b) => a - b);
  const pct = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const label = `${(index.size / 1000).toFixed(0)}k`;
  figures.push({ name: `incremental add p50 (${label} indexed)`, value: pct(0.5), unit: 'ms' });
  figures.push({
    name: `incremental add p99 (${label} indexed)`,
    value: pct(0.99),
    unit: 'ms',
    target: '< 5 ms',
    meetsTarget: pct(0.99) < 5,
  });
  figures.push({ name: `incremental index build (${label} adds)`, value: indexSeconds, unit: 's' });
  figures.push({
    name: 'incremental index: heap',
    value: process.memoryUsage().heapUsed / 2 ** 20,
    unit: 'MiB',
  });

  return benchResult(
    'matching',
    started,
    { quick: opts.quick === true, small, large, probes: probes.length },
    figures,
  );
}

/** Lets pending I/O (progress output) flush between long synchronous phases. */
const yieldToLoop = (): Promise<void> => setImmediate();
