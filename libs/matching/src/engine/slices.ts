import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { keepingNormaliserMemos, withNormaliserMemos } from '../normalise/identifier.normaliser';

/**
 * How long one slice of a long job holds the event loop, in milliseconds: short against a
 * health probe's timeout (seconds) and a query's latency budget, long against the cost of
 * handing the loop back (microseconds).
 */
export const SLICE_MS = 25;

/** Items between two looks at the clock (a restore's record takes tens of microseconds). */
const CLOCK_EVERY = 64;

/**
 * Runs `each` over `items` a slice at a time, each slice ending once it has held the event
 * loop for `sliceMs` or more, the loop handed back (`setImmediate`) before the next: timers,
 * I/O and the queries waiting run between slices. The identifier parsers' memos
 * (`withNormaliserMemos`) are used inside each slice and kept from one slice to the next, so a
 * long job parses a repeated identifier once, as one synchronous batch would. Resolves with
 * the number of slices.
 */
export async function eachInSlices<T>(
  items: Iterable<T>,
  each: (item: T) => void,
  sliceMs = SLICE_MS,
): Promise<number> {
  const it = items[Symbol.iterator]();
  const slice = (): boolean => {
    const until = performance.now() + sliceMs;
    for (let n = 1; ; n++) {
      const next = it.next();
      if (next.done === true) return true;
      each(next.value);
      if (n % CLOCK_EVERY === 0 && performance.now() >= until) return false;
    }
  };
  return keepingNormaliserMemos(async () => {
    for (let slices = 1; ; slices++) {
      if (withNormaliserMemos(slice)) return slices;
      await nextTurn();
    }
  });
}
