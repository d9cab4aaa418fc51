import { grownInt32, grownLength } from './array-growth';

/**
 * Texts interned to dense integer handles (0, 1, 2…), with no JavaScript object per text: the
 * token table's member keys', person ids' and identifier keys' store (issue #14). Held as a
 * `Map<string, number>` beside an array of strings, a text of about 40 characters costs about
 * 150 bytes of heap (a string of its own, a map entry with its share of the map's doubling, an
 * array slot); here it costs its code units plus about 17 bytes:
 *
 * - `bytes`, one arena of the texts' code units, a byte a unit, each text after its length as a
 *   varint (one byte below 128 units); `starts[h]`, where handle `h`'s text begins in it;
 * - `hashes[h]`, its hash, and `slots`, an open-addressing hash table of handle + 1 (0: empty)
 *   probed linearly, a power of two long and at most three quarters full;
 * - a text with a code unit of 256 or more (a name in another script, a lone surrogate's kin) is
 *   kept as a string in `wide` (`starts[h]` is -1).
 *
 * `text(h)` makes a fresh flat string equal to the one interned, on each call.
 *
 * A handle can be released (a member key or identifier no longer held): its slot leaves the hash
 * table by backward shifting (no tombstones, so probes stay as short as the load says) and the
 * handle goes on a free list threaded through `starts` (`starts[h]` = -3 - next free handle; -2
 * ends the list), the most recently released reused first. Its text's bytes stay in the arena
 * as waste until the waste is more than half of the arena's used bytes (and at least
 * `COMPACT_MIN`): then the live texts are copied into a fresh arena, in handle order, a quarter
 * larger than they need. A compaction costs one pass over the handles and the live bytes, and
 * comes only after at least as many bytes were released as stay live, so it adds a bounded
 * amount of copying per byte released; between compactions the arena holds at most twice the
 * live texts.
 */
export class TextHandles {
  /** Narrow texts' varint lengths and code units, back to back. */
  private bytes = Buffer.alloc(1 << 12);
  private used = 0;
  /** Bytes in `bytes[0, used)` of released texts. */
  private waste = 0;
  /** Per handle: start in `bytes` (>= 0), -1 wide, <= -2 released (free list link). */
  private starts = new Int32Array(256);
  private hashes = new Int32Array(256);
  private readonly wide = new Map<number, string>();
  /** Hash table: handle + 1, 0 = empty. Its length is a power of two. */
  private slots = new Int32Array(512);
  /** The most recently released handle, -1 for none. */
  private free = -1;
  private handles = 0;
  private live = 0;
  /** Where the code units of the text `lengthAt` last read begin. */
  private from = 0;

  /** `compactMin`: released bytes below which the arena is never compacted. */
  constructor(private readonly compactMin = COMPACT_MIN) {}

  /** Texts held (handles given and not released). */
  get size(): number {
    return this.live;
  }

  /** One past the highest handle ever given. */
  get limit(): number {
    return this.handles;
  }

  /** The arena's bytes in use, live and released (for diagnostics and tests). */
  get arenaUsed(): number {
    return this.used;
  }

  /** The handle of `s`, or -1 when it has none. */
  find(s: string): number {
    return (this.slots[this.slotOf(s, textHash(s))] as number) - 1;
  }

  /** The handle of `s`, given one (a released handle first) if it has none. */
  intern(s: string): number {
    const h = textHash(s);
    const slot = this.slotOf(s, h);
    const held = (this.slots[slot] as number) - 1;
    if (held >= 0) return held;
    const id = this.take();
    this.store(id, s, h);
    this.slots[slot] = id + 1;
    this.live++;
    if (this.live * 4 > this.slots.length * 3) this.rehash(this.slots.length * 2);
    return id;
  }

  /**
   * The handles of a table of texts as a snapshot holds them (`frames`: `u32 LE length | UTF-8`
   * entries back to back, each whole within its frame), interned as `intern` would, -1 for an
   * empty text: an all-ASCII text (nearly every token and key) is hashed, compared and stored
   * from its bytes without a string being made; any other is decoded and interned. `count`
   * texts of `bytes` bytes are expected: the table is sized for them first.
   */
  internUtf8(frames: readonly Uint8Array[], count: number, bytes: number): Int32Array {
    this.reserve(count, bytes + 5 * count);
    const out = new Int32Array(count);
    let n = 0;
    eachUtf8(frames, (b, from, to, ascii) => {
      if (n >= count) throw new Error('more texts than counted in a table of texts');
      if (ascii) out[n++] = this.internAscii(b, from, to);
      else {
        const s = b.toString('utf8', from, to);
        out[n++] = s === '' ? -1 : this.intern(s);
      }
    });
    if (n !== count) throw new Error(`a table of ${n} texts, ${count} counted`);
    return out;
  }

