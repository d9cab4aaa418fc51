import {
  blockingKeyCodes,
  CANDIDATE_ONLY_KEY_TYPES,
  KeyCodes,
  KEY_TYPES,
  LONE_NAME_KEY,
  LONE_NAME_YEARS,
  NAME_YEAR_KEY,
} from './blocking-keys';
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
  /**
   * Per record, the range of its walks in `recordBlocks`: a block id (its kept blocks in key
   * order, then the lone-name blocks it meets), or `-(x + 1)` for a lone name's walk `x`
   * (`loneBlock`).
   */
  recordStart: Int32Array;
  recordBlocks: Int32Array;
  /** Per block, the range of its members (ascending record index) in `members`. */
  blockStart: Int32Array;
  members: Int32Array;
  /**
   * A lone name's walk x (LONE_NAME_KEY): the block of the lone names of its code,
   * `loneBlock[x]`, and the `fy` blocks it meets in year order, `loneSteps[loneStepStart[x] ..
   * loneStepStart[x + 1])` (-1: a year no record holds, where it meets the lone names alone).
   */
  loneBlock: Int32Array;
  loneStepStart: Int32Array;
  loneSteps: Int32Array;
  /**
   * Blocks larger than maxBlockSize are dropped as not selective: stored keys counted (a
   * lone-name key once, its one-sided blocks not).
   */
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
  /** The lone-name keys and the `fy` keys they meet, when a record holds one. */
  lone?: LoneNameKeys;
  /**
   * Each key's two codes by id, when asked for (`recordKeysOf`'s `withCodes`): key id k is
   * (keyTypes[k], keyA[k], keyB[k]) as `blockingKeyCodes` gave it, so that an index can file
   * the records under their keys without working them out again (`KeyPostings.fileBatch`).
   */
  keyA?: Int32Array;
  keyB?: Int32Array;
}

/**
 * Lone-name key x is key id `keys[x]` (LONE_NAME_KEY); the `fy` keys of its code whose year is in
 * LONE_NAME_YEARS and held by some record are `yearKeys[yearStart[x] .. yearStart[x + 1])`, in
 * year order, with -1 in the place of the first year held by none (if any year is).
 */
export interface LoneNameKeys {
  keys: Int32Array;
  yearStart: Int32Array;
  yearKeys: Int32Array;
}

/** The blocking keys of `records`, interned as integers (no key text is built). */
export function recordKeysOf(records: readonly NormalisedRecord[], withCodes = false): RecordKeys {
  const n = records.length;
  // Sized for ~12 keys a record at ≤ 3/4 load, so it rarely has to grow (rehash) on the way.
  const table = new KeyTable(Math.max(10, Math.ceil(Math.log2((n * 12 * 4) / 3))));
  const codes = new KeyCodes();
  const keyStart = new Int32Array(n + 1);
  let keyIds = new Int32Array(Math.max(16, n * 16));
  let kp = 0;
  /** Each new lone-name key's id and code. */
  const lone: number[] = [];
  for (let i = 0; i < n; i++) {
    keyStart[i] = kp;
    blockingKeyCodes(records[i] as NormalisedRecord, codes);
    if (kp + codes.length > keyIds.length) {
      const grown = new Int32Array(Math.max(keyIds.length * 2, kp + codes.length));
      grown.set(keyIds);
      keyIds = grown;
    }
    for (let x = 0; x < codes.length; x++) {
      const type = codes.type[x] ?? 0;
      const known = table.size;
      const id = table.intern(type, codes.a[x] ?? 0, codes.b[x] ?? 0);
      keyIds[kp++] = id;
      if (type === LONE_NAME_KEY && id === known) lone.push(id, codes.a[x] ?? 0);
    }
  }
  keyStart[n] = kp;
  // Views, not copies: at national scale every large typed array allocated here is external
  // memory, and each burst of it made V8 run a full collection of a 3 GB heap (~3.5 s each).
  const keys: RecordKeys = {
    keyStart,
    keyIds: keyIds.subarray(0, kp),
    keyCount: table.size,
    keyTypes: table.types(),
  };
  if (lone.length > 0) keys.lone = loneNameKeysOf(lone, table);
  if (withCodes) {
    const { a, b } = table.codes();
    keys.keyA = a;
    keys.keyB = b;
  }
  return keys;
}

