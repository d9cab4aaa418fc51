import { generateScenario } from '@intel/synthetic';
import {
  buildBlockIndex,
  forEachCandidatePair,
  recordKeysOf,
} from '../block/candidate-pairs.batch';
import { F } from '../compare/fields';
import { newComparison, RecordComparator, ROW_STRIDE } from '../compare/record.comparator';
import { normaliseRecord, SIMPLE_REST } from '../normalise/record.normaliser';
import { FellegiSunterScorer } from '../score/fellegi-sunter.scorer';
import { priorParameters } from '../score/match-parameters';
import { TermFrequencies } from '../score/term-frequencies';
import { batchRows } from './batch-rows';

describe('batch rows', () => {
  it('score every candidate pair exactly as the general path over the records does', () => {
    const records = [
      ...generateScenario('baseline', { persons: 600, seed: 5 }),
      ...generateScenario('swapped-names', { persons: 300, seed: 6 }),
      ...generateScenario('nicknames', { persons: 300, seed: 7 }),
      // Handles and identifiers with keying errors: the derived tokens the rows keep.
      ...generateScenario('heavy', { persons: 400, seed: 8 }),
    ].map((g) => g.record);
    const norm = records.map(normaliseRecord);
    const tf = new TermFrequencies();
    for (const r of norm) tf.add(r);
    const rows = batchRows(norm, tf);
    const scorer = new FellegiSunterScorer(priorParameters(), tf);
    const fast = new RecordComparator();
    const general = new RecordComparator();
    general.fastPath = false;
    const c = newComparison();
    const g = newComparison();
    let viaRows = 0;
    let namesOnly = 0;
    let counted = 0;
    let similarHandles = 0;
    let nearIdentifiers = 0;
    const pairs = forEachCandidatePair(buildBlockIndex(recordKeysOf(norm), 100), (i, j) => {
      const a = norm[i]!;
      const b = norm[j]!;
      fast.compareRows(rows, i, j, a, b, c);
      general.compare(a, b, g);
      expect(Array.from(c.levels)).toEqual(Array.from(g.levels));
      expect(Array.from(c.tfValues)).toEqual(Array.from(g.tfValues));
      expect(c.swapped).toBe(g.swapped);
      // The counts the rows carry are the population's: the same score to the last bit.
      expect(scorer.score(c)).toBe(scorer.score(g));
      if (a.simple && b.simple) viaRows++;
      else if (rows[i * ROW_STRIDE]! & rows[j * ROW_STRIDE]! & SIMPLE_REST) namesOnly++;
      if (c.tfCounts.some((n) => n >= 0)) counted++;
      if (c.levels[F.online] === 1) similarHandles++;
      if (c.levels[F.custodyId] === 1 || c.levels[F.nationalId] === 1) nearIdentifiers++;
    });
    // And again in the other order, each row's derived tokens now kept: the same levels.
    forEachCandidatePair(buildBlockIndex(recordKeysOf(norm), 100), (i, j) => {
      fast.compareRows(rows, j, i, norm[j]!, norm[i]!, c);
      general.compare(norm[j]!, norm[i]!, g);
      expect(Array.from(c.levels)).toEqual(Array.from(g.levels));
    });
    // The test means something only if both paths and the carried counts were exercised.
    expect(pairs).toBeGreaterThan(1000);
    expect(viaRows).toBeGreaterThan(pairs / 2);
    expect(viaRows).toBeLessThan(pairs);
    // Pairs where only the names need the general path (aliases, double-barrelled surnames).
    expect(namesOnly).toBeGreaterThan(0);
    expect(counted).toBeGreaterThan(pairs / 4);
    expect(similarHandles).toBeGreaterThan(0);
    expect(nearIdentifiers).toBeGreaterThan(0);
  });
});
