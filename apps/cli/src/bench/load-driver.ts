import { percentile, seconds } from './bench-stats';

/** Throughput and latency of a closed-loop run. */
export interface Load {
  /** Successful calls per second over the run. */
  qps: number;
  p50Ms: number;
  p99Ms: number;
  calls: number;
  errors: number;
  /** The first error seen, for the log (a bench that only counts errors hides their cause). */
  firstError?: string;
}

/**
 * `concurrency` workers, each calling in a loop (the next call when the last one answers) for
 * `durationMs`: the latency of each call and the calls per second over the run. `call` gets a
 * running call number and the worker's number (a benchmark user of its own, for instance).
 */
export async function drive(
  call: (i: number, worker: number) => Promise<unknown>,
  durationMs: number,
  concurrency: number,
): Promise<Load> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const t0 = process.hrtime.bigint();
  const until = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (Date.now() < until) {
        const s = process.hrtime.bigint();
        try {
          await call(next++, worker);
          latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
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
    ...(firstError === undefined ? {} : { firstError }),
  };
}
