import fc from 'fast-check';
import { splitAtRepeatedKeys } from './person-intake.service';

// Only the pure helper is under test here; the service itself needs PostgreSQL (int tier).

interface Rec {
  sourceSystem: string;
  sourceRecordId: string;
  n: number;
}

const rec = (sourceRecordId: string, n: number, sourceSystem = 'niche-rms'): Rec => ({
  sourceSystem,
  sourceRecordId,
  n,
});
const ids = (parts: Rec[][]) => parts.map((p) => p.map((r) => r.n));

describe('splitAtRepeatedKeys', () => {
  it('given no records, then there are no parts', () => {
    expect(splitAtRepeatedKeys([])).toEqual([]);
  });

  it('given distinct source keys, then everything is one part', () => {
    expect(ids(splitAtRepeatedKeys([rec('P1', 1), rec('P2', 2), rec('P3', 3)]))).toEqual([
      [1, 2, 3],
    ]);
  });

  it('given a repeated key, then a new part starts at the repeat, so the later copy sees the earlier', () => {
    expect(
      ids(splitAtRepeatedKeys([rec('P1', 1), rec('P2', 2), rec('P1', 3), rec('P3', 4)])),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('given the same key three times in a row, then each copy is its own part', () => {
    expect(ids(splitAtRepeatedKeys([rec('P1', 1), rec('P1', 2), rec('P1', 3)]))).toEqual([
      [1],
      [2],
      [3],
    ]);
  });

  it('given a key seen before the last split, then it does not split again', () => {
    // P2 repeats only relative to the first part; in the second part it is new.
    expect(
      ids(splitAtRepeatedKeys([rec('P1', 1), rec('P2', 2), rec('P1', 3), rec('P2', 4)])),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(
      ids(
        splitAtRepeatedKeys([rec('P1', 1), rec('P2', 2), rec('P1', 3), rec('P3', 4), rec('P2', 5)]),
      ),
    ).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('given the same record id in two source systems, then they are different keys', () => {
    expect(ids(splitAtRepeatedKeys([rec('P1', 1, 'niche-rms'), rec('P1', 2, 'athena')]))).toEqual([
      [1, 2],
    ]);
  });

  it('given keys whose concatenations collide, then they stay distinct', () => {
    expect(ids(splitAtRepeatedKeys([rec('bc', 1, 'a'), rec('c', 2, 'ab')]))).toEqual([[1, 2]]);
  });

  it('property: parts keep every record in order, no part repeats a key, and each split is forced by a repeat', () => {
    const records = fc
      .array(fc.tuple(fc.constantFrom('s1', 's2'), fc.constantFrom('P1', 'P2', 'P3', 'P4')), {
        maxLength: 20,
      })
      .map((xs) => xs.map(([s, r], n) => rec(r, n, s)));

    fc.assert(
      fc.property(records, (rs) => {
        const parts = splitAtRepeatedKeys(rs);
        const key = (r: Rec) => `${r.sourceSystem}/${r.sourceRecordId}`;

        expect(parts.flat()).toEqual(rs);
        for (const p of parts) {
          expect(p.length).toBeGreaterThan(0);
          expect(new Set(p.map(key)).size).toBe(p.length);
        }
        // Maximal: each part after the first starts with a key its predecessor already holds.
        for (let i = 1; i < parts.length; i++) {
          expect(parts[i - 1]!.map(key)).toContain(key(parts[i]![0]!));
        }
      }),
    );
  });
});
