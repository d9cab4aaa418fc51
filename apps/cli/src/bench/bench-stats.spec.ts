import { percentile, summarise } from './bench-stats';

describe('bench statistics', () => {
  it('given 1..1000 in any order, then nearest-rank p50, p99, p99.9 and the maximum', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(summarise(values)).toEqual({ count: 1000, p50: 500, p99: 990, p999: 999, max: 1000 });
  });

  it('given one value, then every percentile is it; given none, then NaN', () => {
    expect(summarise([7])).toEqual({ count: 1, p50: 7, p99: 7, p999: 7, max: 7 });
    expect(summarise([]).p99).toBeNaN();
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
  });
});