  /** Whether `h` is a handle given and not released. */
  has(h: number): boolean {
    return h >= 0 && h < this.handles && (this.starts[h] as number) >= -1;
  }

  /** The text of handle `h` ('' for a handle not held). */
  text(h: number): string {
    if (!this.has(h)) return '';
    const start = this.starts[h] as number;
    if (start === -1) return this.wide.get(h) as string;
    const length = this.lengthAt(start);
    const at = this.from;
    return this.bytes.toString('latin1', at, at + length);
  }

  /** The released handles not yet given again, in the order they were released. */
  releasedHandles(): number[] {
    const out: number[] = [];
    for (let h = this.free; h >= 0; h = -3 - (this.starts[h] as number)) out.push(h);
    return out.reverse();
  }

  /** Each handle's text in handle order, '' for a released handle (a snapshot's list). */
  *textsByHandle(): Generator<string> {
    for (let h = 0; h < this.handles; h++) yield this.text(h);
  }

  /** `h`'s text is no longer held; `h` is given again to a later text. No-op if not held. */
  release(h: number): void {
    if (!this.has(h)) return;
    this.unslot(h);
    const start = this.starts[h] as number;
    if (start === -1) this.wide.delete(h);
    else this.waste += this.spanAt(start);
    this.starts[h] = -3 - this.free;
    this.free = h;
    this.live--;
    if (this.waste >= this.compactMin && this.waste * 2 > this.used) this.compact();
  }

  /**
   * A table holding `texts[h]` under each handle `h` but the `released` ones (whose texts are
   * ignored), which are free in that order (the last is reused first): what a table with those
   * handles given and released holds, for a snapshot's restore. Throws when a text is given twice
   * or a released handle is out of range or listed twice.
   */
  static restored(
    texts: readonly string[],
    released: Iterable<number>,
    compactMin = COMPACT_MIN,
  ): TextHandles {
    const { out, free, order } = TextHandles.sized(texts.length, released, compactMin);
    for (let id = 0; id < texts.length; id++) if (!free.has(id)) out.place(id, texts[id] as string);
    out.freeInOrder(order);
    return out;
  }

  /**
   * `restored` from a snapshot's table read as bytes (`frames`: `u32 LE length | UTF-8` entries,
   * each whole within its frame; `count` texts of `bytes` bytes): an all-ASCII text is hashed,
   * compared and stored from its bytes, without a string being made (a 1M index's member keys
   * and person ids are two million); any other is decoded and placed as `restored` would. A
   * released handle's text must be empty, and only a released handle's.
   */
  static restoredUtf8(
    table: { frames: readonly Uint8Array[]; count: number; bytes: number },
    released: Iterable<number>,
    compactMin = COMPACT_MIN,
  ): TextHandles {
    const { out, free, order } = TextHandles.sized(table.count, released, compactMin);
    out.room(table.bytes + 5 * table.count);
    let id = 0;
    eachUtf8(table.frames, (b, from, to, ascii) => {
      if (id >= table.count) throw new Error('more texts than counted in a table of texts');
      if (free.has(id) !== (to === from))
        throw new Error(
          `handle ${id} is ${free.has(id) ? 'released and has' : 'held and has no'} text`,
        );
      if (!free.has(id)) {
        if (ascii) out.placeAscii(id, b, from, to);
        else out.place(id, b.toString('utf8', from, to));
      }
      id++;
    });
    if (id !== table.count) throw new Error(`a table of ${id} texts, ${table.count} counted`);
    out.freeInOrder(order);
    return out;
  }

  /** An empty table of `count` handles sized for them, the `released` ones checked. */
  private static sized(
    count: number,
    released: Iterable<number>,
    compactMin: number,
  ): { out: TextHandles; free: Set<number>; order: number[] } {
    const out = new TextHandles(compactMin);
    const free = new Set<number>();
    const order: number[] = [];
    for (const h of released) {
      if (!Number.isInteger(h) || h < 0 || h >= count || free.has(h))
        throw new Error(`released handle ${h} is not one of ${count} or is listed twice`);
      free.add(h);
      order.push(h);
    }
    out.handles = count;
    out.starts = new Int32Array(Math.max(count, 16));
    out.hashes = new Int32Array(Math.max(count, 16));
    let size = 512;
    while ((count - free.size) * 4 > size * 3) size *= 2;
    out.slots = new Int32Array(size);
    return { out, free, order };
  }

