import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { KEY_TYPES } from '../block/blocking-keys';
import { FLAT_FIELDS } from '../normalise/record.normaliser';
import type { MatchParameters } from '../score/match-parameters';
import {
  SnapshotError,
  type DecodedSnapshot,
  type RawStrings,
  type SnapshotHeader,
} from './snapshot-frames';

/**
 * The version of `MatchIndex.snapshot`'s layout. A snapshot holds records as the normaliser
 * made them and their blocks as the blocking keys filed them: bump it whenever normalisation,
 * the flat row, the record encoding (record-store.ts), the blocks' layout (key-postings.ts) or
 * the blocking keys change, so that older
 * snapshots are refused (and the index rebuilt) rather than loaded into an index that would
 * answer otherwise than a rebuild.
 */
export const INDEX_SNAPSHOT_VERSION = 3;

/** The index options a snapshot was written with; a loader must ask for the same. */
export interface SnapshotOptions {
  maxBlockSize: number;
  corroboratedLinks: boolean;
}

/** The index's scalars, in the header. */
export interface SnapshotState {
  nextSeq: number;
  size: number;
  tokens: number;
  storeDead: number;
  postingsKeys: number;
  postingsFreeNode: number;
  tfSize: number;
}

/** What `MatchIndex.snapshot` writes in the header besides the magic and the endianness. */
// A type, not an interface: it goes where a header with any keys is asked for.
export type IndexSnapshotHeader = {
  version: number;
  parameters: string;
  layout: string;
  options: SnapshotOptions;
  state: SnapshotState;
};

/** Keys sorted at every level: the same parameters always give the same text. */
function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (x === null || typeof x !== 'object') return x;
  const o = x as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, canonical(o[k])]),
  );
}

/**
 * A fingerprint of what scores pairs: sha256 of the parameters (their provenance left out: how
 * they were obtained does not change a score).
 */
export function parametersFingerprint(parameters: MatchParameters): string {
  const { provenance: _provenance, ...scoring } = parameters;
  return createHash('sha256')
    .update(JSON.stringify(canonical(scoring)))
    .digest('hex');
}

/** The shape of what is stored: the flat row's width and the blocking key types. */
export function layoutFingerprint(): string {
  return `flat:${FLAT_FIELDS};keys:${KEY_TYPES.join(',')}`;
}

export function snapshotHeader(
  parameters: MatchParameters,
  options: SnapshotOptions,
  state: SnapshotState,
): IndexSnapshotHeader {
  return {
    version: INDEX_SNAPSHOT_VERSION,
    parameters: parametersFingerprint(parameters),
    layout: layoutFingerprint(),
    options,
    state,
  };
}

/**
 * Refuses a header this engine and these options cannot load: other parameters, another layout,
 * other options (checked as soon as the header is read, before the rest of the file).
 */
export function checkSnapshotHeader(
  header: SnapshotHeader,
  parameters: MatchParameters,
  options: SnapshotOptions,
): void {
  const h = header as unknown as Partial<IndexSnapshotHeader>;
  if (h.parameters !== parametersFingerprint(parameters))
    throw new SnapshotError('parameters', 'written with other match parameters');
  if (h.layout !== layoutFingerprint())
    throw new SnapshotError(
      'version',
      `layout ${String(h.layout)}, this reads ${layoutFingerprint()}`,
    );
  const o = h.options;
  if (o?.maxBlockSize !== options.maxBlockSize || o.corroboratedLinks !== options.corroboratedLinks)
    throw new SnapshotError(
      'options',
      `written with ${JSON.stringify(o)}, asked for ${JSON.stringify(options)}`,
    );
  const s = h.state;
  if (!s || typeof s !== 'object') throw new SnapshotError('format', 'no state in the header');
  for (const k of [
    'nextSeq',
    'size',
    'tokens',
    'storeDead',
    'postingsKeys',
    'postingsFreeNode',
    'tfSize',
  ] as const)
    if (!Number.isInteger(s[k])) throw new SnapshotError('format', `state.${k} is not an integer`);
}

/** Typed access to a decoded snapshot's parts; a part missing or of another type is refused. */
export class SnapshotParts {
  constructor(private readonly decoded: DecodedSnapshot) {}

  get state(): SnapshotState {
    return (this.decoded.header as unknown as IndexSnapshotHeader).state;
  }

  i32(name: string): Int32Array<ArrayBuffer> {
    const a = this.decoded.arrays.get(name);
    if (!(a instanceof Int32Array)) throw new SnapshotError('format', `no int32 array ${name}`);
    return a as Int32Array<ArrayBuffer>;
  }

  f64(name: string): Float64Array {
    const a = this.decoded.arrays.get(name);
    if (!(a instanceof Float64Array)) throw new SnapshotError('format', `no float64 array ${name}`);
    return a;
  }

  strings(name: string): string[] {
    const s = this.decoded.strings.get(name);
    if (!s) throw new SnapshotError('format', `no string table ${name}`);
    return s;
  }

  /** A string table read raw (`decodeSnapshot`'s `raw`). */
  rawStrings(name: string): RawStrings {
    const s = this.decoded.raw.get(name);
    if (!s) throw new SnapshotError('format', `no string table ${name}`);
    return s;
  }
}

/**
 * A fingerprint of this build of the library's code (sha256 of every source or compiled file
 * under its root, specs left out, in path order): a snapshot written by another build is refused,
 * so that a change to normalisation or blocking that forgot to bump INDEX_SNAPSHOT_VERSION still
 * cannot load records filed otherwise than this build would file them. Read once (~100 files).
 */
export function codeFingerprint(): string {
  return (cachedCodeFingerprint ??= fingerprintOfTree(join(__dirname, '..')));
}

let cachedCodeFingerprint: string | undefined;

/** sha256 over the relative paths and contents of the code files under `root`. */
export function fingerprintOfTree(root: string): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js)$/.test(e.name) && !/\.spec\.|\.d\.ts$/.test(e.name)) files.push(p);
    }
  };
  walk(root);
  files.sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(relative(root, f)).update('\0').update(readFileSync(f));
  return hash.digest('hex');
}
