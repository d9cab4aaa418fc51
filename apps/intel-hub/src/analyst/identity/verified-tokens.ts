/**
 * Bearer tokens already verified, with what they said: an analyst's page sends the same token
 * with every request, and checking its signature each time (an RSA or ECDSA verification) was
 * the largest single cost of a search after the matching itself. A token is taken from here
 * until it expires or for `maxAgeMs` after it was verified, whichever comes first (so a key the
 * issuer withdraws stops being honoured as soon as jose's own JWKS cache lets it go, plus at
 * most `maxAgeMs`). Bounded: past `maxEntries` the expired entries go, then the oldest.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  /** What `token` was verified as, if it was, and is still within its time. */
  get(token: string, nowMs: number): T | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (e.until > nowMs) return e.value;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a verified token until `expiresAtMs` (its `exp`) or for maxAgeMs. */
  remember(token: string, value: T, expiresAtMs: number, nowMs: number): void {
    const until = Math.min(expiresAtMs, nowMs + this.maxAgeMs);
    if (!(until > nowMs)) return;
    if (this.entries.size >= this.maxEntries) this.evict(nowMs);
    this.entries.set(token, { value, until });
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(nowMs: number): void {
    for (const [k, e] of this.entries) if (e.until <= nowMs) this.entries.delete(k);
    // Insertion order: the first are the oldest.
    for (const k of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(k);
    }
  }
}
