/**
 * An incremental index's blocks: for each blocking key (an integer triple, `blockingKeyCodes`)
 * the records filed under it, in the order they were filed. Keys live in an open-addressing hash
 * table (linear probing, backward-shift deletion) and each block's records in a singly linked
 * list, all in Int32Arrays: ~40 bytes a distinct key and 8 a filing, where a Map of key texts to
 * arrays of numbers cost ~1.3 kB a record (issue #14).
 */
export class KeyPostings {
  /** Hash table: block number + 1 (0 = empty slot). Its size is a power of two. */
  private table = new Int32Array(1024);
  private keys = 0;
  /** Per block: the key's triple, the first and last node, and the number of records. */
  private kType = new Int32Array(512);
  private kA = new Int32Array(512);
  private kB = new Int32Array(512);
  private head = new Int32Array(512);
  private tail = new Int32Array(512);
  private count = new Int32Array(512);
  private blocksUsed = 0;
  private readonly freeBlocks: number[] = [];
  /** Nodes: a record's seq and the next node (-1 = none). Free nodes chain through `next`. */
  private seq = new Int32Array(1024);
  private next = new Int32Array(1024);
  private nodesUsed = 0;
  private freeNode = -1;

  /** Number of records filed under the key; 0 when none. */
  size(type: number, a: number, b: number): number {
    const blk = this.find(type, a, b);
    return blk < 0 ? 0 : (this.count[blk] ?? 0);
  }

  /** Calls `f` with each record filed under the key, in the order they were filed. */
  forEach(type: number, a: number, b: number, f: (seq: number) => void): void {
    const blk = this.find(type, a, b);
    if (blk < 0) return;
    for (let n = this.head[blk] ?? -1; n >= 0; n = this.next[n] ?? -1) f(this.seq[n] ?? 0);
  }

  /** Files `seq` under the key, last. */
  add(type: number, a: number, b: number, seq: number): void {
    let blk = this.find(type, a, b);
    if (blk < 0) blk = this.newBlock(type, a, b);
    const n = this.newNode(seq);
    const t = this.tail[blk] ?? -1;
    if (t < 0) this.head[blk] = n;
    else this.next[t] = n;
    this.tail[blk] = n;
    this.count[blk] = (this.count[blk] ?? 0) + 1;
  }

  /** Takes `seq` out of the key's block (the first time it is filed there); drops an empty block. */
  remove(type: number, a: number, b: number, seq: number): void {
    const blk = this.find(type, a, b);
    if (blk < 0) return;
    let prev = -1;
    let n = this.head[blk] ?? -1;
    while (n >= 0 && this.seq[n] !== seq) {
      prev = n;
      n = this.next[n] ?? -1;
    }
    if (n < 0) return;
    const after = this.next[n] ?? -1;
    if (prev < 0) this.head[blk] = after;
    else this.next[prev] = after;
    if (this.tail[blk] === n) this.tail[blk] = prev;
    this.next[n] = this.freeNode;
    this.freeNode = n;
    this.count[blk] = (this.count[blk] ?? 0) - 1;
    if (this.count[blk] === 0) this.dropBlock(blk);
  }

  /**
   * What a snapshot keeps: the table and the used part of every array, as views (not copies:
   * write them before the postings change), and the counters.
   */
  state(): KeyPostingsState {
    const blocks = this.blocksUsed;
    const nodes = this.nodesUsed;
    return {
      table: this.table,
      kType: this.kType.subarray(0, blocks),
      kA: this.kA.subarray(0, blocks),
      kB: this.kB.subarray(0, blocks),
      head: this.head.subarray(0, blocks),
      tail: this.tail.subarray(0, blocks),
      count: this.count.subarray(0, blocks),
      freeBlocks: Int32Array.from(this.freeBlocks),
      seq: this.seq.subarray(0, nodes),
      next: this.next.subarray(0, nodes),
      keys: this.keys,
      freeNode: this.freeNode,
    };
  }

  /** Postings holding what `state` gave, taking its arrays over (they must not be shared). */
  static fromState(s: KeyPostingsState): KeyPostings {
    const blocks = s.kType.length;
    const nodes = s.seq.length;
    const size = s.table.length;
    if (
      size < 2 ||
      (size & (size - 1)) !== 0 ||
      [s.kA, s.kB, s.head, s.tail, s.count].some((x) => x.length !== blocks) ||
      s.next.length !== nodes
    )
      throw new Error('KeyPostings.fromState: the arrays disagree on their sizes');
    const p = new KeyPostings();
    p.table = s.table;
    p.keys = s.keys;
    p.kType = roomy(s.kType);
    p.kA = roomy(s.kA);
    p.kB = roomy(s.kB);
    p.head = roomy(s.head);
    p.tail = roomy(s.tail);
    p.count = roomy(s.count);
    p.blocksUsed = blocks;
    p.freeBlocks.push(...s.freeBlocks);
    p.seq = roomy(s.seq);
    p.next = roomy(s.next);
    p.nodesUsed = nodes;
    p.freeNode = s.freeNode;
    return p;
  }

