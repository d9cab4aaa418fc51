import { percentile, seconds } from './bench-stats';
import { CpuMeter, isPostgres, pidsMatching } from './process-cpu';

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

/** A call measured on the server under test and on its bare ceiling, one after the other. */
export interface BesideCeiling {
  /** `concurrency` in flight. */
  load: Load;
  ceilingLoad: Load;
  /** One at a time (latency without queueing). */
  one: Load;
  ceilingOne: Load;
  /** CPU milliseconds per call under load: the server, its PostgreSQL, the bench client. */
  cpu: { server: number; postgres: number; client: number; ceiling: number; ceilingClient: number };
}

/**
 * The same calls, from the same client, on the server under test (its PostgreSQL's CPU counted
 * too) and then on the bare ceiling server: `concurrency` in flight for `durationMs`, then one
 * at a time for `oneAtATimeMs`, with the CPU each process used per call under load.
 */
export async function measureBesideCeiling(args: {
  serverPids: () => number[];
  ceilingPids: () => number[];
  call: (i: number, worker: number) => Promise<unknown>;
  ceilingCall: (i: number, worker: number) => Promise<unknown>;
  durationMs: number;
  oneAtATimeMs: number;
  concurrency: number;
}): Promise<BesideCeiling> {
  const { call, ceilingCall, durationMs, concurrency } = args;
  const serverCpu = new CpuMeter(() => ({
    server: args.serverPids(),
    PostgreSQL: pidsMatching(isPostgres),
    client: [process.pid],
  }));
  await serverCpu.start();
  const load = await drive(call, durationMs, concurrency);
  const used = await serverCpu.stop();
  const ceilingCpu = new CpuMeter(() => ({ server: args.ceilingPids(), client: [process.pid] }));
  await ceilingCpu.start();
  const ceilingLoad = await drive(ceilingCall, durationMs, concurrency);
  const ceilingUsed = await ceilingCpu.stop();
  const perCall = (ms: number | undefined, l: Load) => (ms ?? NaN) / Math.max(1, l.calls);
  return {
    load,
    ceilingLoad,
    cpu: {
      server: perCall(used.server, load),
      postgres: perCall(used.PostgreSQL, load),
      client: perCall(used.client, load),
      ceiling: perCall(ceilingUsed.server, ceilingLoad),
      ceilingClient: perCall(ceilingUsed.client, ceilingLoad),
    },
    one: await drive(call, args.oneAtATimeMs, 1),
    ceilingOne: await drive(ceilingCall, args.oneAtATimeMs, 1),
  };
}
