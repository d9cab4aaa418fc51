import { grownInt32 } from './array-growth';

/**
 * Record seqs, each held once, listed in the order first added: a set for the candidates of one
 * query or add, reused from one to the next. A stamp per seq (an Int32Array indexed by seq)
 * tells membership instead of hashing: at national scale a query gathers hundreds of candidates
 * from its blocks, and a `Set<number>` spent more time hashing them than the blocks took to
 * walk (issue #14, a CPU profile of CheckPerson at 1M). `begin` empties it in O(1).
 *
 * One in use at a time: what `begin` returns is valid until the next `begin`.
 */
export class SeqSet {
  private stamps = new Int32Array(0);
  private epoch = 0;
  /** The seqs added since `begin`, in the order first added. */
  readonly items: number[] = [];

  /** Empties the set, with room for seqs below `limit`. */
  begin(limit: number): this {
    if (limit > this.stamps.length) this.stamps = grownInt32(this.stamps, limit);
    if (this.epoch === 0x7fffffff) {
      this.stamps.fill(0);
      this.epoch = 0;
    }
    this.epoch++;
    this.items.length = 0;
    return this;
  }

  add(seq: number): void {
    if (this.stamps[seq] === this.epoch) return;
    this.stamps[seq] = this.epoch;
    this.items.push(seq);
  }

  has(seq: number): boolean {
    return seq >= 0 && seq < this.stamps.length && this.stamps[seq] === this.epoch;
  }

  get size(): number {
    return this.items.length;
  }
}
