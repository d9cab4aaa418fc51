/** The first wait after a failure, ms. */
export const FIRST_BACKOFF_MS = 250;

/**
 * The next wait before retrying: doubling from FIRST_BACKOFF_MS up to `maxMs`, with ±20%
 * jitter (`random` in [0, 1)) so that services retrying together spread out.
 */
export function nextBackoffMs(previousMs: number, maxMs: number, random = Math.random()): number {
  const base = previousMs <= 0 ? FIRST_BACKOFF_MS : Math.min(maxMs, previousMs * 2);
  return Math.round(Math.min(maxMs, base * (0.8 + 0.4 * random)));
}
