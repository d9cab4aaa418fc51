/**
 * Batch candidate generation over an array of records' blocking keys, without materialising
 * the pair set: keys are grouped into blocks (compressed sparse rows), then each record walks
 * its blocks and visits each partner with a higher index once, de-duplicated with a
 * last-visitor array (one Int32 per record). Memory is O(total keys), not O(pairs).
 */
export interface BlockIndex {
  /** Record count. */
  n: number;
  /** Per record, the range of its block ids in `recordBlocks`. */
  recordStart: Int32Array;
  recordBlocks: Int32Array;
  /** Per block, the range of its members (ascending record index) in `members`. */
  blockStart: Int32Array;
  members: Int32Array;
  /** Blocks larger than maxBlockSize are dropped as not selective. */
  droppedBlocks: number;
  /**
   * Every key of every record as an integer (equal ids ⇔ equal key strings), kept blocks or not,
   * in the records' key order: record i's keys are `keyIds[keyStart[i] .. keyStart[i + 1])`.
   * Training uses it to find the keys a pair shares without comparing strings.
   */
  keyStart: Int32Array;
  keyIds: Int32Array;
}

export function buildBlockIndex(
  keysPerRecord: readonly (readonly string[])[],
  maxBlockSize: number,
): BlockIndex {
  const n = keysPerRecord.length;
  const blockOf = new Map<string, number>();
  const sizes: number[] = [];
  let totalKeys = 0;
  for (const keys of keysPerRecord) totalKeys += keys.length;
  // The block id of each key is looked up once here and remembered, so the second pass below
  // needs no string hashing.
  const keyStart = new Int32Array(n + 1);
  const keyIds = new Int32Array(totalKeys);
  let kp = 0;
  for (let i = 0; i < n; i++) {
    keyStart[i] = kp;
    for (const k of keysPerRecord[i] ?? []) {
      let b = blockOf.get(k);
      if (b === undefined) {
        b = sizes.length;
        blockOf.set(k, b);
        sizes.push(0);
      }
      sizes[b] = (sizes[b] ?? 0) + 1;
      keyIds[kp++] = b;
    }
  }
  keyStart[n] = kp;
  // Keep only blocks with 2..maxBlockSize members: singletons produce no pairs.
  const keep = new Int32Array(sizes.length).fill(-1);
  let kept = 0;
  let dropped = 0;
  let memberTotal = 0;
  for (let b = 0; b < sizes.length; b++) {
    const s = sizes[b] ?? 0;
    if (s >= 2 && s <= maxBlockSize) {
      keep[b] = kept++;
      memberTotal += s;
    } else if (s > maxBlockSize) dropped++;
  }
  const blockStart = new Int32Array(kept + 1);
  for (let b = 0; b < sizes.length; b++) {
    const k = keep[b] ?? -1;
    if (k >= 0) blockStart[k + 1] = sizes[b] ?? 0;
  }
  for (let k = 0; k < kept; k++)
    blockStart[k + 1] = (blockStart[k + 1] ?? 0) + (blockStart[k] ?? 0);
  const fill = blockStart.slice(0, kept);
  const members = new Int32Array(memberTotal);
  const recordStart = new Int32Array(n + 1);
  const recordBlocksTmp = new Int32Array(totalKeys);
  let rb = 0;
  for (let i = 0; i < n; i++) {
    recordStart[i] = rb;
    const ke = keyStart[i + 1] ?? 0;
    for (let p = keyStart[i] ?? 0; p < ke; p++) {
      const k = keep[keyIds[p] ?? 0] ?? -1;
      if (k < 0) continue;
      const pos = fill[k] ?? 0;
      members[pos] = i;
      fill[k] = pos + 1;
      recordBlocksTmp[rb++] = k;
    }
  }
  recordStart[n] = rb;
  return {
    n,
    recordStart,
    recordBlocks: recordBlocksTmp.slice(0, rb),
    blockStart,
    members,
    droppedBlocks: dropped,
    keyStart,
    keyIds,
  };
}

/**
 * Calls `visit(i, j)` once for every candidate pair i < j, in order of i. Returns the number of
 * pairs visited. `filter(i)` (optional) restricts the left-hand records, for sampling.
 */
export function forEachCandidatePair(
  index: BlockIndex,
  visit: (i: number, j: number) => void,
  filter?: (i: number) => boolean,
): number {
  const { n, recordStart, recordBlocks, blockStart, members } = index;
  const last = new Int32Array(n).fill(-1);
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    if (filter !== undefined && !filter(i)) continue;
    const rs = recordStart[i] ?? 0;
    const re = recordStart[i + 1] ?? 0;
    for (let p = rs; p < re; p++) {
      const b = recordBlocks[p] ?? 0;
      const be = blockStart[b + 1] ?? 0;
      for (let q = blockStart[b] ?? 0; q < be; q++) {
        const j = members[q] ?? 0;
        if (j <= i || last[j] === i) continue;
        last[j] = i;
        pairs++;
        visit(i, j);
      }
    }
  }
  return pairs;
}
