import { randomChoice } from './random-choice';

/** A generator returning the given draws in turn. */
const draws = (...xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length] as number;
};

describe('randomChoice', () => {
  it('picks uniformly by the draw', () => {
    const c = randomChoice(draws(0, 0.5, 0.99));
    expect([c.pick(['a', 'b', 'c']), c.pick(['a', 'b', 'c']), c.pick(['a', 'b', 'c'])]).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('picks some: as many as the first draw says, at most `most`', () => {
    // 0.99 of (2 + 1): two picks, drawn 0 then 0.99.
    expect(randomChoice(draws(0.99, 0)).some(['x', 'y'], 2)).toEqual(['x', 'y']);
    expect(randomChoice(draws(0.1)).some(['x'], 2)).toEqual([]);
  });

  it('weighs each entry by its weight', () => {
    const entries = [
      [1, 'rare'],
      [3, 'common'],
    ] as const;
    // total 4: a draw below 1/4 is the first entry, the rest the second.
    expect(randomChoice(draws(0.2)).weighted(entries)).toBe('rare');
    expect(randomChoice(draws(0.25)).weighted(entries)).toBe('common');
    expect(randomChoice(draws(0.999)).weighted(entries)).toBe('common');
  });

  it('refuses an empty choice', () => {
    expect(() => randomChoice(draws(0.5)).pick([])).toThrow('nothing to choose from');
    expect(() => randomChoice(draws(0.5)).weighted([])).toThrow('positive weight');
  });
});
