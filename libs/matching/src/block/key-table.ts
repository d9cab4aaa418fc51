/**
 * Interning of blocking keys held as integer triples (type, a, b) — see `blocking-keys.ts` — to
 * dense ids 0, 1, 2 … in first-seen order. An open-addressing hash table on one Int32Array: a
 * `Map` keyed by the keys' text hashed and compared strings and kept tens of millions of them on
 * the heap at national scale (the block phase was string `Map` work). Keys are compared exactly,
 * so two keys share an id if and only if their texts are equal.
 */
export class KeyTable {
  /** Slot i: [4i] type + 1 (0 = empty), [4i + 1] a, [4i + 2] b, [4i + 3] id. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  /** Type of each key id (types are few: a byte each). */
  private typeOfId: Uint8Array;

  constructor(capacityLog2 = 16) {
    this.slots = new Int32Array(4 << capacityLog2);
    this.mask = (1 << capacityLog2) - 1;
    this.typeOfId = new Uint8Array(1 << capacityLog2);
  }

  /** Distinct keys interned so far. */
  get size(): number {
    return this.count;
  }

  /** The type of key `id`. */
  typeOf(id: number): number {
    return this.typeOfId[id] ?? -1;
  }

  /** The type of every key, by id (a view, valid until the next intern). */
  types(): Uint8Array {
    return this.typeOfId.subarray(0, this.count);
  }

  /** Every key's two codes, by id (`a[id]`, `b[id]`): fresh arrays, one pass over the slots. */
  codes(): { a: Int32Array<ArrayBuffer>; b: Int32Array<ArrayBuffer> } {
    const a = new Int32Array(this.count);
    const b = new Int32Array(this.count);
    const slots = this.slots;
    for (let i = 0; i < slots.length; i += 4) {
      if (slots[i] === 0) continue;
      const id = slots[i + 3] ?? 0;
      a[id] = slots[i + 1] ?? 0;
      b[id] = slots[i + 2] ?? 0;
    }
    return { a, b };
  }

  /** The id of key (type, a, b), interning it when new. */
  intern(type: number, a: number, b: number): number {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow();
    const i = this.slot(type, a, b);
    const slots = this.slots;
    if (slots[i * 4] !== 0) return slots[i * 4 + 3] ?? -1;
    const id = this.count++;
    slots[i * 4] = type + 1;
    slots[i * 4 + 1] = a;
    slots[i * 4 + 2] = b;
    slots[i * 4 + 3] = id;
    if (id >= this.typeOfId.length) {
      const grown = new Uint8Array(this.typeOfId.length * 2);
      grown.set(this.typeOfId);
      this.typeOfId = grown;
    }
    this.typeOfId[id] = type;
    return id;
  }

  /** The id of key (type, a, b), or -1 when it was never interned. */
  find(type: number, a: number, b: number): number {
    const i = this.slot(type, a, b);
    return this.slots[i * 4] === 0 ? -1 : (this.slots[i * 4 + 3] ?? -1);
  }

  private slot(type: number, a: number, b: number): number {
    let h = Math.imul(type + 1, 0x27d4eb2f) ^ Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const t = slots[i * 4] ?? 0;
      if (t === 0 || (t === type + 1 && slots[i * 4 + 1] === a && slots[i * 4 + 2] === b)) return i;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let i = 0; i < old.length; i += 4) {
      const t = old[i] ?? 0;
      if (t === 0) continue;
      const s = this.slot(t - 1, old[i + 1] ?? 0, old[i + 2] ?? 0);
      this.slots.set(old.subarray(i, i + 4), s * 4);
    }
  }
}
