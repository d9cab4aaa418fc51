import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';

/**
 * The framing of a binary snapshot (an index written so that it can be loaded back without
 * normalising or scoring anything): a sequence of frames, each
 *
 *     tag (4 ASCII bytes) | payload length (u32 LE) | payload | crc32 of all before (u32 LE)
 *
 * The first frame (`HEAD`) holds a JSON header: the format's name and version and whatever the
 * writer adds (the parameters' fingerprint, the index's scalars). Then named parts, each a
 * begin frame and data frames: an array of 32-bit integers or 64-bit floats written as raw
 * bytes (`ARRB` with its name, type and length, then `ARRD` frames of at most FRAME_BYTES), or a
 * table of strings (`STRB` with its name, then `STRD` frames of length-prefixed UTF-8). The
 * last frame (`END!`) counts the frames before it, so a file cut at a frame boundary is told
 * from a whole one. Every frame is checked before anything in it is used.
 *
 * Frames are produced one at a time (`encodeSnapshot` is a generator: nothing holds the whole
 * snapshot) and read from any stream of byte chunks, cut anywhere (`decodeSnapshot`); an
 * array's data frames are copied straight into one typed array of the announced length.
 */

export const SNAPSHOT_MAGIC = 'intel-match-index';

/** Data frames carry at most this many payload bytes. */
export const FRAME_BYTES = 4 << 20;

/** What is wrong with a snapshot that is refused. */
export type SnapshotProblem =
  'format' | 'version' | 'parameters' | 'options' | 'truncated' | 'checksum';

/** A snapshot refused: `problem` says what is wrong with it. */
export class SnapshotError extends Error {
  constructor(
    readonly problem: SnapshotProblem,
    message: string,
  ) {
    super(`index snapshot refused (${problem}): ${message}`);
    this.name = 'SnapshotError';
  }
}

/** A named part of a snapshot. */
export type SnapshotPart =
  | { name: string; i32: Int32Array }
  | { name: string; f64: Float64Array }
  | { name: string; strings: Iterable<string> };

/** A snapshot read back: its header and its parts by name. */
export interface DecodedSnapshot {
  header: SnapshotHeader;
  arrays: Map<string, Int32Array | Float64Array>;
  strings: Map<string, string[]>;
  /** The string tables asked for raw (`decodeSnapshot`'s `raw`), as their checked frames. */
  raw: Map<string, RawStrings>;
}

/**
 * A string table as written: `u32 LE length | UTF-8` entries back to back in `frames`, each
 * entry whole within its frame (checked), `count` of them, `bytes` bytes of text in all.
 */
export interface RawStrings {
  frames: Buffer[];
  count: number;
  bytes: number;
}

export interface SnapshotHeader {
  magic: string;
  version: number;
  endianness: string;
  [key: string]: unknown;
}

const HEADER_BYTES = 8;
const CRC_BYTES = 4;
/** A payload larger than this is a corrupt length (data frames are FRAME_BYTES at most). */
const MAX_PAYLOAD = FRAME_BYTES + (1 << 20);

function frameHead(tag: string, length: number): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  head.write(tag, 0, 4, 'latin1');
  head.writeUInt32LE(length, 4);
  return head;
}

/** One frame, as the pieces to write in order (the payload is not copied). */
function* frame(tag: string, payload: Uint8Array): Generator<Uint8Array> {
  const head = frameHead(tag, payload.byteLength);
  const crc = Buffer.alloc(CRC_BYTES);
  crc.writeUInt32LE(crc32(payload, crc32(head)) >>> 0);
  yield head;
  if (payload.byteLength > 0) yield payload;
  yield crc;
}

/**
 * The snapshot's bytes, in pieces to be written in order. Typed arrays' bytes are yielded as
 * views over them, not copies: the caller must not change what it passed until the generator
 * is done (write each piece before asking for the next).
 */
