import type { ConsumedMessage } from '@intel/kafka';
import { nextOffsets, notYetApplied, partitionKey } from './consumer-offsets.repository';

const msg = (topic: string, partition: number, offset: number): ConsumedMessage => ({
  topic,
  partition,
  offset: String(offset),
  key: 'k',
  value: null,
  headers: {},
});

describe('consumer offsets kept with the data', () => {
  it('stores one past the highest offset of each partition of a batch', () => {
    const next = nextOffsets([msg('t', 0, 7), msg('t', 1, 3), msg('t', 0, 9), msg('u', 0, 1)]);
    expect(next).toEqual(
      new Map([
        [partitionKey('t', 0), 10n],
        [partitionKey('t', 1), 4n],
        [partitionKey('u', 0), 2n],
      ]),
    );
  });

  it('skips what is below the stored offset of its partition only', () => {
    const batch = [msg('t', 0, 4), msg('t', 0, 5), msg('t', 1, 4), msg('u', 0, 0)];
    const stored = new Map([
      [partitionKey('t', 0), 5n],
      [partitionKey('t', 1), 0n],
    ]);
    expect(notYetApplied(batch, stored).map((m) => `${m.topic}${m.partition}@${m.offset}`)).toEqual(
      ['t0@5', 't1@4', 'u0@0'],
    );
  });

  it('compares offsets as integers beyond 2^53', () => {
    const big = '9007199254740993';
    expect(nextOffsets([msg('t', 0, 0), { ...msg('t', 0, 0), offset: big }]).get('t:0')).toBe(
      9007199254740994n,
    );
    expect(
      notYetApplied([{ ...msg('t', 0, 0), offset: big }], new Map([['t:0', BigInt(big)]])),
    ).toHaveLength(1);
  });
});