  /** Puts `s` under handle `id` (a restore's): throws when another handle holds it. */
  private place(id: number, s: string): void {
    const h = textHash(s);
    const slot = this.slotOf(s, h);
    if ((this.slots[slot] as number) !== 0)
      throw new Error(`handles ${id} and ${(this.slots[slot] as number) - 1} hold one text`);
    this.store(id, s, h);
    this.slots[slot] = id + 1;
    this.live++;
  }

  /** `place` of the ASCII text `b[from, to)` (not empty), from its bytes. */
  private placeAscii(id: number, b: Buffer, from: number, to: number): void {
    const h = asciiHash(b, from, to);
    const slot = this.asciiSlot(h, b, from, to);
    if ((this.slots[slot] as number) !== 0)
      throw new Error(`handles ${id} and ${(this.slots[slot] as number) - 1} hold one text`);
    this.hashes[id] = h;
    this.storeAscii(id, b, from, to);
    this.slots[slot] = id + 1;
    this.live++;
  }

  /** The released handles, free in `order` (the last is given first). */
  private freeInOrder(order: readonly number[]): void {
    for (const h of order) {
      this.starts[h] = -3 - this.free;
      this.free = h;
    }
  }

  /** `intern` of the ASCII text `b[from, to)` (not empty), from its bytes. */
  private internAscii(b: Buffer, from: number, to: number): number {
    const h = asciiHash(b, from, to);
    const slot = this.asciiSlot(h, b, from, to);
    const held = (this.slots[slot] as number) - 1;
    if (held >= 0) return held;
    const id = this.take();
    this.hashes[id] = h;
    this.storeAscii(id, b, from, to);
    this.slots[slot] = id + 1;
    this.live++;
    if (this.live * 4 > this.slots.length * 3) this.rehash(this.slots.length * 2);
    return id;
  }

  /** The ASCII text's slot (hash `h`): the one holding its handle, or the empty one for it. */
  private asciiSlot(h: number, b: Buffer, from: number, to: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = slots[i] as number;
      if (v === 0 || (this.hashes[v - 1] === h && this.holdsBytes(v - 1, b, from, to))) return i;
    }
  }

  /** Stores the ASCII text `b[from, to)` under handle `id`: its varint length and its bytes. */
  private storeAscii(id: number, b: Buffer, from: number, to: number): void {
    const length = to - from;
    this.room(5 + length);
    let at = this.used;
    this.starts[id] = at;
    at = writeLength(this.bytes, at, length);
    b.copy(this.bytes, at, from, to);
    this.used = at + length;
  }

  /** Whether handle `id` holds the ASCII text `b[from, to)` (a wide text never does). */
  private holdsBytes(id: number, b: Buffer, from: number, to: number): boolean {
    const start = this.starts[id] as number;
    if (start < 0) return false;
    if (this.lengthAt(start) !== to - from) return false;
    const at = this.from;
    return this.bytes.compare(b, from, to, at, at + (to - from)) === 0;
  }

  /** Room for `texts` more texts of `bytes` arena bytes, the hash table at most 3/4 full. */
  private reserve(texts: number, bytes: number): void {
    const handles = this.handles + texts;
    if (handles > this.starts.length) {
      this.starts = grownInt32(this.starts, handles);
      this.hashes = grownInt32(this.hashes, handles);
    }
    this.room(bytes);
    let size = this.slots.length;
    while ((this.live + texts) * 4 > size * 3) size *= 2;
    if (size !== this.slots.length) this.rehash(size);
  }

  /** Room in the arena for `bytes` more bytes. */
  private room(bytes: number): void {
    const need = this.used + bytes;
    if (need <= this.bytes.length) return;
    const grown = Buffer.alloc(grownLength(this.bytes.length, need));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }

  /** The handle a new text gets: the last released, else the next never given. */
  private take(): number {
    if (this.free >= 0) {
      const id = this.free;
      this.free = -3 - (this.starts[id] as number);
      return id;
    }
    const id = this.handles++;
    if (id >= this.starts.length) {
      this.starts = grownInt32(this.starts, id + 1);
      this.hashes = grownInt32(this.hashes, id + 1);
    }
    return id;
  }

  /** `s`'s slot: the one holding its handle, or the empty one where it would go. */
  private slotOf(s: string, h: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = slots[i] as number;
      if (v === 0 || (this.hashes[v - 1] === h && this.holds(v - 1, s))) return i;
    }
  }

  private holds(id: number, s: string): boolean {
    const start = this.starts[id] as number;
    if (start === -1) return this.wide.get(id) === s;
    if (this.lengthAt(start) !== s.length) return false;
    const b = this.bytes;
    const at = this.from;
    for (let k = 0; k < s.length; k++) if (b[at + k] !== s.charCodeAt(k)) return false;
    return true;
  }

  /** The length of the text stored at `start` (its varint); its code units begin at `from`. */
  private lengthAt(start: number): number {
    const b = this.bytes;
    let at = start;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const c = b[at++] as number;
      length |= (c & 0x7f) << shift;
      if (c < 0x80) break;
    }
    this.from = at;
    return length;
  }

  /** Bytes of the text stored at `start`: its varint and its code units. */
  private spanAt(start: number): number {
    const length = this.lengthAt(start);
    return this.from - start + length;
  }

  private store(id: number, s: string, h: number): void {
    this.hashes[id] = h;
    let narrow = true;
    for (let k = 0; k < s.length; k++)
      if (s.charCodeAt(k) > 255) {
        narrow = false;
        break;
      }
    if (!narrow) {
      this.starts[id] = -1;
      this.wide.set(id, flatText(s));
      return;
    }
    this.room(5 + s.length);
    const b = this.bytes;
    let at = this.used;
    this.starts[id] = at;
    at = writeLength(b, at, s.length);
    for (let k = 0; k < s.length; k++) b[at + k] = s.charCodeAt(k);
    this.used = at + s.length;
  }

  /** Takes `h` out of the hash table, shifting back the entries probed past it. */
  private unslot(h: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = (this.hashes[h] as number) & mask;
    while ((slots[i] as number) !== h + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const v = slots[j] as number;
      if (v === 0) break;
      const home = (this.hashes[v - 1] as number) & mask;
      // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      slots[i] = v;
      i = j;
    }
    slots[i] = 0;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < this.handles; id++) {
      if ((this.starts[id] as number) < -1) continue;
      let i = (this.hashes[id] as number) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = id + 1;
    }
    this.slots = slots;
  }

  /** Copies the live texts into a fresh arena, dropping the released ones' bytes. */
  private compact(): void {
    const liveBytes = this.used - this.waste;
    const out = Buffer.alloc(Math.max(1 << 12, liveBytes + (liveBytes >> 2)));
    let at = 0;
    for (let id = 0; id < this.handles; id++) {
      const start = this.starts[id] as number;
      if (start < 0) continue;
      const span = this.spanAt(start);
      this.bytes.copy(out, at, start, start + span);
      this.starts[id] = at;
      at += span;
    }
    this.bytes = out;
    this.used = at;
    this.waste = 0;
  }
}

