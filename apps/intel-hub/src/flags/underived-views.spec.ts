import { planUnderived } from './underived-views';

describe('planUnderived', () => {
  it('derives the listed persons that still exist, once each', () => {
    const live = new Set(['a', 'b']);
    expect(planUnderived(['a', 'b', 'a'], (p) => live.has(p))).toEqual({
      derive: ['a', 'b'],
      drop: [],
    });
  });

  it('only takes ended persons off the list (nothing to derive for them)', () => {
    const live = new Set(['a']);
    expect(planUnderived(['gone', 'a'], (p) => live.has(p))).toEqual({
      derive: ['a'],
      drop: ['gone'],
    });
  });

  it('has nothing to do once the list is empty', () => {
    expect(planUnderived([], () => true)).toEqual({ derive: [], drop: [] });
  });
});
