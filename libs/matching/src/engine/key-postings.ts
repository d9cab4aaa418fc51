import type { RecordKeys } from '../block/candidate-pairs.batch';
import { grownInt32, grownLength } from './array-growth';

/**
 * An incremental index's blocks: for each blocking key (an integer triple, `blockingKeyCodes`)
 * the records filed under it, in the order they were filed. Keys live in an open-addressing hash
 * table (linear probing, backward-shift deletion), all in Int32Arrays (issue #14). The table is
 * at most three quarters full: at a half, it was a quarter to a half full, 8 to 16 bytes a key
 * (eight to eleven keys a record). A look-up for a key not held probes more slots near the
 * limit (about 8.5 against 2.5), each reading its block's codes; a restore, which files every
 * key, took the same time either way at 100k records (docs/benchmarks.md). Per block:
 *
 * - four integers: the key's two codes, its type and record count packed in one
 *   (`count << TYPE_BITS | type`), and `head`;
 * - a block of one record (most: at national scale ~85% of keys are held by a single record,
 *   such as a date of birth with a postcode) holds that record's seq in `head` itself, with no
 *   node;
 * - a larger block's records are a circular singly linked list of nodes (a seq and the next
 *   node), `head` naming the last filed, whose next is the first: appending needs no tail.
 *
 * ~16 bytes a distinct key plus its table slots, and 8 a filing in a block of two or more, where
 * a block with a head, tail and count of its own and a node for every filing cost ~32 bytes a
 * key and 8 a filing, and a Map of key texts to arrays of numbers ~1.3 kB a record.
 */
export class KeyPostings {
  /** Hash table: block number + 1 (0 = empty slot). Its size is a power of two. */
  private table = new Int32Array(1024);
  private keys = 0;
  /**
   * Per block: the key's codes; its type and number of records (`typeCount`); and `head`: the
   * record's seq when it holds one, else its last node (whose `next` is its first).
   */
  private kA = new Int32Array(512);
  private kB = new Int32Array(512);
  private typeCount = new Int32Array(512);
  private head = new Int32Array(512);
  private blocksUsed = 0;
  private readonly freeBlocks: number[] = [];
  /** Nodes: a record's seq and the next node. Free nodes chain through `next` (-1 ends). */
  private seq = new Int32Array(1024);
  private next = new Int32Array(1024);
  private nodesUsed = 0;
  private freeNode = -1;

  /** Distinct keys held. */
  get keyCount(): number {
    return this.keys;
  }

  /** Records filed, summed over the keys (a record once for each of its keys). */
  filings(): number {
    let n = 0;
    for (let blk = 0; blk < this.blocksUsed; blk++) n += this.countOf(blk);
    return n;
  }

  /** Number of records filed under the key; 0 when none. */
  size(type: number, a: number, b: number): number {
    const blk = this.find(type, a, b);
    return blk < 0 ? 0 : this.countOf(blk);
  }

  /** Calls `f` with each record filed under the key, in the order they were filed. */
  forEach(type: number, a: number, b: number, f: (seq: number) => void): void {
    const blk = this.find(type, a, b);
    if (blk < 0) return;
    const last = this.head[blk] as number;
    if (this.countOf(blk) === 1) {
      f(last);
      return;
    }
    for (let n = this.next[last] as number; ; n = this.next[n] as number) {
      f(this.seq[n] as number);
      if (n === last) return;
    }
  }

  /** Files `seq` under the key, last. */
  add(type: number, a: number, b: number, seq: number): void {
    if (type < 0 || type > TYPE_MASK) throw new Error(`KeyPostings: key type ${type} out of range`);
    const blk = this.find(type, a, b);
    if (blk < 0) {
      // Not `this.head[this.newBlock(…)] = seq`: newBlock may replace `head` with a larger array.
      const fresh = this.newBlock(type, a, b);
      this.head[fresh] = seq;
      return;
    }
    const count = this.countOf(blk);
    if (count === 1) {
      // The block's one record becomes a node: a list of one, closed on itself.
      const first = this.newNode(this.head[blk] as number);
      this.next[first] = first;
      this.head[blk] = first;
    }
    const last = this.head[blk] as number;
    const n = this.newNode(seq);
    this.next[n] = this.next[last] as number;
    this.next[last] = n;
    this.head[blk] = n;
    this.setCount(blk, count + 1);
  }

