import { generatePersons } from '@intel/synthetic';
import { mulberry32 } from './prng';
import { MatchEngine } from './match-engine';
import type { MatchIndex, RestoredRecord } from './match-index';
import type { NormalisedRecord } from '../normalise/record.normaliser';

/** Each record's cluster as the sorted list of its members: comparable across cluster ids. */
function partition(index: MatchIndex, ids: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of ids) {
    const c = index.clusterOf(id);
    if (c !== undefined) out.set(id, index.membersOf(c).sort().join(','));
  }
  return out;
}

describe('MatchIndex.restore', () => {
  const generated = generatePersons({ persons: 400, forces: 4, seed: 11 });
  const engine = MatchEngine.train(generated.map((g) => g.record));
  const cut = Math.floor(generated.length * 0.85);
  const first = generated.slice(0, cut);
  const later = generated.slice(cut);
  const built = engine.createIndex();
  first.forEach((g, i) => built.add(`r${i}`, g.record));
  const ids = first.map((_, i) => `r${i}`);
  const saved = (): RestoredRecord[] =>
    first.map((g, i) => ({
      id: `r${i}`,
      input: g.record,
      cluster: `person-${built.clusterOf(`r${i}`)}`,
    }));

  it('gives back the same clusters and links, whatever order the records come in', () => {
    const rnd = mulberry32(3);
    const shuffled = saved()
      .map((r) => ({ r, k: rnd() }))
      .sort((x, y) => x.k - y.k)
      .map((x) => x.r);
    const restored = engine.createIndex();
    restored.restore(shuffled, [...built.links()].reverse());
    expect(restored.size).toBe(built.size);
    expect(partition(restored, ids)).toEqual(partition(built, ids));
    const linkSet = (ix: MatchIndex) =>
      [...ix.links()].map((l) => [l.a, l.b].sort().join('~') + `=${l.score}`).sort();
    expect(linkSet(restored)).toEqual(linkSet(built));
    expect(linkSet(built).length).toBeGreaterThan(300);
    // The same candidates and scores for a query (blocks and term frequencies restored).
    const probe = later[0]?.record;
    if (!probe) throw new Error('no probe');
    expect(restored.match(probe, 5)).toEqual(
      built.match(probe, 5).map((c) => ({ ...c, clusterId: restored.clusterOf(c.id) })),
    );
  });

  it('in slices (the event loop handed back between them) restores the index `restore` does', async () => {
    const linkSet = (ix: MatchIndex) =>
      [...ix.links()].map((l) => [l.a, l.b].sort().join('~') + `=${l.score}`).sort();
    const whole = engine.createIndex();
    whole.restore(saved(), built.links());
    const sliced = engine.createIndex();
    // Timers and I/O run between slices: count the turns the loop got while it restored.
    let turns = 0;
    let restoring = true;
    const tick = (): void => {
      turns++;
      if (restoring) setImmediate(tick);
    };
    setImmediate(tick);
    await sliced.restoreInSlices(saved(), built.links(), 0);
    restoring = false;
    expect(turns).toBeGreaterThanOrEqual(Math.floor(first.length / 64) - 1);
    expect(sliced.size).toBe(whole.size);
    expect(partition(sliced, ids)).toEqual(partition(whole, ids));
    expect(linkSet(sliced)).toEqual(linkSet(whole));
    for (const g of later.slice(0, 10))
      expect(sliced.match(g.record, 5)).toEqual(whole.match(g.record, 5));
    expect(Buffer.concat([...sliced.snapshot()]).equals(Buffer.concat([...whole.snapshot()]))).toBe(
      true,
    );
    await expect(sliced.restoreInSlices(saved(), [])).rejects.toThrow(/empty index/);
  });

  it('given records normalised already (a batch’s), then restores the index normalising them would', () => {
    const batch = MatchEngine.resolve(
      first.map((g) => g.record),
      { parameters: engine.parameters, keepRecords: true },
    );
    const normalised = batch.records ?? [];
    expect(normalised).toHaveLength(first.length);
    const plain = engine.createIndex();
    plain.restore(saved(), built.links());
    const given = engine.createIndex();
    given.restore(
      // The normalised records alone, without their inputs (as the hub's first start gives them).
      saved().map((r, i) => ({
        id: r.id,
        cluster: r.cluster,
        normalised: normalised[i] as NormalisedRecord,
      })),
      built.links(),
    );
    expect(partition(given, ids)).toEqual(partition(plain, ids));
    for (const g of later.slice(0, 10))
      expect(given.match(g.record, 5)).toEqual(plain.match(g.record, 5));
    expect(given.compare('r0', 'r1')).toEqual(plain.compare('r0', 'r1'));
  });

  it('given the batch’s keys as well, then files the records under them at once and restores the same index', () => {
    const batch = MatchEngine.resolve(
      first.map((g) => g.record),
      { parameters: engine.parameters, keepRecords: true },
    );
    const normalised = batch.records ?? [];
    const records = () =>
      saved().map((r, i) => ({
        id: r.id,
        cluster: r.cluster,
        normalised: normalised[i] as NormalisedRecord,
      }));
    const plain = engine.createIndex();
    plain.restore(records(), built.links());
    const keyed = engine.createIndex();
    const restoring = keyed.restoring(batch.keys);
    for (const r of records()) restoring.add(r);
    restoring.finish(built.links());
    expect(partition(keyed, ids)).toEqual(partition(plain, ids));
    // The same candidates for new records and for the restored ones, before and after changes.
    const same = () => {
      for (const g of [...later, ...first.slice(0, 40)])
        expect(keyed.match(g.record, 8)).toEqual(plain.match(g.record, 8));
    };
    same();
    for (const ix of [plain, keyed]) {
      ix.remove('r3');
      ix.remove('r10');
      later.slice(0, 5).forEach((g, i) => ix.add(`n${i}`, g.record));
    }
    same();
    expect(partition(keyed, ids)).toEqual(partition(plain, ids));
    // All of the batch's records, or the postings would name records never filed.
    const short = engine.createIndex().restoring(batch.keys);
    records()
      .slice(0, 10)
      .forEach((r) => short.add(r));
    expect(() => short.finish([])).toThrow(`10 records restored, the batch keyed ${first.length}`);
  });

  it('then behaves as the index it was saved from: removals split on the saved links, adds link alike', () => {
    // A second index built the same way, so the first stays untouched for the other test.
    const original = engine.createIndex();
    first.forEach((g, i) => original.add(`r${i}`, g.record));
    const restored = engine.createIndex();
    restored.restore(saved(), built.links());
    // Withdraw every fifth record of a cluster of three or more: the split is computed from the
    // stored links, so lost links would break clusters apart here.
    const big = ids.filter(
      (id) => (original.membersOf(original.clusterOf(id) ?? '').length ?? 0) >= 3,
    );
    expect(big.length).toBeGreaterThan(20);
    const all = [...ids, ...later.map((_, i) => `n${i}`)];
    for (const id of big.filter((_, i) => i % 5 === 0)) {
      const a = original.remove(id);
      const b = restored.remove(id);
      expect(b.clusters.map((c) => c.members.sort())).toEqual(
        a.clusters.map((c) => c.members.sort()),
      );
    }
    later.forEach((g, i) => {
      const a = original.add(`n${i}`, g.record);
      const b = restored.add(`n${i}`, g.record);
      expect(b.links).toEqual(a.links);
    });
    expect(partition(restored, all)).toEqual(partition(original, all));
  });

  it('regroups a cluster restored without a member as removing that member would', () => {
    // Removals that split a cluster are rare (clusters are densely linked): look at every
    // member of a cluster of three or more in a set known to hold some.
    const set = generatePersons({ persons: 400, forces: 4, seed: 12 });
    const full = engine.createIndex();
    set.forEach((g, i) => full.add(`s${i}`, g.record));
    const all = set.map((_, i) => `s${i}`);
    const records = (): RestoredRecord[] =>
      set.map((g, i) => ({ id: `s${i}`, input: g.record, cluster: full.clusterOf(`s${i}`) ?? '' }));
    const big = all.filter((id) => full.membersOf(full.clusterOf(id) ?? '').length >= 3);
    let splits = 0;
    big.forEach((gone, n) => {
      const whole = engine.createIndex();
      whole.restore(records(), full.links());
      const split = whole.remove(gone).clusters.filter((c) => c.members.length > 0).length > 1;
      if (split) splits++;
      if (!split && n % 25 !== 0) return;
      const without = engine.createIndex();
      without.restore(
        records().filter((r) => r.id !== gone),
        full.links(),
      );
      const mate = full.membersOf(full.clusterOf(gone) ?? '').find((m) => m !== gone) ?? '';
      without.regroup(mate);
      const rest = all.filter((id) => id !== gone);
      expect(partition(without, rest)).toEqual(partition(whole, rest));
    });
    expect(splits).toBeGreaterThan(0);
  });

  it('refuses a non-empty index and a record given twice', () => {
    const ix = engine.createIndex();
    const one = saved().slice(0, 1);
    expect(() => ix.restore([...one, ...one], [])).toThrow(/given twice/);
    expect(() => ix.restore(one, [])).toThrow(/empty index/);
  });
});

