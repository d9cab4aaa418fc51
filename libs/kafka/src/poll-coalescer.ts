import { setImmediate } from 'node:timers/promises';
/**
 * Joins the partition batches that arrive together (one fetch hands each partition's messages
 * to its own `eachBatch`) into one call of `flush`, so that a poll across partitions is handled
 * in one go: one database transaction, not one per partition. Every caller whose items were in
 * a flush resolves when it succeeded. When a joined flush fails, each caller's items are flushed
 * again on their own, so that one partition's failing batch (a poison message the handler
 * cannot park) stops only that partition, never every partition fetched with it; a caller
 * whose own flush fails rejects with its error (its partition is then redelivered). Items
 * submitted while a flush runs go into the next one; flushes never overlap, and each keeps the
 * order of submission.
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
    await setImmediate();
    while (this.pending.length > 0) {
      const callers = this.pending;
      this.pending = [];
      try {
        await this.flush(callers.flatMap((c) => c.items));
        for (const c of callers) c.resolve();
      } catch (err) {
        if (callers.length === 1) callers[0]?.reject(err);
        // Joined: each on its own, so that one caller's failure is not everyone's.
        else for (const c of callers) await this.flushAlone(c);
      }
    }
    this.draining = false;
  }

  private async flushAlone(c: {
    items: T[];
    resolve: () => void;
    reject: (e: unknown) => void;
  }): Promise<void> {
    try {
      await this.flush(c.items);
      c.resolve();
    } catch (err) {
      c.reject(err);
    }
  }
}
