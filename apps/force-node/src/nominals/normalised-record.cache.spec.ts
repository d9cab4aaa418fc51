import { createHash } from 'node:crypto';
import type { NormalisedRecord } from '@intel/matching';
import { NormalisedRecordCache } from './normalised-record.cache';

const hash = (s: string) => createHash('sha256').update(s).digest();
// The cache never looks inside an entry: any object stands for a normalised record.
const record = (s: string) => ({ id: s }) as unknown as NormalisedRecord;

describe('NormalisedRecordCache', () => {
  it('given an entry, then it is found by an equal hash (another Buffer with the same bytes)', () => {
    const cache = new NormalisedRecordCache(10);
    const a = record('a');
    cache.set(hash('a'), a);
    expect(cache.get(hash('a'))).toBe(a);
    expect(cache.get(hash('b'))).toBeUndefined();
  });

  it('given more entries than its capacity, then the least recently used go first', () => {
    const cache = new NormalisedRecordCache(2);
    cache.set(hash('a'), record('a'));
    cache.set(hash('b'), record('b'));
    cache.get(hash('a')); // a is now more recent than b
    cache.set(hash('c'), record('c'));
    expect(cache.size).toBe(2);
    expect(cache.get(hash('b'))).toBeUndefined();
    expect(cache.get(hash('a'))).toEqual(record('a'));
    expect(cache.get(hash('c'))).toEqual(record('c'));
  });

  it('given the same hash set twice, then it holds one entry, the latest', () => {
    const cache = new NormalisedRecordCache(2);
    cache.set(hash('a'), record('a1'));
    cache.set(hash('a'), record('a2'));
    expect(cache.size).toBe(1);
    expect(cache.get(hash('a'))).toEqual(record('a2'));
  });
});
