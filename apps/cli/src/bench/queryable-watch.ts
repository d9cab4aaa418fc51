import type { Client } from 'pg';
import type { BatchSummary } from '@intel/contracts';
import { waitFor } from '@intel/testing';
import { summarise, type LatencySummary } from './bench-stats';

/**
 * Watches the hub's database for force nominals becoming national-person members (the moment
 * they are queryable: membership, flags and the in-memory index commit together), polling every
 * `intervalMs`, and times each from the moment given for it.
 */
export class QueryableWatch {
  private readonly pending = new Map<string, bigint>();
  private readonly latencies: number[] = [];
  private readonly known = new Set<string>();
  private polling = true;
  private readonly poller: Promise<void>;

  constructor(
    private readonly hubDb: Client,
    private readonly forceCode = '36',
    private readonly intervalMs = 50,
  ) {
    this.poller = this.poll();
  }

  /** The nominals a SubmitBatch answer names, timed from `fromNs` (process.hrtime). */
  expect(summary: BatchSummary, fromNs: bigint): void {
    for (const r of summary.results) {
      const id = r.result?.nominalId;
      if (!id || this.known.has(id)) continue;
      this.known.add(id);
      this.pending.set(id, fromNs);
    }
  }

  /** Waits until every expected nominal is queryable; their latencies, seconds. */
  async done(timeoutMs = 1_800_000): Promise<LatencySummary> {
    await waitFor(() => this.pending.size === 0, {
      timeoutMs,
      intervalMs: 100,
      what: 'every expected record to be queryable in the hub',
    });
    this.polling = false;
    await this.poller;
    return summarise(this.latencies);
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      if (this.pending.size > 0) {
        const { rows } = await this.hubDb.query<{ nominal_id: string }>(
          `SELECT nominal_id FROM person_member WHERE force_code = $1 AND nominal_id = ANY($2::text[])`,
          [this.forceCode, [...this.pending.keys()]],
        );
        const now = process.hrtime.bigint();
        for (const r of rows) {
          const from = this.pending.get(r.nominal_id);
          if (from === undefined) continue;
          this.pending.delete(r.nominal_id);
          this.latencies.push(Number(now - from) / 1e9);
        }
      }
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }
}
