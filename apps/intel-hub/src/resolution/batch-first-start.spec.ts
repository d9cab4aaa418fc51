import { NominalState } from '@intel/contracts';
import { MatchEngine, pairwiseMetrics } from '@intel/matching';
import { generatePersons } from '@intel/synthetic';
import { covertHandling, generatedNominal, handlingP } from '@intel/testing';
import {
  batchCandidates,
  batchFirstStart,
  batchGroups,
  resolveFirstStart,
  restoreFirstStart,
  constraintPairs,
  REVIEW_CANDIDATES_PER_RECORD,
} from './batch-first-start';
import { memberKey, type MemberKey } from './member-key';
import { NationalIndex } from './national-index';

/** A generated population as stored nominals, in key order (as the hub reads them). */
function population(persons: number, seed: number) {
  const generated = generatePersons({ persons, forces: 4, seed });
  const rows = generated.map((g, i) => {
    const state = generatedNominal(g, `n${String(i).padStart(6, '0')}`, {
      handling: i % 20 === 7 ? covertHandling() : handlingP(),
    });
    return {
      key: memberKey(g.forceCode, state.nominalId),
      encoded: NominalState.encode(state).finish(),
      truth: g.truthId,
    };
  });
  return rows.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Each record's cluster as the sorted list of its members. */
function partition(index: NationalIndex, keys: readonly MemberKey[]): string[] {
  return keys.map((k) => {
    const c = index.matching.clusterOf(k);
    return c === undefined ? '' : index.matching.membersOf(c).sort().join(',');
  });
}

describe('batchCandidates', () => {
  const keys = ['01:a', '01:b', '02:c', '02:d'];
  const restricted = Uint8Array.from([0, 1, 0, 0]);

  it('reports each pair on its later record, its strongest first, at most so many a record', () => {
    const out = batchCandidates(
      keys,
      restricted,
      [
        { a: 0, b: 3, score: 5 },
        { a: 1, b: 3, score: 9 },
        { a: 2, b: 3, score: 7 },
        { a: 0, b: 1, score: 6 },
      ],
      2,
    );
    expect(out).toEqual([
      {
        a: '01:b',
        b: '01:a',
        restrictedA: true,
        restrictedB: false,
        score: 6,
        band: 'MATCH_BAND_POSSIBLE',
      },
      {
        a: '02:d',
        b: '01:b',
        restrictedA: false,
        restrictedB: true,
        score: 9,
        band: 'MATCH_BAND_POSSIBLE',
      },
      {
        a: '02:d',
        b: '02:c',
        restrictedA: false,
        restrictedB: false,
        score: 7,
        band: 'MATCH_BAND_POSSIBLE',
      },
    ]);
  });

  it('keeps REVIEW_CANDIDATES_PER_RECORD by default', () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ a: 0, b: 1, score: i }));
    expect(batchCandidates(keys, restricted, many)).toHaveLength(REVIEW_CANDIDATES_PER_RECORD);
  });
});

describe('constraintPairs', () => {
  it('gives decisions as record indices, leaving out those naming a record not held', () => {
    expect(
      constraintPairs(
        ['01:a', '01:b', '02:c'],
        [
          { a: '01:a', b: '02:c', constraint: 'must' },
          { a: '01:b', b: '01:a', constraint: 'cannot' },
          { a: '01:b', b: '09:gone', constraint: 'cannot' },
        ],
      ),
    ).toEqual({ mustLink: [[0, 2]], cannotLink: [[1, 0]] });
  });
});

