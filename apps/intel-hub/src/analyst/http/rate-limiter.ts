import { ProbeLimiter } from '@intel/disclosure';

/** The outcome of one request against a user's bucket. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * The per-user rate limit of the analysts' API (anti-trawling): a token bucket per user,
 * `burst` requests at once and `perMinute` added back each minute: the same bounded, in-memory
 * buckets as the hub's probe limit (one hub serves the index at a time).
 */
export class RateLimiter {
  private readonly buckets: ProbeLimiter;

  constructor(rate: { burst: number; perMinute: number }) {
    this.buckets = new ProbeLimiter({ burst: rate.burst, refillPerHour: rate.perMinute * 60 });
  }

  take(key: string, nowMs: number): RateDecision {
    if (this.buckets.take(key, nowMs)) return { ok: true };
    const ms = this.buckets.msUntilToken(key, nowMs);
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
  }
}
