import { recallCeiling } from './eval-matching-ceiling';

describe('recallCeiling', () => {
  // Persons A (records 0, 1, 2) and B (records 3, 4): true pairs and their scores in bits.
  const pairs: [number, number][] = [
    [0, 1],
    [0, 2],
    [1, 2],
    [3, 4],
  ];
  const scores = [2, -5, 1, -1];

  it('given a pair scoring below the threshold but joined through others, then counts it', () => {
    // 0–1 and 1–2 link, so 0–2 (−5 bits) is in one component with them; 3–4 (−1) is not.
    expect(recallCeiling(5, pairs, scores, 0)).toBe(0.75);
  });

  it('given two links from one record, then its partners are joined too', () => {
    // 0–1 and 0–2 link: 1–2 (−9 bits) is in their component.
    const star: [number, number][] = [
      [0, 1],
      [0, 2],
      [1, 2],
    ];
    expect(recallCeiling(3, star, [1, 1, -9], 0)).toBe(1);
  });

  it('given a lower threshold, then counts the pairs reaching it', () => {
    expect(recallCeiling(5, pairs, scores, -2)).toBe(1);
    expect(recallCeiling(5, pairs, scores, 3)).toBe(0);
  });

  it('given no true pairs, then NaN', () => {
    expect(recallCeiling(2, [], [], 0)).toBeNaN();
  });
});
