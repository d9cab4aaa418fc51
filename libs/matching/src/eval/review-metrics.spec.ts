import { generateScenario } from '@intel/synthetic';
import { MatchEngine } from '../engine/match-engine';
import type { PairScore } from '../score/fellegi-sunter.scorer';
import { calibrationByBand, missedPairReport, truePairsOf } from './review-metrics';

const bits = { certainBits: 10, linkBits: 0, possibleBits: -4 };

const scoreOf = (score: number, explanation: PairScore['explanation'] = []): PairScore => ({
  score,
  probability: 0,
  band: undefined,
  namesSwapped: false,
  explanation,
});

describe('review metrics', () => {
  it('lists every true pair once, lower index first', () => {
    expect(truePairsOf(['a', 'b', 'a', 'a', 'c'])).toEqual([
      [0, 2],
      [0, 3],
      [2, 3],
    ]);
  });

  it('sorts missed pairs into POSSIBLE, below, not blocked and linked-but-not-merged', () => {
    const missed: [number, number][] = [
      [0, 1],
      [0, 2],
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const report = missedPairReport(
      missed,
      (a, b) => !(a === 3 && b === 4),
      [
        scoreOf(-2, [
          { field: 'dob', level: 'different', weight: -4, tfAdjusted: false },
          { field: 'given', level: 'null', weight: 0, tfAdjusted: false },
        ]),
        scoreOf(-2, [{ field: 'dob', level: 'different', weight: -4, tfAdjusted: false }]),
        scoreOf(-9, [{ field: 'custodyId', level: 'null', weight: 0, tfAdjusted: false }]),
        scoreOf(5),
        scoreOf(3),
      ],
      bits,
    );
    expect(report).toMatchObject({ pairs: 5, possible: 2, below: 1, notBlocked: 1, linked: 1 });
    expect(report.possibleShare).toBeCloseTo(0.4, 12);
    // Identifier fields missing are not a cause worth listing: they usually are.
    expect(report.causes).toEqual([
      { cause: 'dob different', pairs: 2, share: 0.4 },
      { cause: 'given missing', pairs: 1, share: 0.2 },
    ]);
  });

  it('sets each band’s mean posterior beside the precision observed in it', () => {
    const truth = ['a', 'a', 'b', 'b', 'c', 'd'];
    const cal = calibrationByBand(
      [
        { a: 0, b: 1, score: 20 },
        { a: 2, b: 3, score: 1 },
        { a: 4, b: 5, score: 1 },
        { a: 0, b: 2, score: -1 },
        { a: 1, b: 3, score: -10 },
      ],
      truth,
      bits,
    );
    expect(cal.map((c) => [c.band, c.pairs, c.truePairs, c.observed])).toEqual([
      ['CERTAIN', 1, 1, 1],
      ['PROBABLE', 2, 1, 0.5],
      ['POSSIBLE', 1, 0, 0],
    ]);
    expect(cal[1]?.predicted).toBeCloseTo(2 / 3, 12);
    expect(cal[2]?.predicted).toBeCloseTo(1 / 3, 12);
  });

  it('takes the batch’s own scores: an explained pair scores as the batch linked it', () => {
    const set = generateScenario('heavy', { persons: 300, seed: 3 });
    const truth = set.map((g) => g.truthId);
    const pairs = truePairsOf(truth);
    const r = MatchEngine.resolve(
      set.map((g) => g.record),
      { keepLinks: true, keepPossibles: true, explainPairs: pairs },
    );
    expect(r.explained).toHaveLength(pairs.length);
    const scoreOfPair = new Map(pairs.map(([a, b], k) => [`${a}-${b}`, r.explained?.[k]?.score]));
    const scored = [...(r.links ?? []), ...(r.possiblePairs ?? [])];
    expect(r.possiblePairs?.length).toBe(r.stats.possibles);
    expect(scored.every((p) => p.score >= r.bits.possibleBits)).toBe(true);
    const trueScored = scored.filter((p) => truth[p.a] === truth[p.b]);
    expect(trueScored.length).toBeGreaterThan(100);
    for (const p of trueScored) expect(scoreOfPair.get(`${p.a}-${p.b}`)).toBe(p.score);
  }, 20_000);
});
