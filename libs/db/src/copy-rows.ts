import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';

/** A value of a row for `COPY … FROM STDIN` (text format); null is SQL NULL. */
export type CopyValue = string | number | boolean | Date | null | undefined;

/** Rows sent per chunk of the COPY stream. */
const ROWS_PER_CHUNK = 2_000;

/** One value in COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyText(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`COPY: ${v} is not a finite number`);
    return String(v);
  }
  return v.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** Rows as COPY's text format, a chunk of lines at a time. */
export function* copyLines(rows: Iterable<readonly CopyValue[]>): Generator<string> {
  let lines: string[] = [];
  for (const row of rows) {
    lines.push(row.map(copyText).join('\t'));
    if (lines.length === ROWS_PER_CHUNK) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
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
