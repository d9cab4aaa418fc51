import { FIELD_COUNT, LEVEL_COUNTS, NULL_LEVEL } from '../compare/fields';
import { mulberry32 } from '../engine/prng';
import { estimateParameters, LevelCounts, PatternCounts } from './em.trainer';

/** Draws a level from a distribution. */
function draw(p: readonly number[], r: number): number {
  let acc = 0;
  for (let l = 0; l < p.length; l++) {
    acc += p[l] ?? 0;
    if (r < acc) return l;
  }
  return p.length - 1;
}

describe('EM trainer', () => {
  it('recovers m from unlabelled pairs with u fixed from random pairs', () => {
    const rnd = mulberry32(1);
    // True distributions: matches mostly agree, non-matches mostly not.
    const m = LEVEL_COUNTS.map((n) =>
      Array.from({ length: n }, (_, l) => (l === 0 ? 0.8 : 0.2 / (n - 1))),
    );
    const u = LEVEL_COUNTS.map((n) =>
      Array.from({ length: n }, (_, l) => (l === n - 1 ? 0.9 : 0.1 / (n - 1))),
    );
    const vector = (p: number[][]): Int8Array => {
      const v = new Int8Array(FIELD_COUNT);
      for (let f = 0; f < FIELD_COUNT; f++) v[f] = f >= 6 ? NULL_LEVEL : draw(p[f] ?? [], rnd());
      return v;
    };
    const blocked = new PatternCounts();
    const byType = new PatternCounts();
    const random = new LevelCounts();
    for (let i = 0; i < 20_000; i++) {
      const v = vector(rnd() < 0.2 ? m : u);
      blocked.add(v);
      byType.add(v);
    }
    for (let i = 0; i < 50_000; i++) random.add(vector(u));
    const params = estimateParameters({
      byKeyType: new Map([['t', byType]]),
      blocked,
      blockedPairsTotal: 20_000,
      random,
      records: 10_000,
    });
    expect(params.fields.given.m[0]).toBeCloseTo(0.8, 1);
    expect(params.fields.family.m[0]).toBeCloseTo(0.8, 1);
    expect(params.fields.given.u[6]).toBeCloseTo(0.9, 1);
    // 20% of 20,000 blocked pairs match, out of 10,000 * 9,999 / 2 pairs in all.
    expect(params.lambda).toBeGreaterThan(0.5 * (4000 / 49_995_000));
    expect(params.lambda).toBeLessThan(2 * (4000 / 49_995_000));
    expect(params.provenance.converged).toBe(true);
  });
});
