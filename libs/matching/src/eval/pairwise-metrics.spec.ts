import { parseFebrl } from './febrl.adapter';
import { blockingRecall, pairwiseMetrics } from './pairwise-metrics';

describe('pairwise metrics', () => {
  it('counts pairs in the same final cluster against true pairs', () => {
    const truth = ['a', 'a', 'a', 'b', 'b', 'c'];
    const predicted = ['1', '1', '2', '2', '2', '3'];
    const m = pairwiseMetrics(truth, predicted);
    expect(m).toMatchObject({ truePairs: 4, predictedPairs: 4, truePositives: 2 });
    expect(m.precision).toBeCloseTo(0.5, 12);
    expect(m.recall).toBeCloseTo(0.5, 12);
    expect(m.f1).toBeCloseTo(0.5, 12);
  });

  it('measures blocking recall as the share of true pairs ever compared', () => {
    const truth = ['a', 'a', 'a', 'b'];
    const n = truth.length;
    expect(blockingRecall(truth, new Set([0 * n + 1, 1 * n + 2]))).toBeCloseTo(2 / 3, 12);
  });
});

describe('FEBRL adapter', () => {
  it('maps FEBRL columns onto the record model and reads the truth from rec_id', () => {
    const csv = [
      'rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id',
      'rec-10-org, kayla, harrington, 12, maltby circuit, coaling, coolaroo, 3465, nsw, 19150612, 9004242',
      'rec-10-dup-0, , harringtn, , maltby circuit, , coolaroo, 3465, nsw, 19371233, ',
    ].join('\n');
    const [org, dup] = parseFebrl(csv);
    expect(org).toMatchObject({ id: 'rec-10-org', truthId: '10' });
    expect(org?.record).toMatchObject({
      names: [{ given: ['kayla'], family: 'harrington' }],
      dateOfBirth: { year: 1915, month: 6, day: 12 },
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_OTHER', value: '9004242' }],
      addresses: [
        {
          line: '12 maltby circuit',
          line2: 'coaling',
          town: 'coolaroo',
          postcode: '3465',
          region: 'nsw',
        },
      ],
    });
    expect(dup?.truthId).toBe('10');
    expect(dup?.record.names[0]?.given).toEqual([]);
    expect(dup?.record.identifiers).toEqual([]);
  });
});
