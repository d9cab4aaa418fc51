import {
  SnapshotError,
  type DecodedSnapshot,
  type RawStrings,
  type SnapshotPart,
} from '@intel/matching';

/**
 * Typed access to a decoded national-index snapshot's parts (`NationalIndex.snapshotParts`): a
 * part missing or of another type refuses the snapshot (SnapshotError `format`), naming it.
 */
export class NationalParts {
  constructor(private readonly decoded: DecodedSnapshot) {}

  i32(name: string): Int32Array<ArrayBuffer> {
    const a = this.decoded.arrays.get(name);
    if (!(a instanceof Int32Array)) throw new SnapshotError('format', `no int32 array ${name}`);
    return a as Int32Array<ArrayBuffer>;
  }

  f64(name: string): Float64Array<ArrayBuffer> {
    const a = this.decoded.arrays.get(name);
    if (!(a instanceof Float64Array)) throw new SnapshotError('format', `no float64 array ${name}`);
    return a as Float64Array<ArrayBuffer>;
  }

  strings(name: string): string[] {
    const s = this.decoded.strings.get(name);
    if (!s) throw new SnapshotError('format', `no string table ${name}`);
    return s;
  }

  /** A string table read as its frames (`NATIONAL_RAW_TABLES`), not as strings. */
  rawStrings(name: string): RawStrings {
    const s = this.decoded.raw.get(name);
    if (!s) throw new SnapshotError('format', `no string table ${name}`);
    return s;
  }

  /** Bytes written as `bytesPart` (padded to whole int32s), at their true length. */
  bytes(name: string, length: number): Uint8Array<ArrayBuffer> {
    const a = this.i32(name);
    if (length < 0 || length > a.byteLength)
      throw new SnapshotError('format', `${name} holds ${a.byteLength} bytes, not ${length}`);
    return new Uint8Array(a.buffer, a.byteOffset, length);
  }
}

/** A snapshot's refusal of a malformed part. */
export function malformed(what: string): SnapshotError {
  return new SnapshotError('format', what);
}

/**
 * Bytes as an int32 part: a view when whole int32s fit (the usual case: the arena's chunks are
 * multiples of 4 bytes), else a padded copy. `NationalParts.bytes` reads them back.
 */
export function bytesPart(name: string, bytes: Uint8Array): SnapshotPart {
  if (bytes.byteOffset % 4 === 0 && bytes.byteLength % 4 === 0)
    return { name, i32: new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
  const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  padded.set(bytes);
  return { name, i32: new Int32Array(padded.buffer) };
}

/** A Uint8Array as int32s, one per byte (small per-handle flag columns). */
export function widened(a: Uint8Array): Int32Array {
  return Int32Array.from(a);
}

/**
 * The national snapshot's string tables read as bytes (`TextHandles.restoredUtf8`): the member
 * keys, person ids and identifier keys, a million or more each at 1M, are never made into strings.
 */
export const NATIONAL_RAW_TABLES: ReadonlySet<string> = new Set([
  'handles.keys',
  'persons.ids',
  'identifiers.keys',
]);
