import { generatePersons, HEAVY_PROFILE } from '@intel/synthetic';
import { blockingKeys, keyType, LONE_NAME_YEARS } from '../src/block/blocking-keys';
import {
  buildBlockIndex,
  forEachCandidatePair,
  recordKeysOf,
  type RecordKeys,
} from '../src/block/candidate-pairs.batch';
import { MatchEngine } from '../src/engine/match-engine';
import { MatchIndex } from '../src/engine/match-index';
import { mulberry32 } from '../src/engine/prng';
import type { MatchInput } from '../src/model/match-input';
import { normaliseRecord } from '../src/normalise/record.normaliser';
import { ReferenceMatchIndex } from './reference-match-index';
import { keysFromText, symmetricBlockingKeys } from './symmetric-lone-keys';

/**
 * Lone names (one name, no date of birth) are filed under one key and meet the records of their
 * name holding a year by probing (blocking-keys.ts, LONE_NAME_KEY). The candidates must be those
 * of the one-sided keys filed under every birth year (`symmetricBlockingKeys`), cap included:
 * in the batch, pair for pair in the same order, and in the incremental index, add for add and
 * query for query.
 */
describe('lone-name blocking', () => {
  /**
   * Heavy-profile records (sparse ones among them) and, for a fifth of them, the same person as
   * a lone name in either slot; one very common name, in both kinds, to meet the cap.
   */
  const population = (seed: number, persons: number): MatchInput[] => {
    const rnd = mulberry32(seed);
    const out: MatchInput[] = [];
    for (const { record } of generatePersons({ persons, seed, profile: HEAVY_PROFILE })) {
      out.push(record);
      const name = record.names?.[0];
      if (!name || rnd() > 0.2) continue;
      const given = name.given?.[0];
      out.push(
        given !== undefined && rnd() < 0.5
          ? { names: [{ given: [given], family: '' }] }
          : { names: [{ given: [], family: name.family ?? '' }] },
      );
      // Some of that name in the first year, where lone names meet both kinds in one block.
      if (rnd() < 0.3)
        out.splice(Math.floor(rnd() * out.length), 0, {
          names: [{ given: ['Ann'], family: name.family ?? '' }],
          dateOfBirth: { year: LONE_NAME_YEARS.from },
        });
    }
    for (let i = 0; i < 12; i++) {
      out.splice(Math.floor(rnd() * out.length), 0, { names: [{ given: [], family: 'Smith' }] });
      out.splice(Math.floor(rnd() * out.length), 0, {
        names: [{ given: ['John'], family: 'Smith' }],
        dateOfBirth: { year: LONE_NAME_YEARS.from + (i % 3), month: 1 + i, day: 3 },
      });
    }
    return out;
  };

  const visits = (keys: RecordKeys, cap: number, filter?: (i: number) => boolean): string[] => {
    const out: string[] = [];
    forEachCandidatePair(buildBlockIndex(keys, cap), (i, j) => out.push(`${i}-${j}`), filter);
    return out;
  };

  it('gives the batch the pairs of the symmetric keys, in the same order, at any cap', () => {
    for (const seed of [3, 17]) {
      const norm = population(seed, 400).map(normaliseRecord);
      const symmetric = keysFromText(norm.map(symmetricBlockingKeys));
      const asymmetric = recordKeysOf(norm);
      // The lone names' pairs are there to compare: some pairs are found by no other key.
      const withoutLone = keysFromText(
        norm.map((r) => blockingKeys(r).filter((k) => keyType(k) !== 'ly')),
      );
      expect(visits(symmetric, 100).length).toBeGreaterThan(visits(withoutLone, 100).length);
      for (const cap of [100, 2, 3, 5, 8, 13, 20]) {
        expect([seed, cap, visits(asymmetric, cap)]).toEqual([seed, cap, visits(symmetric, cap)]);
        const sample = (i: number) => i % 3 === 0;
        expect(visits(asymmetric, cap, sample)).toEqual(visits(symmetric, cap, sample));
      }
    }
  });

  it('gives the incremental index the candidates of the symmetric keys, add for add and query for query', () => {
    const inputs = population(5, 150);
    const engine = MatchEngine.withPriors();
    for (const maxBlockSize of [undefined, 3, 6]) {
      const options = { maxBlockSize };
      const compact = new MatchIndex(engine.parameters, engine.comparator, options);
      const reference = new ReferenceMatchIndex(engine.parameters, engine.comparator, options);
      const rnd = mulberry32(9);
      const both = (what: string, f: (ix: MatchIndex | ReferenceMatchIndex) => unknown) =>
        expect([what, JSON.stringify(f(compact))]).toEqual([what, JSON.stringify(f(reference))]);
      inputs.forEach((r, i) => {
        both(`add ${i}`, (ix) => ix.add(`r${i}`, r));
        // Some records withdrawn and given again: their filings must go with them.
        const gone = `r${Math.floor(rnd() * i)}`;
        if (rnd() < 0.1) both(`remove ${gone}`, (ix) => ix.remove(gone));
      });
      inputs.forEach((r, i) => {
        both(`candidates ${i}`, (ix) => ix.candidates(r));
        both(`query ${i}`, (ix) => ix.query(r));
      });
    }
  });

  it('costs a lone name one filing, not one a birth year (batch keys and index postings)', () => {
    const n = 2000;
    const lone: MatchInput[] = Array.from({ length: n }, (_, i) => ({
      names: [{ given: [], family: `Zed${i.toString(36)}` }],
    }));
    const years = LONE_NAME_YEARS.to - LONE_NAME_YEARS.from + 1;
    // The batch: the keys the blocks are built from.
    const keys = recordKeysOf(lone.map(normaliseRecord));
    expect(keys.keyStart[n]).toBeLessThanOrEqual(n);
    // The index: what its blocks hold.
    const ix = MatchEngine.withPriors().createIndex();
    lone.forEach((r, i) => ix.add(`l${i}`, r));
    expect(ix.blockPostings.filings).toBeLessThanOrEqual(n);
    expect(ix.blockPostings.filings).toBeLessThan((n * years) / 10);
    // Among ordinary records, a tenth of lone names cost about a tenth more filings.
    const ordinary = generatePersons({ persons: 1000, seed: 4 }).map((g) => g.record);
    const plain = MatchEngine.withPriors().createIndex();
    ordinary.forEach((r, i) => plain.add(`p${i}`, r));
    const mixed = MatchEngine.withPriors().createIndex();
    ordinary.forEach((r, i) => mixed.add(`p${i}`, r));
    lone.slice(0, ordinary.length / 10).forEach((r, i) => mixed.add(`l${i}`, r));
    expect(mixed.blockPostings.filings).toBeLessThanOrEqual(
      plain.blockPostings.filings + ordinary.length / 10,
    );
  });
});
