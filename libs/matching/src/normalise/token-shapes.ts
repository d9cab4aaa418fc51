import { isTransientToken, tokenString } from './token-ids';

/**
 * A token's shape: its length and which letters (a–z) and digits (in pairs: 0–1, 2–3 …) it holds,
 * enough to rule a pair of tokens out of a fuzzy comparison from two small arrays instead of a
 * memo probe and two strings. In a first start's batch (1.1M records, 53.7M pairs) most fuzzy
 * comparisons are of two unrelated names, streets or handles; the Jaro–Winkler memo's look-up
 * (a cache miss in a table of millions of pairs, emptied when full) and the strings made on a
 * miss were the largest part of its scoring profile.
 *
 * A character of one token whose letter (or digit pair) the other does not hold at all cannot
 * match anything there, so each such letter takes at least one from what can match: the bounds
 * below are never below what the exact computations give, so ruling a pair out by them changes
 * no answer. Other characters (accented letters, punctuation) set no bit and rule nothing out.
 *
 * Shapes are worked out once per token, when first asked for, and kept by id (5 bytes a token),
 * like the token table; a query's own tokens (`withQueryTokens`) are worked out each time.
 */

/** Lengths from here up are not kept (a shape that rules nothing out). */
const LONG = 255;

let lengths = new Uint8Array(1 << 12);
let masks = new Int32Array(1 << 12);

/** The shape of a text: its letters' and digit pairs' bits. */
function maskOf(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) m |= 1 << (c - 97);
    else if (c >= 48 && c <= 57) m |= 1 << (26 + ((c - 48) >> 1));
  }
  return m;
}

/** Bits set in a 31-bit mask. */
function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Token `id`'s shape into `out` (-1, the empty text: nothing); kept by id unless transient. */
function shape(id: number, out: { length: number; mask: number }): void {
  if (id < 0) {
    out.length = 0;
    out.mask = 0;
    return;
  }
  if (isTransientToken(id)) {
    const s = tokenString(id);
    out.length = Math.min(s.length, LONG);
    out.mask = maskOf(s);
    return;
  }
  if (id >= lengths.length) grow(id);
  let n = lengths[id] ?? 0;
  if (n === 0) {
    const s = tokenString(id);
    n = Math.max(1, Math.min(s.length, LONG));
    lengths[id] = n;
    masks[id] = maskOf(s);
  }
  out.length = n;
  out.mask = masks[id] ?? 0;
}

function grow(id: number): void {
  const size = Math.max(id + 1, lengths.length * 2);
  const l = new Uint8Array(size);
  l.set(lengths);
  lengths = l;
  const m = new Int32Array(size);
  m.set(masks);
  masks = m;
}

const sa = { length: 0, mask: 0 };
const sb = { length: 0, mask: 0 };

/**
 * An upper bound of the Jaro–Winkler similarity of tokens x and y (ids, both held: not -1) from
 * their shapes: at most (m/|x| + m/|y| + 1) / 3 for Jaro, m the characters that can match, and
 * Winkler's prefix adds at most 0.4 of what is left (JaroWinklerMemo's own bound, with a coarser
 * m). 1 when a length is not kept.
 */
export function jaroWinklerCeiling(x: number, y: number): number {
  shape(x, sa);
  shape(y, sb);
  const la = sa.length;
  const lb = sb.length;
  if (la >= LONG || lb >= LONG || la === 0 || lb === 0) return 1;
  const m = Math.min(la - popcount(sa.mask & ~sb.mask), lb - popcount(sb.mask & ~sa.mask));
  if (m <= 0) return 0;
  const jaro = (m / la + m / lb + 1) / 3;
  return jaro < 0.7 ? jaro : jaro + 0.4 * (1 - jaro);
}

/**
 * False when tokens x and y (ids; -1 the empty text) cannot be one edit apart (`isOneEdit`):
 * lengths more than one apart, or either holding two letters (or digit pairs) the other lacks.
 * True says only that they may be.
 */
export function mayBeOneEdit(x: number, y: number): boolean {
  shape(x, sa);
  shape(y, sb);
  if (sa.length >= LONG || sb.length >= LONG) return true;
  const dl = sa.length - sb.length;
  if (dl > 1 || dl < -1) return false;
  return popcount(sa.mask & ~sb.mask) <= 1 && popcount(sb.mask & ~sa.mask) <= 1;
}

/** The shapes kept (for diagnostics and tests): how many ids they are sized for. */
export function tokenShapesSize(): number {
  return lengths.length;
}
