import { Disclosure, type Match } from '@intel/contracts';
import { Rng, streamPeople } from '@intel/synthetic';
import {
  QUERY_MIX,
  QueryMixBuilder,
  Reservoir,
  categoryOf,
  compositionOf,
  emptyTally,
  tallyAnswer,
  type MixRecord,
} from './query-mix';

const population = (persons: number, seed: number, restrictedEvery = 0) => {
  let n = 0;
  return [...streamPeople({ persons, forces: 10, seed, profile: { extraRecords: 0.3 } })].map(
    (person) =>
      person.map((g): MixRecord => ({
        ...g,
        restricted: restrictedEvery > 0 && n++ % restrictedEvery === 7,
      })),
  );
};

describe('query mix', () => {
  it('given a stream, then the reservoir keeps exactly its size, the same for the same seed', () => {
    const sample = (seed: number) => {
      const r = new Reservoir<number>(100, new Rng(seed));
      for (let i = 0; i < 10_000; i++) r.offer(i);
      return r.items;
    };
    expect(sample(1)).toHaveLength(100);
    expect(sample(1)).toEqual(sample(1));
    expect(sample(1)).not.toEqual(sample(2));
    // Drawn from the whole stream, not its head.
    expect(sample(1).filter((x) => x >= 5000).length).toBeGreaterThan(25);
  });

  it('given a person, then C records come first, then several forces, else one force', () => {
    const rec = (forceCode: string, restricted = false) => ({
      forceCode,
      restricted,
      record: { sourceSystem: 's', sourceRecordId: forceCode, names: [] },
    });
    expect(categoryOf([rec('01'), rec('01')])).toBe('one force');
    expect(categoryOf([rec('01'), rec('20')])).toBe('several forces');
    expect(categoryOf([rec('01'), rec('20', true)])).toBe('C-restricted record');
  });

  it('given populations of different sizes, then the mix has the same composition, categories interleaved', () => {
    const mixOf = (persons: number) => {
      const b = new QueryMixBuilder();
      for (const p of population(persons, 4242, 20)) b.add(p);
      for (const p of population(3000, 7777)) b.add(p, true);
      return b.build();
    };
    const small = mixOf(10_000);
    const large = mixOf(16_000);
    expect(compositionOf(small.checkPerson)).toEqual(QUERY_MIX);
    expect(compositionOf(large.checkPerson)).toEqual(QUERY_MIX);
    expect(compositionOf(large.checkIdentifiers)).toEqual(QUERY_MIX);
    // The first tenth of the cycle holds each category near its share.
    const head = compositionOf(large.checkPerson.slice(0, 200));
    expect(head['one force']).toBeGreaterThanOrEqual(95);
    expect(head['C-restricted record']).toBeGreaterThanOrEqual(15);
    expect(head['not in the index']).toBeGreaterThanOrEqual(35);
    expect(large.checkIdentifiers.every((q) => q.request.onlineIdentifiers.length === 1)).toBe(
      true,
    );
  });

  it('given answers, then matched, flagged and hit-only answers are counted', () => {
    const match = (flags: number, disclosure: Disclosure) =>
      ({
        flags: Array.from({ length: flags }, () => ({})),
        holdings: [{ disclosure }],
      }) as unknown as Match;
    const t = emptyTally();
    tallyAnswer(t, []);
    tallyAnswer(t, [match(0, Disclosure.DISCLOSURE_FULL)]);
    tallyAnswer(t, [
      match(1, Disclosure.DISCLOSURE_FULL),
      match(0, Disclosure.DISCLOSURE_HIT_ONLY),
    ]);
    expect(t).toEqual({ answered: 3, withMatch: 2, withFlaggedMatch: 1, withRestrictedHolding: 1 });
  });
});