  /**
   * Files a batch of records at once, on empty postings: record i (seq `firstSeq + i`) under
   * each of its keys (`keys.keyIds[keyStart[i] .. keyStart[i + 1])`, key id k being the key
   * (keyTypes[k], keyA[k], keyB[k])), holding what `add` would hold after filing them one by
   * one in that order — each block's records in filing order, key id k as block k (ids are in
   * first-seen order, as `add` numbers new blocks) — without a look-up or a growing array per
   * filing: the blocks are counted first, and each block of two or more gets its nodes in one
   * run. The first start files a national index this way (`MatchIndex.restoring`).
   */
  fileBatch(keys: RecordKeys, firstSeq: number): void {
    if (this.keys > 0 || this.blocksUsed > 0 || this.nodesUsed > 0)
      throw new Error('KeyPostings.fileBatch needs empty postings');
    const { keyStart, keyIds, keyCount, keyTypes, keyA, keyB } = keys;
    if (keyA === undefined || keyB === undefined)
      throw new Error("KeyPostings.fileBatch needs the keys' codes (recordKeysOf withCodes)");
    const n = keyStart.length - 1;
    const total = keyStart[n] ?? 0;
    const count = new Int32Array(keyCount);
    for (let p = 0; p < total; p++) {
      const k = keyIds[p] as number;
      count[k] = (count[k] as number) + 1;
    }
    const room = Math.max(512, keyCount);
    // Checked before anything is changed: a key type out of range leaves the postings empty.
    const typeCount = new Int32Array(room);
    // Blocks of two or more: one node a filing, each block's in a run of its own.
    const cursor = new Int32Array(keyCount);
    let nodes = 0;
    for (let k = 0; k < keyCount; k++) {
      const type = keyTypes[k] ?? 0;
      if (type > TYPE_MASK) throw new Error(`KeyPostings: key type ${type} out of range`);
      const c = count[k] as number;
      typeCount[k] = (c << TYPE_BITS) | type;
      if (c >= 2) {
        cursor[k] = nodes;
        nodes += c;
      }
    }
    this.typeCount = typeCount;
    this.kA = new Int32Array(room);
    this.kA.set(keyA.subarray(0, keyCount));
    this.kB = new Int32Array(room);
    this.kB.set(keyB.subarray(0, keyCount));
    this.head = new Int32Array(room);
    this.blocksUsed = keyCount;
    this.keys = keyCount;
    let size = this.table.length;
    while (keyCount * 4 > size * 3) size *= 2;
    this.table = new Int32Array(size);
    for (let k = 0; k < keyCount; k++) this.place(k);
    this.seq = new Int32Array(Math.max(1024, nodes));
    this.next = new Int32Array(Math.max(1024, nodes));
    this.nodesUsed = nodes;
    this.freeNode = -1;
    for (let i = 0; i < n; i++) {
      const s = firstSeq + i;
      const to = keyStart[i + 1] as number;
      for (let p = keyStart[i] as number; p < to; p++) {
        const k = keyIds[p] as number;
        if (count[k] === 1) this.head[k] = s;
        else {
          const node = cursor[k] as number;
          this.seq[node] = s;
          cursor[k] = node + 1;
        }
      }
    }
    // Each run closed into the ring `add` keeps: `head` its last node, whose `next` is its first.
    for (let k = 0; k < keyCount; k++) {
      const c = count[k] as number;
      if (c < 2) continue;
      const last = (cursor[k] as number) - 1;
      const first = last - c + 1;
      for (let x = first; x < last; x++) this.next[x] = x + 1;
      this.next[last] = first;
      this.head[k] = last;
    }
  }

