type Growable = Int32Array | Float64Array | Uint8Array;

/**
 * `a`, or a copy of it at least twice as long when it has no slot `index`; new slots hold
 * `fill`. For the national index's per-handle columns, which grow with the handles in use.
 */
export function withSlot<T extends Growable>(a: T, index: number, fill: number): T {
  if (index < a.length) return a;
  let length = Math.max(a.length * 2, 1024);
  while (length <= index) length *= 2;
  const grown = new (a.constructor as new (n: number) => T)(length);
  grown.set(a);
  grown.fill(fill, a.length);
  return grown;
}
