import type { Network } from './network';

/**
 * The network as one CSV table (RFC 4180: CRLF line ends, every cell quoted, quotes doubled),
 * a header, a `meta` row, then a row per node and per edge, produced row by row.
 *
 * Text in the graph comes from records, and some of it (usernames, e-mail local parts, names)
 * is chosen by the people the records are about: `=HYPERLINK("http://x","y")` as a username
 * becomes a live formula when the file is opened in a spreadsheet (CSV injection). Every cell
 * that a spreadsheet would take as a formula or a command, i.e. starting with = + - @, a tab or
 * a line break (or their full-width forms, which some spreadsheets fold to ASCII), is
 * neutralised with a leading apostrophe, which spreadsheets read as "text".
 */
export const CSV_COLUMNS = ['kind', 'id', 'type', 'label', 'hit_only', 'source', 'target'] as const;

const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

/** One cell: neutralised when it could start a formula, then quoted. */
export function csvCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function* networkCsv(n: Network): Generator<string> {
  yield csvRow(CSV_COLUMNS);
  yield csvRow([
    'meta',
    `person:${n.nationalPersonId}`,
    `depth ${n.depth}`,
    n.truncated ? 'truncated: more persons share these identifiers' : '',
    '',
    '',
    '',
  ]);
  for (const node of n.nodes)
    yield csvRow(['node', node.id, node.type, node.label, node.hitOnly ? 'true' : '', '', '']);
  for (const e of n.edges)
    yield csvRow(['edge', '', e.type, e.label ?? '', '', e.source, e.target]);
}
