import { KeyTable } from './key-table';

describe('KeyTable', () => {
  it('numbers distinct triples in first-seen order and keeps the numbers as it grows', () => {
    const table = new KeyTable(2);
    const ids: number[] = [];
    for (let i = 0; i < 1000; i++) ids.push(table.intern(i % 3, i, -i));
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(table.size).toBe(1000);
    for (let i = 0; i < 1000; i++) {
      expect(table.intern(i % 3, i, -i)).toBe(i);
      expect(table.find(i % 3, i, -i)).toBe(i);
      expect(table.typeOf(i)).toBe(i % 3);
    }
    expect(table.size).toBe(1000);
  });

  it('tells triples apart by every part', () => {
    const table = new KeyTable(4);
    const a = table.intern(0, 1, 2);
    expect(table.intern(1, 1, 2)).not.toBe(a);
    expect(table.intern(0, 2, 1)).not.toBe(a);
    expect(table.intern(0, 1, 3)).not.toBe(a);
    expect(table.find(0, 1, 2)).toBe(a);
    expect(table.find(2, 1, 2)).toBe(-1);
    // Negative values (two letters packed into a signed 32-bit int) are keys like any other.
    expect(table.intern(5, (0xffff << 16) | 1, 7)).toBe(table.find(5, (0xffff << 16) | 1, 7));
  });
});
