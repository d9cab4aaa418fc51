import {
  closeSync,
  createReadStream,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A file replaced atomically: written to `<path>.tmp-<pid>`, flushed to disk (fsync), renamed
 * over `path`, and its directory flushed so that the rename itself survives a power cut. A
 * process killed at any point leaves `path` as it was before (the previous file, or none) and at
 * worst a `.tmp-<pid>` file beside it, which nothing reads (`removeStaleTemps` clears them).
 */

/**
 * Writes `pieces` to `path` atomically; returns the bytes written. Synchronous on purpose: a
 * caller may pass views over live data (`MatchIndex.snapshot`), which must not change while
 * they are written — nothing else runs until the file is in place.
 */
export function writeFileAtomically(path: string, pieces: Iterable<Uint8Array>): number {
  const file = openTemp(path);
  try {
    for (const piece of pieces) file.write(piece);
  } catch (e) {
    file.abandon();
    throw e;
  }
  return file.commit();
}

/**
 * As `writeFileAtomically`, but awaits `pause()` after every `pauseEvery` bytes or so (between
 * pieces), so that a process writing a large snapshot goes on serving meanwhile. The caller
 * keeps whatever the pieces are views over from changing until this resolves (the hub writes
 * its index in its resolution lane, which is the only writer of the index; queries only read).
 */
export async function writeFileAtomicallyPausing(
  path: string,
  pieces: Iterable<Uint8Array>,
  pause: () => Promise<void>,
  pauseEvery = 4 << 20,
): Promise<number> {
  const file = openTemp(path);
  let sincePause = 0;
  try {
    for (const piece of pieces) {
      file.write(piece);
      sincePause += piece.byteLength;
      if (sincePause >= pauseEvery) {
        sincePause = 0;
        await pause();
      }
    }
  } catch (e) {
    file.abandon();
    throw e;
  }
  return file.commit();
}

/** `<path>.tmp-<pid>` opened for writing: written, then renamed over `path` or removed. */
function openTemp(path: string) {
  const tmp = tempPathOf(path);
  const fd = openSync(tmp, 'w', 0o600);
  let bytes = 0;
  return {
    write(piece: Uint8Array): void {
      for (let at = 0; at < piece.byteLength;)
        at += writeSync(fd, piece, at, piece.byteLength - at);
      bytes += piece.byteLength;
    },
    abandon(): void {
      closeSync(fd);
      rmSync(tmp, { force: true });
    },
    /** Flushed, closed, renamed over `path`, the directory flushed; the bytes written. */
    commit(): number {
      try {
        fsyncSync(fd);
      } catch (e) {
        this.abandon();
        throw e;
      }
      closeSync(fd);
      renameSync(tmp, path);
      syncDirectory(dirname(path));
      return bytes;
    },
  };
}

/** Where this process writes `path` before renaming it. */
export function tempPathOf(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The file at `path` as a stream of chunks of about `chunkBytes` (a reader of framed data reads
 * whole frames with fewer joins when they fit a chunk). Fails with ENOENT when there is none.
 */
export function readFileChunks(path: string, chunkBytes = 4 << 20): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: chunkBytes });
}

/**
 * Removes what writes killed midway left beside `path` (`<name>.tmp-<pid>` of any process but
 * this one); returns the names removed.
 */
export function removeStaleTemps(path: string): string[] {
  const prefix = `${basename(path)}.tmp-`;
  const mine = basename(tempPathOf(path));
  const stale = readdirSync(dirname(path)).filter((f) => f.startsWith(prefix) && f !== mine);
  for (const f of stale) rmSync(join(dirname(path), f), { force: true });
  return stale;
}
