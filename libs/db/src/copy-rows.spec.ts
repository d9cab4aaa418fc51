import { copyLines, copyText } from './copy-rows';

describe('COPY text format', () => {
  it('given values of each kind, then each as COPY reads it back: NULL, booleans, numbers, times, escapes', () => {
    expect(copyText(null)).toBe('\\N');
    expect(copyText(undefined)).toBe('\\N');
    expect(copyText(true)).toBe('t');
    expect(copyText(false)).toBe('f');
    expect(copyText(0.125)).toBe('0.125');
    expect(copyText(new Date(Date.UTC(2026, 0, 5, 9)))).toBe('2026-01-05T09:00:00.000Z');
    expect(copyText('a\tb\nc\rd\\e \\N')).toBe('a\\tb\\nc\\rd\\\\e \\\\N');
    expect(() => copyText(Number.NaN)).toThrow(/finite/);
  });

  it('given the same instant row after row, then another, then the same Date changed, then each as it is', () => {
    const at = new Date(Date.UTC(2026, 11, 7, 14, 30));
    expect([copyText(at), copyText(at)]).toEqual([
      '2026-12-07T14:30:00.000Z',
      '2026-12-07T14:30:00.000Z',
    ]);
    expect(copyText(new Date(Date.UTC(1999, 0, 1)))).toBe('1999-01-01T00:00:00.000Z');
    at.setTime(Date.UTC(2030, 5, 1));
    expect(copyText(at)).toBe('2030-06-01T00:00:00.000Z');
    expect(() => copyText(new Date(Number.NaN))).toThrow(RangeError);
    expect(copyText('plain')).toBe('plain');
    expect(copyText('tab\there')).toBe('tab\\there');
  });

  it('given more rows than a chunk holds, then every row once, a line each, in order', () => {
    const rows = Array.from({ length: 4_321 }, (_, i) => [String(i), i % 2 === 0 ? null : i]);
    const text = [...copyLines(rows)].join('');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(rows.length);
    expect(lines[0]).toBe('0\t\\N');
    expect(lines[4_320]).toBe('4320\t\\N');
    expect(lines[4_319]).toBe('4319\t4319');
    expect([...copyLines([])]).toEqual([]);
    expect([...copyLines([[true, 'x\ny', undefined, 1.5]])]).toEqual(['t\tx\\ny\t\\N\t1.5\n']);
  });
});
