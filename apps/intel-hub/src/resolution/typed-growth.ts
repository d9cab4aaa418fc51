import { grownLength } from '@intel/matching';

type Growable = Int32Array | Float64Array | Uint8Array;

/**
 * `a`, or a copy of it with a slot `index` (`grownLength`: doubled while small, then a quarter
 * more at a time); new slots hold `fill`. For the national index's per-handle columns, which
 * grow with the handles in use.
 */
export function withSlot<T extends Growable>(a: T, index: number, fill: number): T {
  if (index < a.length) return a;
  const length = grownLength(Math.max(a.length, 512), index + 1);
  const grown = new (a.constructor as new (n: number) => T)(length);
  grown.set(a);
  grown.fill(fill, a.length);
  return grown;
}
