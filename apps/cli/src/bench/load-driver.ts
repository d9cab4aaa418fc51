import { percentile, seconds } from './bench-stats';
import { withMachineLoad, type MachineLoad } from './machine-load';
import { CpuMeter, isPostgres, pidsMatching } from './process-cpu';
import { openLoop, type OpenLoopResult } from './scheduler';

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

/** A server measured on its own: saturated, one call at a time, and at a fixed offered rate. */
export interface MeasuredAlone {
  /** `concurrency` in flight (closed loop): the saturation throughput. */
  load: Load;
  /** One call at a time (latency without queueing). */
  one: Load;
  /** Open loop at the offered rate (default: half the saturation throughput just measured). */
  open?: OpenLoopResult;
  /** CPU milliseconds per call under load, per group of processes (client: this bench). */
  cpu: Record<string, number>;
  /** The machine's load during each of the three. */
  machine: { load: MachineLoad; one: MachineLoad; open?: MachineLoad };
}

/**
 * Measures `call` against one server with nothing else of the bench running beside it: closed
 * loop with `concurrency` in flight for `durationMs` (CPU per call of each group of `pids`),
 * one at a time for `durationMs`, then open loop at `rate` (or half the closed loop's rate).
 */
export async function measureAlone(args: {
  pids: () => Record<string, number[]>;
  call: (i: number) => Promise<unknown>;
  durationMs: number;
  concurrency: number;
  /** The open loop's offered rate, calls/s; 'none' leaves the open loop out. */
  rate?: number | 'none';
}): Promise<MeasuredAlone> {
  const { call, durationMs, concurrency } = args;
  const cpu = new CpuMeter(() => ({ ...args.pids(), client: [process.pid] }));
  await cpu.start();
  const [load, loadMachine] = await withMachineLoad(() => drive(call, durationMs, concurrency));
  const used = await cpu.stop();
  const [one, oneMachine] = await withMachineLoad(() => drive(call, durationMs, 1));
  const ratePerSec = args.rate ?? Math.max(1, load.qps / 2);
  const [open, openMachine] =
    ratePerSec === 'none'
      ? []
      : await withMachineLoad(() => openLoop(call, { ratePerSec, durationMs, maxInFlight: 256 }));
  return {
    load,
    one,
    ...(open ? { open } : {}),
    cpu: Object.fromEntries(
      Object.entries(used).map(([group, ms]) => [group, ms / Math.max(1, load.calls)]),
    ),
    machine: { load: loadMachine, one: oneMachine, ...(openMachine ? { open: openMachine } : {}) },
  };
}