export function* encodeSnapshot(
  header: { version: number; [key: string]: unknown },
  parts: Iterable<SnapshotPart>,
): Generator<Uint8Array> {
  let frames = 0;
  const put = function* (tag: string, payload: Uint8Array): Generator<Uint8Array> {
    frames++;
    yield* frame(tag, payload);
  };
  const json = (x: unknown): Buffer => Buffer.from(JSON.stringify(x), 'utf8');
  yield* put('HEAD', json({ ...header, magic: SNAPSHOT_MAGIC, endianness: endianness() }));
  for (const part of parts) {
    if ('strings' in part) {
      yield* put('STRB', json({ name: part.name }));
      for (const payload of stringTableFrames(part.strings, part.name)) yield* put('STRD', payload);
      continue;
    }
    const array = 'i32' in part ? part.i32 : part.f64;
    const type = 'i32' in part ? 'i32' : 'f64';
    yield* put('ARRB', json({ name: part.name, type, length: array.length }));
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let at = 0; at < bytes.byteLength; at += FRAME_BYTES)
      yield* put('ARRD', bytes.subarray(at, Math.min(at + FRAME_BYTES, bytes.byteLength)));
  }
  yield* put('END!', json({ frames }));
}

/**
 * A string table's data frames' payloads (`STRD`): `u32 LE length | UTF-8` entries back to back,
 * each whole within its frame, at most `frameBytes` a frame (what `RawStrings` reads back).
 */
export function* stringTableFrames(
  strings: Iterable<string>,
  name: string,
  frameBytes = FRAME_BYTES,
): Generator<Buffer> {
  let buf = Buffer.allocUnsafe(frameBytes);
  let at = 0;
  for (const s of strings) {
    const need = 4 + Buffer.byteLength(s, 'utf8');
    if (need > frameBytes) throw new Error(`a string of ${need} bytes in ${name}`);
    if (at + need > frameBytes) {
      yield buf.subarray(0, at);
      buf = Buffer.allocUnsafe(frameBytes);
      at = 0;
    }
    at = buf.writeUInt32LE(need - 4, at);
    at += buf.write(s, at, 'utf8');
  }
  if (at > 0) yield buf.subarray(0, at);
}

/** Reads exact byte counts from a stream of chunks cut anywhere. */
class ChunkReader {
  private readonly held: Buffer[] = [];
  private heldBytes = 0;
  private done = false;
  private readonly it: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.it =
      Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  /** Exactly `n` bytes, or undefined when the stream ends first (at its end: `atEnd`). */
  async take(n: number): Promise<Buffer | undefined> {
    while (this.heldBytes < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else if (r.value.byteLength > 0) {
        const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        this.held.push(b);
        this.heldBytes += b.byteLength;
      }
    }
    if (this.heldBytes < n) return undefined;
    const first = this.held[0];
    let out: Buffer;
    if (first && first.byteLength >= n) {
      out = first.subarray(0, n);
      if (first.byteLength === n) this.held.shift();
      else this.held[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const b = this.held[0] as Buffer;
        const k = Math.min(b.byteLength, n - at);
        b.copy(out, at, 0, k);
        at += k;
        if (k === b.byteLength) this.held.shift();
        else this.held[0] = b.subarray(k);
      }
    }
    this.heldBytes -= n;
    return out;
  }

  async atEnd(): Promise<boolean> {
    return (await this.take(1)) === undefined;
  }
}

/** The next frame, checked; `first`: the file's first, which must be its header. */
async function readFrame(r: ChunkReader, first = false): Promise<{ tag: string; payload: Buffer }> {
  const head = await r.take(HEADER_BYTES);
  if (!head) throw new SnapshotError('truncated', 'the file ends before its trailer');
  const tag = head.toString('latin1', 0, 4);
  if (first && tag !== 'HEAD') throw new SnapshotError('format', 'not an index snapshot');
  const length = head.readUInt32LE(4);
  if (length > MAX_PAYLOAD)
    throw new SnapshotError('checksum', `a frame claims ${length} bytes: a corrupt header`);
  const payload = await r.take(length);
  const crc = await r.take(CRC_BYTES);
  if (!payload || !crc) throw new SnapshotError('truncated', `the file ends inside a ${tag} frame`);
  if (crc.readUInt32LE(0) !== crc32(payload, crc32(head)) >>> 0)
    throw new SnapshotError('checksum', `a ${tag} frame's checksum does not match`);
  return { tag, payload };
}

function parseJson(payload: Buffer, what: string): Record<string, unknown> {
  try {
    return JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new SnapshotError('format', `${what} is not JSON`);
  }
}

