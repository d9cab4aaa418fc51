import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  codeFingerprint,
  decodeSnapshot,
  encodeSnapshot,
  fingerprintOfTree,
  parametersFingerprint,
  SnapshotError,
  type MatchEngine,
  type SnapshotHeader,
} from '@intel/matching';
import { readFileChunks, tempPathOf, writeFileAtomicallyPausing } from '@intel/snapshot';
import { NATIONAL_MATCH_OPTIONS, NationalIndex } from './national-index';
import { NATIONAL_RAW_TABLES, NationalParts } from './snapshot-parts';
import { setImmediate } from 'node:timers/promises';

/** The layout of the national part of a snapshot (`NationalIndex.snapshotParts`). */
export const NATIONAL_SNAPSHOT_VERSION = 1;

/** The national part's file in the snapshot directory: written last, it names the rest. */
export const NATIONAL_FILE = 'national-index.snap';

/** Why a snapshot was not loaded (the index is then rebuilt from the database). */
export type SnapshotRefusal =
  'missing' | 'foreign' | 'watermark' | 'truncated' | 'checksum' | 'format' | 'unreadable';

/** A snapshot not loaded: why, and what was found. */
export class SnapshotRefused extends Error {
  constructor(
    readonly reason: SnapshotRefusal,
    message: string,
  ) {
    super(`national index snapshot not loaded (${reason}): ${message}`);
    this.name = 'SnapshotRefused';
  }
}

/** What the national file's header holds besides the framing's own fields. */
type NationalHeader = {
  kind: 'national-index';
  fingerprint: string;
  watermark: number;
  /**
   * When the database committed `watermark` (`index_commit.committed_at`): a database restored
   * from a backup numbers its later commits again, and is told apart by it.
   */
  committedAt: string;
  matchFile: string;
};

/**
 * What a snapshot must have been written by to be loaded: this build's matching code
 * (normalisation, blocking, record layout: `codeFingerprint`), this build's national index code,
 * the layouts' versions and these match parameters. Anything else is refused and the index
 * rebuilt, however sound the file.
 */
export function snapshotFingerprint(engine: MatchEngine): string {
  return createHash('sha256')
    .update(`national:${NATIONAL_SNAPSHOT_VERSION};`)
    .update(`matching:${codeFingerprint()};`)
    .update(`hub:${hubCodeFingerprint()};`)
    .update(`parameters:${parametersFingerprint(engine.parameters)};`)
    .update(`options:${JSON.stringify(NATIONAL_MATCH_OPTIONS)}`)
    .digest('hex');
}

let cachedHubFingerprint: string | undefined;

/** This build's code of the national index (the resolution folder, specs left out). */
function hubCodeFingerprint(): string {
  return (cachedHubFingerprint ??= fingerprintOfTree(__dirname));
}

/**
 * Writes `index` as the snapshot in `dir`, covering the database up to `watermark` (the index
 * commit its state reflects, and when it was committed), and returns the bytes written. Two files: the matching
 * index's (`MatchIndex.snapshot`) under a name of its own, then the national part, which names
 * it, replacing NATIONAL_FILE; each is written beside and renamed over (`writeFileAtomically`),
 * so a process killed at any point leaves the previous snapshot whole. Files of earlier
 * snapshots and temporary files of killed writers are removed afterwards.
 *
 * The parts are views over the live index, which must not change until they are written; the
 * write awaits `pause` every few MiB (`writeFileAtomicallyPausing`), so that a hub goes on
 * answering queries (which only read the index) while it writes, and the caller keeps every
 * change to the index out meanwhile (the hub's resolution lane).
 */
export async function writeNationalSnapshot(
  dir: string,
  index: NationalIndex,
  watermark: { seq: number; committedAt: string },
  pause: () => Promise<void> = nextTurn,
): Promise<{ bytes: number; matchFile: string }> {
  // The snapshot is a copy of the national index: its directory is the hub's alone.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const matchFile = `match-${watermark.seq}-${Date.now()}.snap`;
  let bytes = await writeFileAtomicallyPausing(
    join(dir, matchFile),
    index.matching.snapshot(),
    pause,
  );
  const header: NationalHeader & { version: number } = {
    version: NATIONAL_SNAPSHOT_VERSION,
    kind: 'national-index',
    fingerprint: snapshotFingerprint(index.engine),
    watermark: watermark.seq,
    committedAt: watermark.committedAt,
    matchFile,
  };
  bytes += await writeFileAtomicallyPausing(
    join(dir, NATIONAL_FILE),
    encodeSnapshot(header, index.snapshotParts()),
    pause,
  );
  removeOthers(dir, matchFile);
  return { bytes, matchFile };
}