describe('MatchIndex.restoreSome', () => {
  const generated = generatePersons({ persons: 300, forces: 4, seed: 21 });
  const engine = MatchEngine.train(generated.map((g) => g.record));
  const cut = Math.floor(generated.length * 0.8);
  const ids = generated.map((_, i) => `r${i}`);
  const linkSet = (ix: MatchIndex) =>
    [...ix.links()].map((l) => [l.a, l.b].sort().join('~') + `=${l.score}`).sort();
  const restoredFrom = (ix: MatchIndex, held: string[]): RestoredRecord[] =>
    held
      .filter((id) => ix.has(id))
      .map((id) => ({
        id,
        input: (generated[Number(id.slice(1))] as (typeof generated)[number]).record,
        cluster: ix.clusterOf(id) ?? '',
      }));

  it('brings a restored index up to what its source became, records added and removed, as restoring it whole would', () => {
    // The source grows and loses records; a copy restored from its earlier state is brought up
    // to date by restoring in place only the clusters those changes touched.
    const source = engine.createIndex();
    generated.slice(0, cut).forEach((g, i) => source.add(`r${i}`, g.record));
    const copy = engine.createIndex();
    copy.restore(restoredFrom(source, ids), source.links());
    const before = new Map(ids.map((id) => [id, source.clusterOf(id)]));

    const changed = new Set<string>();
    generated.slice(cut).forEach((g, k) => {
      const r = source.add(`r${cut + k}`, g.record);
      for (const c of r.clusters) for (const m of c.members) changed.add(m);
      changed.add(`r${cut + k}`);
    });
    const gone = ids.filter((id, i) => i < cut && i % 17 === 0);
    for (const id of gone) {
      for (const c of source.remove(id).clusters) for (const m of c.members) changed.add(m);
      changed.add(id);
    }
    // Every member, before and after, of a cluster a change touched.
    const concerned = new Set<string>();
    for (const id of changed) {
      for (const c of [before.get(id), source.clusterOf(id)])
        if (c !== undefined)
          for (const m of [...source.membersOf(c), ...copy.membersOf(c)]) concerned.add(m);
      concerned.add(id);
    }
    for (const id of [...concerned]) {
      const c = copy.clusterOf(id);
      if (c !== undefined) for (const m of copy.membersOf(c)) concerned.add(m);
      const s = source.clusterOf(id);
      if (s !== undefined) for (const m of source.membersOf(s)) concerned.add(m);
    }
    const keep = [...concerned].filter((id) => source.has(id));
    copy.restoreSome(
      [...concerned].filter((id) => !source.has(id)),
      restoredFrom(source, keep),
      [...source.links()].filter((l) => concerned.has(l.a) || concerned.has(l.b)),
    );

    const whole = engine.createIndex();
    whole.restore(restoredFrom(source, ids), source.links());
    expect(copy.size).toBe(source.size);
    expect(partition(copy, ids)).toEqual(partition(source, ids));
    expect(linkSet(copy)).toEqual(linkSet(source));
    expect(concerned.size).toBeLessThan(ids.length / 2);
    // The same candidates and scores (blocks and term frequencies brought up to date).
    for (const g of generated.slice(0, 40)) {
      const byId = (x: { id: string; score: number }[]) =>
        x.map((c) => `${c.id}=${c.score}`).sort();
      expect(byId(copy.match(g.record, 10))).toEqual(byId(whole.match(g.record, 10)));
    }
  });
});
