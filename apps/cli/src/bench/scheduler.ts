import { monitorEventLoopDelay } from 'node:perf_hooks';
import { summarise, type LatencySummary } from './bench-stats';

/**
 * Open-loop load: calls are sent at a constant rate whether or not earlier ones have answered,
 * and each call's latency runs from the moment it was meant to be sent (its intended time), not
 * from when it actually went out. A server that stalls therefore shows its stall in every call
 * queued behind it (no coordinated omission), as it would to independent callers.
 */
export interface OpenLoopResult {
  /** The rate asked for, calls per second. */
  offeredRate: number;
  /** Calls answered without error per second, from the first intended send to the last answer. */
  achievedRate: number;
  sent: number;
  errors: number;
  /** Latency from the intended send time, ms (calls answered without error). */
  latency: LatencySummary;
  /** From the run's start to its last answer. */
  wallSeconds: number;
  /** The largest number of calls in flight at once. */
  maxInFlight: number;
  /**
   * The bench process's own event-loop delay over the run (ms, sampled every millisecond, the
   * millisecond included): a stall of the client (its collector) delays sends and answers
   * alike and shows in the latencies as if it were the server's.
   */
  clientLoopDelay: { p99: number; max: number };
  firstError?: string;
}

/** Nanoseconds after the run's start at which call `i` is meant to be sent. */
export function intendedOffsetNs(i: number, ratePerSec: number): number {
  return (i * 1e9) / ratePerSec;
}

/** How many of `total` calls are due `elapsedNs` after the run's start (call 0 is due at once). */
export function dueCount(elapsedNs: number, ratePerSec: number, total: number): number {
  if (elapsedNs < 0) return 0;
  return Math.min(total, Math.floor((elapsedNs * ratePerSec) / 1e9) + 1);
}

export interface OpenLoopOptions {
  ratePerSec: number;
  durationMs: number;
  /**
   * A bound on calls in flight, so that a server that stops answering does not get an unbounded
   * number of calls; a call held back by it still counts its latency from its intended time.
   */
  maxInFlight?: number;
}

const nowNs = () => Number(process.hrtime.bigint());
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends `ratePerSec × durationMs` calls at their intended times (as near as the event loop's
 * timers allow: calls that fell due while it slept go out together), then waits for all of them.
 * `call` gets the call's number and its intended time (process.hrtime, ns).
 */
export async function openLoop(
  call: (i: number, intendedNs: number) => Promise<unknown>,
  opts: OpenLoopOptions,
): Promise<OpenLoopResult> {
  const { ratePerSec, durationMs } = opts;
  const limit = opts.maxInFlight ?? 1024;
  const total = Math.max(1, Math.round((ratePerSec * durationMs) / 1000));
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  let freed: (() => void) | undefined;
  const running: Promise<void>[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  try {
    const start = nowNs();
    const send = (i: number) => {
      const intended = start + intendedOffsetNs(i, ratePerSec);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      running.push(
        started(call, i, intended)
          .then(
            () => {
              latencies.push((nowNs() - intended) / 1e6);
            },
            (err: unknown) => {
              errors++;
              firstError ??= err instanceof Error ? err.message : String(err);
            },
          )
          .finally(() => {
            inFlight--;
            freed?.();
          }),
      );
    };
    let sent = 0;
    while (sent < total) {
      const due = dueCount(nowNs() - start, ratePerSec, total);
      while (sent < due && inFlight < limit) send(sent++);
      if (sent >= total) break;
      if (inFlight >= limit) {
        await new Promise<void>((r) => (freed = r));
        freed = undefined;
      } else {
        const next = start + intendedOffsetNs(sent, ratePerSec);
        await sleep(Math.max(0, (next - nowNs()) / 1e6));
      }
    }
    await Promise.all(running);
    const wallSeconds = (nowNs() - start) / 1e9;
    return {
      offeredRate: ratePerSec,
      achievedRate: latencies.length / wallSeconds,
      wallSeconds,
      sent,
      errors,
      latency: summarise(latencies),
      maxInFlight,
      clientLoopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      ...(firstError === undefined ? {} : { firstError }),
    };
  } finally {
    loop.disable();
  }
}

/** `call`'s promise; a call that throws instead of rejecting is a failed call all the same. */
function started<T>(
  call: (i: number, intendedNs: number) => Promise<T>,
  i: number,
  intendedNs: number,
): Promise<T> {
  try {
    return call(i, intendedNs);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
