import { blockingKeyCodes, CANDIDATE_ONLY_KEY_TYPES, KeyCodes, KEY_TYPES } from './blocking-keys';
import { KeyTable } from './key-table';
import type { NormalisedRecord } from '../normalise/record.normaliser';

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
   * Every key of every record (kept blocks or not), as `RecordKeys`. Training uses it to find
   * the keys a pair shares.
   */
  keys: RecordKeys;
}

/**
 * Every record's blocking keys as key ids (equal ids ⇔ equal keys), in each record's key order:
 * record i's keys are `keyIds[keyStart[i] .. keyStart[i + 1])`; ids run 0 .. keyCount − 1 in
 * first-seen order, and `keyTypes[id]` is a key's type (KEY_TYPES).
 */
export interface RecordKeys {
  keyStart: Int32Array;
  keyIds: Int32Array;
  keyCount: number;
  keyTypes: Uint8Array;
}

/** The blocking keys of `records`, interned as integers (no key text is built). */
export function recordKeysOf(records: readonly NormalisedRecord[]): RecordKeys {
  const n = records.length;
  // Sized for ~12 keys a record at ≤ 3/4 load, so it rarely has to grow (rehash) on the way.
  const table = new KeyTable(Math.max(10, Math.ceil(Math.log2((n * 12 * 4) / 3))));
  const codes = new KeyCodes();
  const keyStart = new Int32Array(n + 1);
  let keyIds = new Int32Array(Math.max(16, n * 16));
  let kp = 0;
  for (let i = 0; i < n; i++) {
    keyStart[i] = kp;
    blockingKeyCodes(records[i] as NormalisedRecord, codes);
    if (kp + codes.length > keyIds.length) {
      const grown = new Int32Array(Math.max(keyIds.length * 2, kp + codes.length));
      grown.set(keyIds);
      keyIds = grown;
    }
    for (let x = 0; x < codes.length; x++) {
      keyIds[kp++] = table.intern(codes.type[x] ?? 0, codes.a[x] ?? 0, codes.b[x] ?? 0);
    }
  }
  keyStart[n] = kp;
  // Views, not copies: at national scale every large typed array allocated here is external
  // memory, and each burst of it made V8 run a full collection of a 3 GB heap (~3.5 s each).
  return {
    keyStart,
    keyIds: keyIds.subarray(0, kp),
    keyCount: table.size,
    keyTypes: table.types(),
  };
}

/** 1 for the codes of CANDIDATE_ONLY_KEY_TYPES, by key type code. */
const CANDIDATE_ONLY = Uint8Array.from(KEY_TYPES, (t) => (CANDIDATE_ONLY_KEY_TYPES.has(t) ? 1 : 0));

/**
 * `keys` without the keys of CANDIDATE_ONLY_KEY_TYPES (the same key ids, each record's other keys
 * in the same order): what training blocks on. `keys` itself when no record has such a key.
 */
export function trainingKeysOf(keys: RecordKeys): RecordKeys {
  const { keyStart, keyIds, keyTypes } = keys;
  const n = keyStart.length - 1;
  const total = keyStart[n] ?? 0;
  let kept = 0;
  for (let p = 0; p < total; p++) if (CANDIDATE_ONLY[keyTypes[keyIds[p] ?? 0] ?? 0] !== 1) kept++;
  if (kept === total) return keys;
  const start = new Int32Array(n + 1);
  const ids = new Int32Array(kept);
  let q = 0;
  for (let i = 0; i < n; i++) {
    start[i] = q;
    const e = keyStart[i + 1] ?? 0;
    for (let p = keyStart[i] ?? 0; p < e; p++) {
      const k = keyIds[p] ?? 0;
      if (CANDIDATE_ONLY[keyTypes[k] ?? 0] !== 1) ids[q++] = k;
    }
  }
  start[n] = q;
  return { keyStart: start, keyIds: ids, keyCount: keys.keyCount, keyTypes };
}

export function buildBlockIndex(keys: RecordKeys, maxBlockSize: number): BlockIndex {
  const { keyStart, keyIds } = keys;
  const n = keyStart.length - 1;
  const totalKeys = keyStart[n] ?? 0;
  const sizes = new Int32Array(keys.keyCount);
  for (let p = 0; p < totalKeys; p++) {
    const b = keyIds[p] ?? 0;
    sizes[b] = (sizes[b] ?? 0) + 1;
  }
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
    recordBlocks: recordBlocksTmp.subarray(0, rb),
    blockStart,
    members,
    droppedBlocks: dropped,
    keys,
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