/** Released bytes below which the arena is never compacted. */
const COMPACT_MIN = 1 << 16;

/** FNV-1a over the code units, then mixed (tables take the low bits). */
export function textHash(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return mixedHash(h);
}

/** `textHash` of the ASCII text `b[from, to)`, from its bytes (a byte a code unit). */
function asciiHash(b: Buffer, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let k = from; k < to; k++) h = Math.imul(h ^ (b[k] as number), 0x01000193);
  return mixedHash(h);
}

/**
 * Calls `f` with each entry of a snapshot's string table (`u32 LE length | UTF-8`, each whole
 * within its frame): its bytes' span in `b`, and whether it is all ASCII and not empty.
 */
function eachUtf8(
  frames: readonly Uint8Array[],
  f: (b: Buffer, from: number, to: number, ascii: boolean) => void,
): void {
  for (const frame of frames) {
    const b = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    for (let at = 0; at < b.byteLength;) {
      if (at + 4 > b.byteLength) throw new Error('a cut text in a table of texts');
      const from = at + 4;
      at = from + b.readUInt32LE(at);
      if (at > b.byteLength) throw new Error('a cut text in a table of texts');
      let ascii = at > from;
      for (let k = from; k < at && ascii; k++) ascii = (b[k] as number) < 0x80;
      f(b, from, at, ascii);
    }
  }
}

/** `textHash`'s last step (`asciiHash` hashes an ASCII text's bytes the same way). */

function mixedHash(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** Writes `length` as a varint at `at` in `b`; returns where the text's units begin. */
function writeLength(b: Buffer, at: number, length: number): number {
  while (length >= 0x80) {
    b[at++] = (length & 0x7f) | 0x80;
    length >>>= 7;
  }
  b[at++] = length;
  return at;
}

/**
 * `s` as a string of its own (equal to it), for a string a long-lived table keeps. A string made
 * by concatenation (`${scheme}:${value}`, `${force}:${id}`) is held by V8 as a tree of its parts,
 * and one cut from a longer string (`slice`) keeps that string alive: kept by the million, either
 * costs about twice the flat string's bytes (issue #14). JSON's round trip gives back the same
 * code units, lone surrogates included, in one flat string. Short strings are always flat.
 */
export function flatText(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
