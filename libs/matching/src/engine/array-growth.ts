/** Arrays at or above this many elements grow by a quarter, not by doubling. */
const LARGE = 1 << 20;

/**
 * The length to give an array of `length` elements that must hold `need`: twice its length while
 * it is small, then a quarter more at a time. At national scale (a million records) an index's
 * columns are tens to hundreds of MiB each: doubling left up to half of each unused (on average
 * a quarter of the whole), and the first record added to an index loaded from a snapshot (its
 * arrays exactly full) doubled every column at once (issue #14). Growing by a quarter still
 * copies each element a bounded number of times on average (about four).
 */
export function grownLength(length: number, need: number): number {
  const step = length < LARGE ? length * 2 : length + (length >> 2);
  return Math.max(need, step, 16);
}

/** A copy of `x` with room for at least `need` elements (`grownLength`), the rest zero. */
export function grownInt32(x: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(grownLength(x.length, need));
  out.set(x);
  return out;
}