  private slotOf(type: number, a: number, b: number): number {
    let h = Math.imul(type + 1, 0x9e3779b1) ^ Math.imul(a, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h & (this.table.length - 1);
  }

  /** The key's block, or -1. */
  private find(type: number, a: number, b: number): number {
    const mask = this.table.length - 1;
    for (let s = this.slotOf(type, a, b); ; s = (s + 1) & mask) {
      const blk = (this.table[s] ?? 0) - 1;
      if (blk < 0) return -1;
      if (this.kType[blk] === type && this.kA[blk] === a && this.kB[blk] === b) return blk;
    }
  }

  private newBlock(type: number, a: number, b: number): number {
    if ((this.keys + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    let blk = this.freeBlocks.pop();
    if (blk === undefined) {
      blk = this.blocksUsed++;
      if (blk === this.kType.length) {
        const n = blk * 2;
        this.kType = grown(this.kType, n);
        this.kA = grown(this.kA, n);
        this.kB = grown(this.kB, n);
        this.head = grown(this.head, n);
        this.tail = grown(this.tail, n);
        this.count = grown(this.count, n);
      }
    }
    this.kType[blk] = type;
    this.kA[blk] = a;
    this.kB[blk] = b;
    this.head[blk] = -1;
    this.tail[blk] = -1;
    this.count[blk] = 0;
    this.place(blk);
    this.keys++;
    return blk;
  }

  private place(blk: number): void {
    const mask = this.table.length - 1;
    let s = this.slotOf(this.kType[blk] ?? 0, this.kA[blk] ?? 0, this.kB[blk] ?? 0);
    while ((this.table[s] ?? 0) !== 0) s = (s + 1) & mask;
    this.table[s] = blk + 1;
  }

  /** Empties the block's slot, shifting back the entries that probed past it. */
  private dropBlock(blk: number): void {
    const mask = this.table.length - 1;
    let s = this.slotOf(this.kType[blk] ?? 0, this.kA[blk] ?? 0, this.kB[blk] ?? 0);
    while (this.table[s] !== blk + 1) s = (s + 1) & mask;
    let hole = s;
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const other = (this.table[j] ?? 0) - 1;
      if (other < 0) break;
      const home = this.slotOf(this.kType[other] ?? 0, this.kA[other] ?? 0, this.kB[other] ?? 0);
      // Move it into the hole unless its home lies cyclically in (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        this.table[hole] = other + 1;
        hole = j;
      }
    }
    this.table[hole] = 0;
    this.keys--;
    this.freeBlocks.push(blk);
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    for (const v of old) if (v !== 0) this.place(v - 1);
  }

  private newNode(seq: number): number {
    let n = this.freeNode;
    if (n >= 0) this.freeNode = this.next[n] ?? -1;
    else {
      n = this.nodesUsed++;
      if (n === this.seq.length) {
        this.seq = grown(this.seq, n * 2);
        this.next = grown(this.next, n * 2);
      }
    }
    this.seq[n] = seq;
    this.next[n] = -1;
    return n;
  }
}

function grown(x: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(n);
  out.set(x);
  return out;
}

/**
 * `x`, or a fresh array when it is empty: newBlock and newNode double an array when they reach
 * its end, which an empty one would not survive.
 */
function roomy(x: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  return x.length > 0 ? x : new Int32Array(512);
}

/** Postings as a snapshot keeps them (`KeyPostings.state`). */
export interface KeyPostingsState {
  table: Int32Array<ArrayBuffer>;
  kType: Int32Array<ArrayBuffer>;
  kA: Int32Array<ArrayBuffer>;
  kB: Int32Array<ArrayBuffer>;
  head: Int32Array<ArrayBuffer>;
  tail: Int32Array<ArrayBuffer>;
  count: Int32Array<ArrayBuffer>;
  freeBlocks: Int32Array<ArrayBuffer>;
  seq: Int32Array<ArrayBuffer>;
  next: Int32Array<ArrayBuffer>;
  keys: number;
  freeNode: number;
}
