import { csvCell, csvRow, networkCsv, CSV_COLUMNS } from './csv-export';
import { sampleNetwork } from '../../../test/explain.fixture';

/** RFC 4180 read back: quoted cells, doubled quotes, CRLF after every record. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') throw new Error(`unquoted cell at ${i}`);
    let cell = '';
    for (i++; ; i++) {
      if (i >= text.length) throw new Error('unterminated cell');
      if (text[i] === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (text[i] === '"') break;
      else cell += text[i];
    }
    row.push(cell);
    i++;
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`expected , or CRLF at ${i}`);
  }
  if (row.length > 0) throw new Error('no CRLF after the last record');
  return rows;
}

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+1', `"'+1"`],
    ['-1+2', `"'-1+2"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    ['\uFF1D1+1', `"'\uFF1D1+1"`],
    ['plain, with "quotes"', `"plain, with ""quotes"""`],
    ['a=b', `"a=b"`],
    ['', `""`],
  ])('%j is written %s', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it('a row is one RFC 4180 record: quoted cells, CRLF', () => {
    expect(csvRow(['a', 'b\nc'])).toBe('"a","b\nc"\r\n');
    expect(parseCsv(csvRow(['a', 'b\nc', '=1']))).toEqual([['a', 'b\nc', "'=1"]]);
  });
});

describe('network as CSV', () => {
  const hostile = '=HYPERLINK("http://x","y")';
  const n = sampleNetwork(hostile);
  const byId = (rows: string[][], id: string) => rows.find((r) => r[1] === id);

  it('is produced row by row: the header, a meta row, the nodes, the edges', () => {
    const chunks = [...networkCsv(n)];
    expect(chunks).toHaveLength(2 + n.nodes.length + n.edges.length);
    for (const c of chunks) expect(c.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(chunks.join(''));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    expect(rows.slice(2).map((r) => r[0])).toEqual([
      ...n.nodes.map(() => 'node'),
      ...n.edges.map(() => 'edge'),
    ]);
    expect(byId(rows, 'hit:p1:36')).toEqual([
      'node',
      'hit:p1:36',
      'record',
      'record held by X — contact Y',
      'true',
      '',
      '',
    ]);
  });

  it('neutralises every cell that could start a formula', () => {
    const rows = parseCsv([...networkCsv(n)].join(''));
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(byId(rows, 'identifier:phone:+447911100123')?.[3]).toBe("'+447911100123");
    expect(byId(rows, 'identifier:username:discord:x')?.[3]).toBe(`username ${hostile}`);
    expect(byId(rows, `person:${n.nationalPersonId}`)?.[0]).toBe('meta');
  });
});