describe('batchFirstStart', () => {
  const stored = population(700, 4321);
  const keys = stored.map((s) => s.key);
  const truth = stored.map((s) => s.truth);

  it('builds an index the incremental rules hold in, agreeing closely with the incremental build', async () => {
    const built = await batchFirstStart(stored, { constraints: [] });
    const { index } = built;
    expect(index.nominalCount).toBe(stored.length);
    // Each cluster is what the index's own guarded clustering makes of its records' links.
    const before = partition(index, keys);
    for (const k of keys) index.matching.regroup(k);
    expect(partition(index, keys)).toEqual(before);
    // Every link held is one the national rule makes: never on names alone.
    const links = [...index.matching.links()];
    expect(links.length).toBeGreaterThan(50);
    for (const l of links) {
      const w = index.matching.waterfall(l.a, l.b);
      expect(w?.namesOnly).toBe(false);
      expect(w?.decidedBand).not.toBe('MATCH_BAND_POSSIBLE');
    }
    // The incremental build (every nominal added in key order) with the same parameters.
    const incremental = new NationalIndex(MatchEngine.fromParameters(built.engine.parameters));
    for (const s of stored) incremental.upsertNominal(s.key, NominalState.decode(s.encoded));
    const clusters = (ix: NationalIndex) => keys.map((k) => ix.matching.clusterOf(k) ?? '');
    const batchQ = pairwiseMetrics(truth, clusters(index));
    const incrementalQ = pairwiseMetrics(truth, clusters(incremental));
    const agreement = pairwiseMetrics(clusters(incremental), clusters(index));
    expect(batchQ.precision).toBeGreaterThanOrEqual(incrementalQ.precision - 0.01);
    expect(batchQ.recall).toBeGreaterThanOrEqual(incrementalQ.recall - 0.02);
    expect(agreement.f1).toBeGreaterThanOrEqual(0.97);
    // Review candidates: POSSIBLE pairs, C records marked.
    expect(built.candidates.length).toBeGreaterThan(0);
    for (const c of built.candidates) expect(c.band).toBe('MATCH_BAND_POSSIBLE');
  });

  it('honours analysts’ decisions, and holds them for what comes next', async () => {
    const first = await batchFirstStart(stored, { constraints: [] });
    // A pair the batch linked, decided NOT_SAME; two nominals of different persons, SAME.
    const linked = [...first.index.matching.links()][0];
    if (!linked) throw new Error('no link');
    const apart = [
      keys[0],
      keys.find(
        (k) =>
          first.index.matching.clusterOf(k) !== first.index.matching.clusterOf(keys[0] as string),
      ),
    ] as MemberKey[];
    const constraints = [
      { a: linked.a, b: linked.b, constraint: 'cannot' as const },
      { a: apart[0] as MemberKey, b: apart[1] as MemberKey, constraint: 'must' as const },
    ];
    const { index } = await batchFirstStart(stored, { constraints });
    const together = (a: MemberKey, b: MemberKey) =>
      index.matching.clusterOf(a) === index.matching.clusterOf(b);
    expect(together(linked.a, linked.b)).toBe(false);
    expect(together(apart[0] as MemberKey, apart[1] as MemberKey)).toBe(true);
    expect(index.matching.constraintOf(linked.a, linked.b)).toBe('cannot');
    // Re-clustering around a decision (as an analyst's next decision does) keeps both.
    index.matching.regroup(linked.a);
    index.matching.regroup(apart[0] as MemberKey);
    expect(together(linked.a, linked.b)).toBe(false);
    expect(together(apart[0] as MemberKey, apart[1] as MemberKey)).toBe(true);
  });

  it('gives the persons as the restored index clusters them, the same whether restored in one go or paused every slice', async () => {
    const resolved = resolveFirstStart(stored, { constraints: [] });
    let pauses = 0;
    const sliced = await restoreFirstStart(
      resolved,
      () => {
        pauses++;
        return Promise.resolve();
      },
      50,
    );
    expect(pauses).toBe(Math.ceil(stored.length / 50) - 1);
    const whole = await batchFirstStart(stored, { constraints: [] });
    // The groups: each cluster once, in the order of its first record, its records in key order.
    const clusters: string[][] = [];
    const seen = new Set<string>();
    for (const k of keys) {
      const c = sliced.index.matching.clusterOf(k) as string;
      if (!seen.has(c)) clusters.push(sliced.index.matching.membersOf(c));
      seen.add(c);
    }
    expect(resolved.groups).toEqual(clusters);
    expect(partition(whole.index, keys)).toEqual(partition(sliced.index, keys));
    expect([...sliced.index.matching.links()]).toEqual([...whole.index.matching.links()]);
    expect(sliced.candidates).toEqual(whole.candidates);
  });
});

describe('batchGroups', () => {
  it('groups records by cluster, in the order of each cluster first record, records in order', () => {
    expect(batchGroups(['a', 'b', 'c', 'd', 'e'], Int32Array.from([3, 1, 3, 0, 1]))).toEqual([
      ['a', 'c'],
      ['b', 'e'],
      ['d'],
    ]);
    expect(batchGroups([], new Int32Array(0))).toEqual([]);
  });
});
