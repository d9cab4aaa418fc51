/**
 * Joins the partition batches that arrive together (one fetch hands each partition's messages
 * to its own `eachBatch`) into one call of `flush`, so that a poll across partitions is handled
 * in one go: one database transaction, not one per partition. Every caller whose items were in
 * a flush resolves when it succeeded and rejects with its error when it failed (each caller's
 * partition is then redelivered). Items submitted while a flush runs go into the next one;
 * flushes never overlap, and each keeps the order of submission.
 */
export class PollCoalescer<T> {
  private pending: Array<{ items: T[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  private draining = false;

  constructor(private readonly flush: (items: T[]) => Promise<void>) {}

  submit(items: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    // Let the other partitions of the same fetch, started in the same turn, join this flush.
    await new Promise<void>((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const callers = this.pending;
      this.pending = [];
      try {
        await this.flush(callers.flatMap((c) => c.items));
        for (const c of callers) c.resolve();
      } catch (err) {
        for (const c of callers) c.reject(err);
      }
    }
    this.draining = false;
  }
}
