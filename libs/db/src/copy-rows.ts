import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';

/** A value of a row for `COPY … FROM STDIN` (text format); null is SQL NULL. */
export type CopyValue = string | number | boolean | Date | null | undefined;

/** Rows sent per chunk of the COPY stream. */
const ROWS_PER_CHUNK = 2_000;

/** A character COPY's text format escapes. */
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;

/**
 * The instant `copyText` last made text of, and that text: a bulk write gives every row the
 * same instant (its `at`), made text once instead of once a row.
 */
let lastTime = Number.NaN;
let lastIso = '';

/** One value in COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyText(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string')
    // Most texts (ids, codes) hold nothing to escape: tested once, returned as they are.
    return SPECIAL.test(v)
      ? v.replace(SPECIALS, (c) =>
          c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
        )
      : v;
  if (v instanceof Date) {
    const t = v.getTime();
    if (t !== lastTime) {
      lastIso = v.toISOString(); // throws for an invalid date, as before
      lastTime = t;
    }
    return lastIso;
  }
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (!Number.isFinite(v)) throw new Error(`COPY: ${v} is not a finite number`);
  return String(v);
}

/**
 * Rows as COPY's text format, a chunk of lines at a time (each chunk one string, built by
 * appending: no array per row or per chunk).
 */
export function* copyLines(rows: Iterable<readonly CopyValue[]>): Generator<string> {
  let chunk = '';
  let n = 0;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      if (i > 0) chunk += '\t';
      chunk += copyText(row[i]);
    }
    chunk += '\n';
    if (++n === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (n > 0) yield chunk;
}

/**
 * Streams `rows` into `COPY <target> FROM STDIN` (text format) on `client`, in its transaction if
 * it has one; the rows are taken from the iterable as the stream drains, so a generator's rows
 * are never all held.
 */
export async function copyRows(
  client: Pick<PoolClient, 'query'>,
  target: string,
  rows: Iterable<readonly CopyValue[]>,
): Promise<void> {
  const stream = client.query(copyFromStdin(`COPY ${target} FROM STDIN`));
  await pipeline(Readable.from(copyLines(rows)), stream);
}