/** Lets the event loop run what is waiting (queries) before the write goes on. */
const nextTurn = (): Promise<void> => setImmediate();

/** Removes earlier snapshots' match files and other processes' temporary files. */
function removeOthers(dir: string, keep: string): void {
  const mine = tempPathOf('').slice(1);
  for (const f of readdirSync(dir)) {
    const temp = f.includes('.tmp-') && !f.endsWith(mine);
    const old = f.startsWith('match-') && f.endsWith('.snap') && f !== keep;
    if (temp || old) rmSync(join(dir, f), { force: true });
  }
}

/**
 * The index of the snapshot in `dir`, for `engine`, with the index commit it covers, provided
 * that is not beyond `watermark` (the database's now: a database restored from a backup taken
 * before the snapshot). The caller replays what was committed after it (`replayOnto`).
 * Refused with SnapshotRefused naming why: no snapshot (`missing`), written by another build or
 * with other parameters (`foreign`), ahead of the database (`watermark`), a file cut short
 * (`truncated`), a checksum that does not match (`checksum`), anything else malformed
 * (`format`), a file that cannot be read (`unreadable`).
 */
export async function loadNationalSnapshot(
  dir: string,
  engine: MatchEngine,
  watermark: number,
): Promise<{ index: NationalIndex; watermark: number; committedAt: string }> {
  const path = join(dir, NATIONAL_FILE);
  if (!existsSync(path)) throw new SnapshotRefused('missing', `no ${path}`);
  const fingerprint = snapshotFingerprint(engine);
  let header: NationalHeader | undefined;
  try {
    const decoded = await decodeSnapshot(
      readFileChunks(path),
      NATIONAL_SNAPSHOT_VERSION,
      (h) => {
        header = checkHeader(h, fingerprint, watermark);
      },
      NATIONAL_RAW_TABLES,
    );
    const matchPath = join(dir, (header as NationalHeader).matchFile);
    if (!existsSync(matchPath)) throw new SnapshotRefused('missing', `no ${matchPath}`);
    const matching = await engine.loadIndex(readFileChunks(matchPath), NATIONAL_MATCH_OPTIONS);
    const index = NationalIndex.fromSnapshot(engine, matching, new NationalParts(decoded));
    const { watermark: covered, committedAt } = header as NationalHeader;
    return { index, watermark: covered, committedAt };
  } catch (e) {
    throw asRefusal(e);
  }
}

function checkHeader(h: SnapshotHeader, fingerprint: string, watermark: number): NationalHeader {
  const x = h as unknown as Partial<NationalHeader>;
  if (x.kind !== 'national-index') throw new SnapshotError('format', 'not a national index');
  if (x.fingerprint !== fingerprint)
    throw new SnapshotRefused('foreign', 'written by another build or with other parameters');
  if (typeof x.committedAt !== 'string') throw new SnapshotError('format', 'no commit time');
  if (typeof x.matchFile !== 'string' || !/^match-[\w.-]+\.snap$/.test(x.matchFile))
    throw new SnapshotError('format', 'no match file named');
  if (!Number.isInteger(x.watermark) || (x.watermark as number) > watermark)
    throw new SnapshotRefused(
      'watermark',
      `it covers index commit ${String(x.watermark)}, the database is at ${watermark}`,
    );
  return x as NationalHeader;
}

function asRefusal(e: unknown): SnapshotRefused {
  if (e instanceof SnapshotRefused) return e;
  if (e instanceof SnapshotError) {
    const reason: SnapshotRefusal =
      e.problem === 'truncated' || e.problem === 'checksum' || e.problem === 'format'
        ? e.problem
        : 'foreign';
    return new SnapshotRefused(reason, e.message);
  }
  return new SnapshotRefused('unreadable', (e as Error).message ?? String(e));
}
