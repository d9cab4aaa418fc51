/**
 * Gives each query's work on the national index a turn of the event loop of its own, in the
 * order the queries asked (docs/hub.md, "Queries take turns").
 *
 * Without it, a burst of requests read from one socket (a client with 16 calls in flight gets
 * its answers together when one audit group commits, and sends its next calls together) is
 * worked out back to back in one macrotask: the result of the audit statement in flight sits
 * unread on its connection until the whole burst is done, so the next group is sent late,
 * every caller ends up waiting on the same commit, and the hub idles while it runs
 * (docs/benchmarks.md, "Hub: pipeline and query", the entry on queries taking turns).
 *
 * `next()` resolves once per `setImmediate`, one waiter at a time: the released waiter's
 * synchronous work and microtasks run in that callback, and the next release is scheduled from
 * it, so it runs in the loop's next iteration, after the poll phase has delivered whatever I/O
 * completed meanwhile (the audit's commit, new requests). Alone, a query waits one immediate
 * (microseconds).
 */
export class QueryTurns {
  private readonly waiting: Array<() => void> = [];
  private head = 0;
  private scheduled = false;

  /** Resolves when it is this caller's turn (first come, first served). */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Callers waiting for their turn. */
  get waitingCount(): number {
    return this.waiting.length - this.head;
  }

  private schedule(): void {
    if (this.scheduled || this.waitingCount === 0) return;
    this.scheduled = true;
    setImmediate(this.release);
  }

  private readonly release = (): void => {
    this.scheduled = false;
    const resolve = this.waiting[this.head];
    this.head++;
    // Released callers are dropped from the front when none is left or 1,024 have gone (a
    // queue that never empties under steady load must not grow).
    if (this.head === this.waiting.length || this.head >= 1024) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    resolve?.();
    this.schedule();
  };
}