/** The `fy` keys each lone-name key meets (`LoneNameKeys`), from `[id, code, id, code …]`. */
function loneNameKeysOf(lone: readonly number[], table: KeyTable): LoneNameKeys {
  const count = lone.length / 2;
  const keys = new Int32Array(count);
  const yearStart = new Int32Array(count + 1);
  const yearKeys: number[] = [];
  for (let x = 0; x < count; x++) {
    keys[x] = lone[2 * x] ?? 0;
    const code = lone[2 * x + 1] ?? 0;
    yearStart[x] = yearKeys.length;
    let unheld = false;
    for (let y = LONE_NAME_YEARS.from; y <= LONE_NAME_YEARS.to; y++) {
      const f = table.find(NAME_YEAR_KEY, code, y);
      if (f >= 0) yearKeys.push(f);
      else if (!unheld) {
        unheld = true;
        yearKeys.push(-1);
      }
    }
  }
  yearStart[count] = yearKeys.length;
  return { keys, yearStart, yearKeys: Int32Array.from(yearKeys) };
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
  // The lone-name keys are dropped with the rest: `lone` is not carried over.
  return { keyStart: start, keyIds: ids, keyCount: keys.keyCount, keyTypes };
}

/**
 * The blocks of `keys` with 2 .. maxBlockSize members, and the lone names' walks: a lone-name key
 * (LONE_NAME_KEY) is no block of its own, but with the `fy` block of its code and a year makes a
 * one-sided block for each year of LONE_NAME_YEARS, kept when it holds at most maxBlockSize
 * records (blocking-keys.ts). Its lone names walk the kept ones in year order; a record holding
 * one of those `fy` keys walks the lone names' block after its own blocks.
 */
