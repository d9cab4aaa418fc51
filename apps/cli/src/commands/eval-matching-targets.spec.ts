import { targetChecks, type TargetRow } from './eval-matching-targets';

const row = (dataset: string, over: Partial<TargetRow> = {}): TargetRow => ({
  dataset,
  precision: 1,
  recall: 1,
  f1: 1,
  blockingRecall: 1,
  missed: { pairs: 0, possibleShare: 0 },
  ...over,
});

describe('eval:matching targets (issue #15)', () => {
  it('given FEBRL within bounds, then met; given blocking recall below 0.998, then not met', () => {
    const [ok, low] = targetChecks([
      row('FEBRL1', { f1: 0.999, blockingRecall: 0.998 }),
      row('FEBRL3', { f1: 0.9998, blockingRecall: 0.9979 }),
    ]);
    expect(ok?.met).toBe(true);
    expect(low).toMatchObject({ dataset: 'FEBRL3', met: false });
  });

  it('given the heavy set, then recall 0.95 must come with precision 0.99', () => {
    const checks = (recall: number, precision: number) =>
      targetChecks([row('generated:heavy', { recall, precision })]).map((c) => c.met);
    expect(checks(0.95, 0.99)).toEqual([true]);
    expect(checks(0.7925, 0.9938)).toEqual([false]);
    expect(checks(0.97, 0.985)).toEqual([false]);
  });

  it('given missed pairs, then most must be POSSIBLE; the no-guard row and sets missing nothing are not judged', () => {
    const checks = targetChecks([
      row('generated:baseline', { missed: { pairs: 10, possibleShare: 0.6 } }),
      row('generated:heavy', {
        recall: 0.96,
        precision: 0.995,
        missed: { pairs: 9, possibleShare: 0.5 },
      }),
      row('generated:chaining (no guard)', { missed: { pairs: 39, possibleShare: 0.1 } }),
      row('generated:nicknames'),
    ]);
    expect(checks.map((c) => [c.dataset, c.target.startsWith('most'), c.met])).toEqual([
      ['generated:baseline', true, true],
      ['generated:heavy', false, true],
      ['generated:heavy', true, false],
    ]);
  });
});
