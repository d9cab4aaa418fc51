/**
 * Probing bound (docs/security.md, "One disclosure policy"): even with the constant marker, a
 * query still learns one bit about another force's C records (whether it reaches them at all).
 * Each caller (force and calling system) has a token bucket: every field probe (CheckPerson,
 * CheckIdentifiers) takes a token, whatever it finds; with none left the answer carries no
 * hit-only result (the rest of it is unchanged, the owner is still told of the interest, and
 * the audit entry records what was withheld). Taking a token for every probe, not only for
 * those that hit, keeps the bucket's state from depending on hidden records. Pure: the clock
 * is passed in; state in memory (a restart refills every bucket).
 */
export interface ProbeRate {
  /** Probes a caller may make at once (bucket size). */
  burst: number;
  /** Tokens added per hour. */
  refillPerHour: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class ProbeLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(private readonly rate: ProbeRate) {
    this.perMs = rate.refillPerHour / 3_600_000;
  }

  static callerKey(force: string, system: string): string {
    return `${force}/${system}`;
  }

  /** Takes a token for one probe by `caller`; false when none is left (hit-only withheld). */
  take(caller: string, nowMs: number): boolean {
    const b = this.level(caller, nowMs);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Tokens left for `caller` now. */
  available(caller: string, nowMs: number): number {
    return Math.floor(this.level(caller, nowMs).tokens);
  }

  /** Milliseconds until `caller` has a token again (0 when it has one now). */
  msUntilToken(caller: string, nowMs: number): number {
    const b = this.level(caller, nowMs);
    return b.tokens >= 1 ? 0 : (1 - b.tokens) / this.perMs;
  }

  private level(caller: string, nowMs: number): Bucket {
    let b = this.buckets.get(caller);
    if (!b) {
      b = { tokens: this.rate.burst, at: nowMs };
      this.buckets.set(caller, b);
      this.prune(nowMs);
    }
    const elapsed = Math.max(0, nowMs - b.at);
    b.tokens = Math.min(this.rate.burst, b.tokens + elapsed * this.perMs);
    b.at = nowMs;
    return b;
  }

  /** Forgets full buckets (they hold nothing a fresh one would not), keeping memory bounded. */
  private prune(nowMs: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [k, b] of this.buckets)
      if (b.tokens + Math.max(0, nowMs - b.at) * this.perMs >= this.rate.burst)
        this.buckets.delete(k);
  }
}
