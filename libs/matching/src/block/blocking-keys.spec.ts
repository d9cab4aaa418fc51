import { normaliseRecord } from '../normalise/record.normaliser';
import { blockingKeys } from './blocking-keys';
import { buildBlockIndex, forEachCandidatePair } from './candidate-pairs.batch';

const keysOf = (input: Parameters<typeof normaliseRecord>[0]) =>
  new Set(blockingKeys(normaliseRecord(input)));
const shareKey = (a: Set<string>, b: Set<string>) => [...a].some((k) => b.has(k));

describe('blocking keys', () => {
  it('put records with transposed dates, swapped names or typos in a common block', () => {
    const base = keysOf({
      names: [{ given: ['John'], family: 'Smith' }],
      dateOfBirth: { year: 1980, month: 3, day: 7 },
    });
    expect(
      shareKey(
        base,
        keysOf({
          names: [{ given: ['John'], family: 'Smith' }],
          dateOfBirth: { year: 1980, month: 7, day: 3 },
        }),
      ),
    ).toBe(true);
    expect(
      shareKey(
        base,
        keysOf({
          names: [{ given: ['Smith'], family: 'John' }],
          dateOfBirth: { year: 1980, month: 3, day: 7 },
        }),
      ),
    ).toBe(true);
    expect(
      shareKey(
        base,
        keysOf({
          names: [{ given: ['Jon'], family: 'Smyth' }],
          dateOfBirth: { year: 1980, month: 3, day: 7 },
        }),
      ),
    ).toBe(true);
  });

  it('still block records without a date of birth', () => {
    const a = keysOf({ names: [{ given: ['Ann'], family: 'Lee' }] });
    const b = keysOf({
      names: [{ given: ['Ann'], family: 'Lee' }],
      dateOfBirth: { year: 1990, month: 1, day: 2 },
    });
    expect(shareKey(a, b)).toBe(true);
    const viaPhone = (given: string) =>
      keysOf({
        names: [{ given: [given], family: 'X' }],
        onlineIdentifiers: [
          { kind: 'ONLINE_IDENTIFIER_KIND_PHONE', platform: '', value: '07700900123' },
        ],
      });
    expect(shareKey(viaPhone('Ann'), viaPhone('Zed'))).toBe(true);
  });

  it('use only valid custody identifiers as keys', () => {
    const keys = keysOf({
      names: [],
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC', value: '2001/0171310S' }],
    });
    expect([...keys].some((k) => k.startsWith('c:'))).toBe(false);
  });

  it('enumerate each candidate pair once, and skip oversized blocks', () => {
    const index = buildBlockIndex(
      [['a', 'b'], ['a', 'b'], ['a'], ['c'], ['big'], ['big'], ['big']],
      2,
    );
    const pairs: string[] = [];
    forEachCandidatePair(index, (i, j) => pairs.push(`${i}-${j}`));
    // 'a' (3 members) and 'big' exceed the cap of 2; only 'b' yields a pair.
    expect(pairs.sort()).toEqual(['0-1']);
    const index2 = buildBlockIndex([['a', 'b'], ['a', 'b'], ['a'], ['c']], 3);
    const pairs2: string[] = [];
    forEachCandidatePair(index2, (i, j) => pairs2.push(`${i}-${j}`));
    expect(pairs2.sort()).toEqual(['0-1', '0-2', '1-2']);
    expect(index.droppedBlocks).toBe(2);
  });
});