  /** Takes `seq` out of the key's block (the first time it is filed there); drops an empty block. */
  remove(type: number, a: number, b: number, seq: number): void {
    const blk = this.find(type, a, b);
    if (blk < 0) return;
    const count = this.countOf(blk);
    const last = this.head[blk] as number;
    if (count === 1) {
      if (last === seq) this.dropBlock(blk);
      return;
    }
    let prev = last;
    let n = this.next[last] as number;
    for (let k = 0; k < count && this.seq[n] !== seq; k++) {
      prev = n;
      n = this.next[n] as number;
    }
    if (this.seq[n] !== seq) return;
    this.next[prev] = this.next[n] as number;
    if (n === last) this.head[blk] = prev;
    this.freeNodeAt(n);
    this.setCount(blk, count - 1);
    if (count === 2) {
      // One record left: held in `head` again, without its node.
      const only = this.head[blk] as number;
      this.head[blk] = this.seq[only] as number;
      this.freeNodeAt(only);
    }
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
      kA: this.kA.subarray(0, blocks),
      kB: this.kB.subarray(0, blocks),
      typeCount: this.typeCount.subarray(0, blocks),
      head: this.head.subarray(0, blocks),
      freeBlocks: Int32Array.from(this.freeBlocks),
      seq: this.seq.subarray(0, nodes),
      next: this.next.subarray(0, nodes),
      keys: this.keys,
      freeNode: this.freeNode,
    };
  }

  /** Postings holding what `state` gave, taking its arrays over (they must not be shared). */
  static fromState(s: KeyPostingsState): KeyPostings {
    const blocks = s.kA.length;
    const nodes = s.seq.length;
    const size = s.table.length;
    if (
      size < 2 ||
      (size & (size - 1)) !== 0 ||
      [s.kB, s.typeCount, s.head].some((x) => x.length !== blocks) ||
      s.next.length !== nodes
    )
      throw new Error('KeyPostings.fromState: the arrays disagree on their sizes');
    const p = new KeyPostings();
    p.table = s.table;
    p.keys = s.keys;
    p.kA = roomy(s.kA);
    p.kB = roomy(s.kB);
    p.typeCount = roomy(s.typeCount);
    p.head = roomy(s.head);
    p.blocksUsed = blocks;
    p.freeBlocks.push(...s.freeBlocks);
    p.seq = roomy(s.seq);
    p.next = roomy(s.next);
    p.nodesUsed = nodes;
    p.freeNode = s.freeNode;
    return p;
  }

  private countOf(blk: number): number {
    return (this.typeCount[blk] as number) >>> TYPE_BITS;
  }

  private setCount(blk: number, count: number): void {
    this.typeCount[blk] = (count << TYPE_BITS) | ((this.typeCount[blk] as number) & TYPE_MASK);
  }

  private slotOf(type: number, a: number, b: number): number {
    let h = Math.imul(type + 1, 0x9e3779b1) ^ Math.imul(a, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h & (this.table.length - 1);
  }

  private slotOfBlock(blk: number): number {
    const type = (this.typeCount[blk] as number) & TYPE_MASK;
    return this.slotOf(type, this.kA[blk] as number, this.kB[blk] as number);
  }

  /** The key's block, or -1. */
  private find(type: number, a: number, b: number): number {
    const mask = this.table.length - 1;
    for (let s = this.slotOf(type, a, b); ; s = (s + 1) & mask) {
      const blk = (this.table[s] ?? 0) - 1;
      if (blk < 0) return -1;
      if (
        this.kA[blk] === a &&
        this.kB[blk] === b &&
        ((this.typeCount[blk] as number) & TYPE_MASK) === type
      )
        return blk;
    }
  }

  /** A block for the key, holding one record (the caller sets `head`). */
  private newBlock(type: number, a: number, b: number): number {
    if ((this.keys + 1) * 4 > this.table.length * 3) this.rehash(this.table.length * 2);
    let blk = this.freeBlocks.pop();
    if (blk === undefined) {
      blk = this.blocksUsed++;
      if (blk === this.kA.length) {
        const n = grownLength(blk, blk + 1);
        this.kA = grownInt32(this.kA, n);
        this.kB = grownInt32(this.kB, n);
        this.typeCount = grownInt32(this.typeCount, n);
        this.head = grownInt32(this.head, n);
      }
    }
    this.kA[blk] = a;
    this.kB[blk] = b;
    this.typeCount[blk] = (1 << TYPE_BITS) | type;
    this.place(blk);
    this.keys++;
    return blk;
  }

  private place(blk: number): void {
    const mask = this.table.length - 1;
    let s = this.slotOfBlock(blk);
    while ((this.table[s] ?? 0) !== 0) s = (s + 1) & mask;
    this.table[s] = blk + 1;
  }

  /** Empties the block's slot, shifting back the entries that probed past it. */
  private dropBlock(blk: number): void {
    const mask = this.table.length - 1;
    let s = this.slotOfBlock(blk);
    while (this.table[s] !== blk + 1) s = (s + 1) & mask;
    let hole = s;
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const other = (this.table[j] ?? 0) - 1;
      if (other < 0) break;
      const home = this.slotOfBlock(other);
      // Move it into the hole unless its home lies cyclically in (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        this.table[hole] = other + 1;
        hole = j;
      }
    }
    this.table[hole] = 0;
    this.typeCount[blk] = 0;
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
        this.seq = grownInt32(this.seq, n + 1);
        this.next = grownInt32(this.next, n + 1);
      }
    }
    this.seq[n] = seq;
    this.next[n] = -1;
    return n;
  }

  private freeNodeAt(n: number): void {
    this.next[n] = this.freeNode;
    this.freeNode = n;
  }
}

/** Bits of `typeCount` holding the key's type (KEY_TYPES has fewer than 2^TYPE_BITS). */
const TYPE_BITS = 5;
const TYPE_MASK = (1 << TYPE_BITS) - 1;

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
  kA: Int32Array<ArrayBuffer>;
  kB: Int32Array<ArrayBuffer>;
  typeCount: Int32Array<ArrayBuffer>;
  head: Int32Array<ArrayBuffer>;
  freeBlocks: Int32Array<ArrayBuffer>;
  seq: Int32Array<ArrayBuffer>;
  next: Int32Array<ArrayBuffer>;
  keys: number;
  freeNode: number;
}