/**
 * Reads and checks a whole snapshot. `checkHeader` is called with the header as soon as it is
 * read (before the rest is): it throws a SnapshotError to refuse the snapshot. Refused with a
 * SnapshotError when the stream is not a snapshot of this version, ends early, holds a frame
 * whose checksum does not match, or has anything after its trailer.
 */
export async function decodeSnapshot(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  version: number,
  checkHeader: (header: SnapshotHeader) => void,
  /** String tables kept as their frames, not made into strings (`DecodedSnapshot.raw`). */
  raw: ReadonlySet<string> = new Set(),
): Promise<DecodedSnapshot> {
  const r = new ChunkReader(source);
  const first = await readFrame(r, true);
  const header = parseJson(first.payload, 'the header') as SnapshotHeader;
  if (header.magic !== SNAPSHOT_MAGIC) throw new SnapshotError('format', 'not an index snapshot');
  if (header.version !== version)
    throw new SnapshotError('version', `version ${String(header.version)}, this reads ${version}`);
  if (header.endianness !== endianness())
    throw new SnapshotError('format', `written ${String(header.endianness)}-endian`);
  checkHeader(header);
  const arrays = new Map<string, Int32Array | Float64Array>();
  const strings = new Map<string, string[]>();
  const raws = new Map<string, RawStrings>();
  let frames = 1;
  /** The part being read: an array being filled, or a string table. */
  let array: { bytes: Uint8Array; at: number; name: string } | undefined;
  let table: string[] | undefined;
  let rawTable: RawStrings | undefined;
  const finishArray = (): void => {
    if (array && array.at !== array.bytes.byteLength)
      throw new SnapshotError('format', `array ${array.name} is short of its length`);
    array = undefined;
  };
  for (;;) {
    const { tag, payload } = await readFrame(r);
    if (tag !== 'ARRD') finishArray();
    if (tag !== 'STRD') {
      table = undefined;
      rawTable = undefined;
    }
    if (tag === 'END!') {
      const trailer = parseJson(payload, 'the trailer');
      if (trailer.frames !== frames)
        throw new SnapshotError('format', `the trailer counts ${String(trailer.frames)} frames`);
      if (!(await r.atEnd())) throw new SnapshotError('format', 'bytes after the trailer');
      return { header, arrays, strings, raw: raws };
    }
    frames++;
    if (tag === 'ARRB') {
      const { name, type, length } = parseJson(payload, 'an array header');
      if (typeof name !== 'string' || typeof length !== 'number' || length < 0)
        throw new SnapshotError('format', 'a malformed array header');
      const a =
        type === 'i32'
          ? new Int32Array(length)
          : type === 'f64'
            ? new Float64Array(length)
            : undefined;
      if (!a) throw new SnapshotError('format', `array ${name} of unknown type ${String(type)}`);
      arrays.set(name, a);
      array = { bytes: new Uint8Array(a.buffer), at: 0, name };
    } else if (tag === 'ARRD') {
      if (!array || array.at + payload.byteLength > array.bytes.byteLength)
        throw new SnapshotError('format', 'array data out of place');
      array.bytes.set(payload, array.at);
      array.at += payload.byteLength;
    } else if (tag === 'STRB') {
      const { name } = parseJson(payload, 'a string table header');
      if (typeof name !== 'string') throw new SnapshotError('format', 'a malformed table header');
      if (raw.has(name)) raws.set(name, (rawTable = { frames: [], count: 0, bytes: 0 }));
      else strings.set(name, (table = []));
    } else if (tag === 'STRD' && rawTable) {
      for (let at = 0; at < payload.byteLength;) {
        const n = payload.readUInt32LE(at);
        if (at + 4 + n > payload.byteLength) throw new SnapshotError('format', 'a cut string');
        rawTable.count++;
        rawTable.bytes += n;
        at += 4 + n;
      }
      rawTable.frames.push(payload);
    } else if (tag === 'STRD') {
      if (!table) throw new SnapshotError('format', 'string data out of place');
      for (let at = 0; at < payload.byteLength;) {
        const n = payload.readUInt32LE(at);
        if (at + 4 + n > payload.byteLength) throw new SnapshotError('format', 'a cut string');
        table.push(payload.toString('utf8', at + 4, at + 4 + n));
        at += 4 + n;
      }
    } else throw new SnapshotError('format', `unknown frame ${JSON.stringify(tag)}`);
  }
}
