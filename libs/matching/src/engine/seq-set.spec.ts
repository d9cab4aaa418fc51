import { SeqSet } from './seq-set';
import { mulberry32 } from './prng';

describe('SeqSet', () => {
  it('holds what a Set holds, in the same order, across many uses', () => {
    const rand = mulberry32(7);
    const set = new SeqSet();
    for (let round = 0; round < 200; round++) {
      const limit = 1 + Math.floor(rand() * 5_000);
      const s = set.begin(limit);
      const ref = new Set<number>();
      for (let i = 0; i < Math.floor(rand() * 400); i++) {
        const seq = Math.floor(rand() * limit);
        s.add(seq);
        ref.add(seq);
      }
      expect(s.items).toEqual([...ref]);
      expect(s.size).toBe(ref.size);
      for (let seq = -1; seq <= limit; seq++) expect(s.has(seq)).toBe(ref.has(seq));
    }
  });

  it('is empty after begin, whatever it held', () => {
    const s = new SeqSet().begin(10);
    s.add(3);
    s.begin(10);
    expect(s.has(3)).toBe(false);
    expect(s.items).toEqual([]);
  });
});
