import type { SnapshotPart } from '@intel/matching';
import { bytesPart, malformed, type NationalParts } from './snapshot-parts';
import { withSlot } from './typed-growth';

/** Bytes in an arena chunk: a state is ~0.5 KB, so ~8,000 states a chunk. */
export const ARENA_CHUNK_BYTES = 4 * 2 ** 20;

/**
 * Encoded nominal states by handle, in a few large chunks (off the JS heap) instead of one
 * buffer object each: per state, three integers (chunk, offset, length).
 *
 * Append-only: a state replaced or deleted leaves dead bytes where it was, and bytes once
 * written are never written again, so a view returned by `get` stays what it was whatever
 * follows. A chunk whose dead bytes pass a quarter of it (other than the chunk being filled) is
 * evacuated: its live states are copied to the chunk being filled and the chunk is dropped (its
 * memory goes once no view of it is held). That costs a scan of the chunk column (~1 ms a
 * million handles) and a copy of at most 3 MiB, and bounds the dead bytes to about a quarter of
 * what is held.
 */
export class StateArena {
  private readonly chunks: (Uint8Array | undefined)[] = [];
  private readonly deadIn: number[] = [];
  private readonly freeChunks: number[] = [];
  /** The chunk being filled, and how much of it is. */
  private current = -1;
  private used = 0;
  /** Per handle: its chunk (-1: no state), offset and length. */
  private chunkOf = new Int32Array(0);
  private offsetOf = new Int32Array(0);
  private lengthOf = new Int32Array(0);

  constructor(private readonly chunkBytes = ARENA_CHUNK_BYTES) {}

  has(h: number): boolean {
    return (this.chunkOf[h] ?? -1) >= 0;
  }

  /** The state held for `h`: a view of the arena (never written again), or undefined. */
  get(h: number): Uint8Array | undefined {
    const c = this.chunkOf[h] ?? -1;
    if (c < 0) return undefined;
    const offset = this.offsetOf[h] as number;
    return (this.chunks[c] as Uint8Array).subarray(offset, offset + (this.lengthOf[h] as number));
  }

  /** Holds a copy of `bytes` for `h`, in place of any state it had. */
  set(h: number, bytes: Uint8Array): void {
    this.delete(h);
    this.place(h, bytes);
  }

  delete(h: number): void {
    const c = this.chunkOf[h] ?? -1;
    if (c < 0) return;
    this.chunkOf[h] = -1;
    const dead = (this.deadIn[c] as number) + (this.lengthOf[h] as number);
    this.deadIn[c] = dead;
    const chunk = this.chunks[c] as Uint8Array;
    if (c !== this.current && dead * 4 > chunk.length) this.evacuate(c);
  }

  /** Handles with a state. */
  get liveCount(): number {
    let n = 0;
    for (const c of this.chunkOf) if (c >= 0) n++;
    return n;
  }

  /** Bytes held in chunks, live or dead (for tests and figures). */
  get allocatedBytes(): number {
    return this.chunks.reduce((n, c) => n + (c?.length ?? 0), 0);
  }

