import { mulberry32 } from '../engine/prng';
import { TokenCounts } from './term-frequencies';

describe('TokenCounts', () => {
  it('counts as a map of token ids to counts does, through adds, removes and growth', () => {
    const rnd = mulberry32(11);
    const counts = new TokenCounts();
    const model = new Map<number, number>();
    for (let step = 0; step < 80_000; step++) {
      // Ids clustered and spread (the hash must not care), adds winning for the first half.
      const id = rnd() < 0.5 ? Math.floor(rnd() * 300) : Math.floor(rnd() * 2 ** 30);
      const delta = rnd() < (step < 40_000 ? 0.7 : 0.25) ? 1 : -1;
      counts.add(id, delta);
      const next = (model.get(id) ?? 0) + delta;
      if (next > 0) model.set(id, next);
      else model.delete(id);
      if (counts.get(id) !== (model.get(id) ?? 0)) expect(counts.get(id)).toBe(model.get(id) ?? 0);
      if (step % 9_999 === 0) {
        const held = new Map<number, number>();
        counts.forEach((i, c) => held.set(i, c));
        expect(held).toEqual(model);
        expect(counts.size).toBe(model.size);
        let squares = 0;
        for (const c of model.values()) squares += c * c;
        expect(counts.sumOfSquares).toBe(squares);
      }
    }
    for (const [id, c] of model) counts.add(id, -c);
    expect(counts.size).toBe(0);
    expect(counts.sumOfSquares).toBe(0);
    for (const id of model.keys()) expect(counts.get(id)).toBe(0);
  });
});