export function buildBlockIndex(keys: RecordKeys, maxBlockSize: number): BlockIndex {
  const { keyStart, keyIds } = keys;
  const n = keyStart.length - 1;
  const totalKeys = keyStart[n] ?? 0;
  const sizes = new Int32Array(keys.keyCount);
  for (let p = 0; p < totalKeys; p++) {
    const b = keyIds[p] ?? 0;
    sizes[b] = (sizes[b] ?? 0) + 1;
  }
  // Blocks walked as they are: 2..maxBlockSize members (singletons produce no pairs), not a
  // lone-name key. Blocks the lone names' walks need are held too, whatever their size.
  const walked = new Uint8Array(sizes.length);
  let dropped = 0;
  for (let b = 0; b < sizes.length; b++) {
    const s = sizes[b] ?? 0;
    if (s >= 2 && s <= maxBlockSize) walked[b] = 1;
    else if (s > maxBlockSize) dropped++;
  }
  const lone = keys.lone === undefined ? undefined : loneWalks(keys.lone, sizes, maxBlockSize);
  if (lone) for (const l of keys.lone?.keys ?? []) walked[l] = 0;
  const keep = new Int32Array(sizes.length).fill(-1);
  let kept = 0;
  let memberTotal = 0;
  for (let b = 0; b < sizes.length; b++) {
    if (walked[b] !== 1 && lone?.held[b] !== 1) continue;
    keep[b] = kept++;
    memberTotal += sizes[b] ?? 0;
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
  const recordBlocksTmp = new Int32Array(totalKeys + (lone?.extra ?? 0));
  let rb = 0;
  for (let i = 0; i < n; i++) {
    recordStart[i] = rb;
    const ks = keyStart[i] ?? 0;
    const ke = keyStart[i + 1] ?? 0;
    for (let p = ks; p < ke; p++) {
      const id = keyIds[p] ?? 0;
      const k = keep[id] ?? -1;
      if (k < 0) continue;
      const pos = fill[k] ?? 0;
      members[pos] = i;
      fill[k] = pos + 1;
      if (walked[id] === 1) recordBlocksTmp[rb++] = k;
    }
    if (lone === undefined) continue;
    // After its own blocks: its lone name's walk, or the lone names its `fy` keys meet.
    for (let p = ks; p < ke; p++) {
      const id = keyIds[p] ?? 0;
      const x = lone.probe[id] ?? -1;
      if (x < 0) continue;
      recordBlocksTmp[rb++] = keys.keyTypes[id] === LONE_NAME_KEY ? -(x + 1) : (keep[x] ?? -1);
    }
  }
  recordStart[n] = rb;
  const loneSteps = lone?.steps ?? new Int32Array(0);
  for (let q = 0; q < loneSteps.length; q++) {
    const f = loneSteps[q] ?? -1;
    if (f >= 0) loneSteps[q] = keep[f] ?? -1;
  }
  return {
    n,
    recordStart,
    recordBlocks: recordBlocksTmp.subarray(0, rb),
    blockStart,
    members,
    loneBlock: Int32Array.from(lone?.loneKey ?? [], (l) => keep[l] ?? -1),
    loneStepStart: lone?.stepStart ?? new Int32Array(1),
    loneSteps,
    droppedBlocks: dropped,
    keys,
  };
}

/**
 * The lone names' walks (`BlockIndex`), as key ids: walk x is the lone-name key `loneKey[x]`'s,
 * its steps the `fy` keys of the years whose one-sided block is within the cap (-1: a year held
 * by none); only lone-name keys with a step have one. `probe[id]`: for a lone-name key its walk,
 * for an `fy` key the lone-name key it meets (-1: none); `held[id]` 1 for the keys the walks
 * read; `extra` how many lone names' blocks the records holding those `fy` keys walk.
 */
function loneWalks(
  lone: LoneNameKeys,
  sizes: Int32Array,
  maxBlockSize: number,
): {
  loneKey: number[];
  stepStart: Int32Array;
  steps: Int32Array;
  probe: Int32Array;
  held: Uint8Array;
  extra: number;
} {
  const loneKey: number[] = [];
  const stepStart: number[] = [0];
  const steps: number[] = [];
  const probe = new Int32Array(sizes.length).fill(-1);
  const held = new Uint8Array(sizes.length);
  let extra = 0;
  for (let x = 0; x < lone.keys.length; x++) {
    const l = lone.keys[x] ?? 0;
    const lones = sizes[l] ?? 0;
    const from = steps.length;
    const ye = lone.yearStart[x + 1] ?? 0;
    for (let p = lone.yearStart[x] ?? 0; p < ye; p++) {
      const f = lone.yearKeys[p] ?? -1;
      if ((f < 0 ? 0 : (sizes[f] ?? 0)) + lones > maxBlockSize) continue;
      steps.push(f);
      if (f < 0) continue;
      held[f] = 1;
      probe[f] = l;
      extra += sizes[f] ?? 0;
    }
    if (steps.length === from) continue;
    probe[l] = loneKey.length;
    held[l] = 1;
    loneKey.push(l);
    stepStart.push(steps.length);
  }
  return {
    loneKey,
    stepStart: Int32Array.from(stepStart),
    steps: Int32Array.from(steps),
    probe,
    held,
    extra,
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
      if (b < 0) {
        pairs += loneWalk(index, -b - 1, i, last, visit);
        continue;
      }
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

/**
 * Lone name i's walk x (`forEachCandidatePair`): the one-sided blocks within the cap, year by
 * year, each its `fy` block and the lone names' block merged in record order (the lone names
 * met at the first). Returns the pairs visited.
 */
function loneWalk(
  index: BlockIndex,
  x: number,
  i: number,
  last: Int32Array,
  visit: (i: number, j: number) => void,
): number {
  let pairs = 0;
  const meet = (j: number): void => {
    if (j <= i || last[j] === i) return;
    last[j] = i;
    pairs++;
    visit(i, j);
  };
  const l = index.loneBlock[x] ?? 0;
  const se = index.loneStepStart[x + 1] ?? 0;
  const first = index.loneStepStart[x] ?? 0;
  for (let q = first; q < se; q++) {
    const f = index.loneSteps[q] ?? -1;
    if (q === first) mergedMembers(index, f, l, meet);
    else if (f >= 0) mergedMembers(index, f, -1, meet);
  }
  return pairs;
}

/** The members of blocks `a` and `b` (none when -1), in ascending order (they share none). */
function mergedMembers(index: BlockIndex, a: number, b: number, f: (j: number) => void): void {
  const { blockStart, members } = index;
  let p = a < 0 ? 0 : (blockStart[a] ?? 0);
  const pe = a < 0 ? 0 : (blockStart[a + 1] ?? 0);
  let q = b < 0 ? 0 : (blockStart[b] ?? 0);
  const qe = b < 0 ? 0 : (blockStart[b + 1] ?? 0);
  while (p < pe || q < qe) {
    const x = p < pe ? (members[p] ?? 0) : Infinity;
    const y = q < qe ? (members[q] ?? 0) : Infinity;
    if (x < y) p++;
    else q++;
    f(Math.min(x, y));
  }
}