  /**
   * The arena as a snapshot's parts, exactly as held (its chunks with their dead bytes, the
   * per-handle columns): views over its own arrays, so nothing may change it until they are
   * written (the hub writes them in its resolution lane, which alone changes the index).
   */
  *snapshotParts(): Generator<SnapshotPart> {
    const lengths = Int32Array.from(this.chunks, (c) => (c ? c.length : -1));
    yield {
      name: 'arena.scalars',
      i32: Int32Array.of(this.chunkBytes, this.current, this.used, this.chunks.length),
    };
    yield { name: 'arena.chunkLength', i32: lengths };
    yield { name: 'arena.deadIn', i32: Int32Array.from(this.deadIn) };
    yield { name: 'arena.freeChunks', i32: Int32Array.from(this.freeChunks) };
    yield { name: 'arena.chunkOf', i32: this.chunkOf };
    yield { name: 'arena.offsetOf', i32: this.offsetOf };
    yield { name: 'arena.lengthOf', i32: this.lengthOf };
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      if (chunk) yield bytesPart(`arena.chunk.${c}`, chunk);
    }
  }

  /** The arena `snapshotParts` wrote; its chunks are the decoded arrays' own memory. */
  static fromSnapshot(parts: NationalParts): StateArena {
    const scalars = parts.i32('arena.scalars');
    if (scalars.length !== 4) throw malformed('arena.scalars');
    const [chunkBytes, current, used, count] = [...scalars] as [number, number, number, number];
    const arena = new StateArena(chunkBytes);
    const lengths = parts.i32('arena.chunkLength');
    const deadIn = parts.i32('arena.deadIn');
    if (lengths.length !== count || deadIn.length !== count)
      throw malformed('the arena disagrees on its number of chunks');
    for (let c = 0; c < lengths.length; c++) {
      const n = lengths[c] as number;
      arena.chunks.push(n < 0 ? undefined : parts.bytes(`arena.chunk.${c}`, n));
      arena.deadIn.push(deadIn[c] as number);
    }
    arena.freeChunks.push(...parts.i32('arena.freeChunks'));
    arena.current = current;
    arena.used = used;
    arena.chunkOf = parts.i32('arena.chunkOf');
    arena.offsetOf = parts.i32('arena.offsetOf');
    arena.lengthOf = parts.i32('arena.lengthOf');
    const { chunkOf, offsetOf, lengthOf } = arena;
    if (offsetOf.length !== chunkOf.length || lengthOf.length !== chunkOf.length)
      throw malformed('the arena columns disagree on their length');
    for (let h = 0; h < chunkOf.length; h++) {
      const c = chunkOf[h] as number;
      if (c < 0) continue;
      const chunk = arena.chunks[c];
      if (!chunk || (offsetOf[h] as number) + (lengthOf[h] as number) > chunk.length)
        throw malformed(`state ${h} lies outside its chunk`);
    }
    return arena;
  }

  private place(h: number, bytes: Uint8Array): void {
    this.chunkOf = withSlot(this.chunkOf, h, -1);
    this.offsetOf = withSlot(this.offsetOf, h, 0);
    this.lengthOf = withSlot(this.lengthOf, h, 0);
    const n = bytes.length;
    let c: number;
    let offset: number;
    if (n * 2 > this.chunkBytes) {
      // A state this large gets a chunk of its own, dropped when it is.
      c = this.newChunk(n);
      offset = 0;
    } else {
      const chunk = this.current >= 0 ? this.chunks[this.current] : undefined;
      if (!chunk || this.used + n > chunk.length) {
        // The rest of the chunk left is dead space.
        if (chunk)
          this.deadIn[this.current] =
            (this.deadIn[this.current] as number) + chunk.length - this.used;
        const left = this.current;
        this.current = this.newChunk(this.chunkBytes);
        this.used = 0;
        if (left >= 0 && (this.deadIn[left] as number) * 4 > (chunk as Uint8Array).length)
          this.evacuate(left);
      }
      c = this.current;
      offset = this.used;
      this.used += n;
    }
    (this.chunks[c] as Uint8Array).set(bytes, offset);
    this.chunkOf[h] = c;
    this.offsetOf[h] = offset;
    this.lengthOf[h] = n;
  }

  private newChunk(bytes: number): number {
    const c = this.freeChunks.pop() ?? this.chunks.length;
    this.chunks[c] = new Uint8Array(bytes);
    this.deadIn[c] = 0;
    return c;
  }

  /** Moves chunk `c`'s live states to the chunk being filled, and drops `c`. */
  private evacuate(c: number): void {
    const chunk = this.chunks[c] as Uint8Array;
    // Dropped first: a state moved may fill the current chunk and leave it for a new one.
    this.chunks[c] = undefined;
    this.deadIn[c] = 0;
    const { chunkOf } = this;
    for (let h = 0; h < chunkOf.length; h++) {
      if (chunkOf[h] !== c) continue;
      const offset = this.offsetOf[h] as number;
      this.chunkOf[h] = -1;
      this.place(h, chunk.subarray(offset, offset + (this.lengthOf[h] as number)));
    }
    this.freeChunks.push(c);
  }
}
