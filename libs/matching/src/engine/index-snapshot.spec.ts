import { generatePersons } from '@intel/synthetic';
import { INDEX_SNAPSHOT_VERSION, snapshotHeader, type SnapshotState } from './index-snapshot';
import { MatchEngine } from './match-engine';
import type { MatchIndex } from './match-index';
import type { MatchInput } from '../model/match-input';
import { encodeSnapshot, SnapshotError, type SnapshotProblem } from './snapshot-frames';

const state: SnapshotState = {
  nextSeq: 0,
  size: 0,
  tokens: 0,
  storeDead: 0,
  postingsKeys: 0,
  postingsFreeNode: -1,
  tfSize: 0,
};

const population = generatePersons({ persons: 150, forces: 3, seed: 5 }).map((g) => g.record);
const engine = MatchEngine.train(population);

function built(): MatchIndex {
  const ix = engine.createIndex();
  population.forEach((r, i) => ix.add(`r${i}`, r));
  ix.remove('r3');
  ix.addCannotLink('r10', 'r11');
  ix.addMustLink('r20', 'r40');
  return ix;
}

function bytesOf(ix: MatchIndex): Buffer {
  return Buffer.concat([...ix.snapshot()]);
}

/** Everything the index answers about its records, as text. */
function answers(ix: MatchIndex): string {
  return JSON.stringify({
    size: ix.size,
    clusters: population.map((_, i) => ix.clusterOf(`r${i}`) ?? null),
    links: [...ix.links()],
    queries: population.slice(0, 30).map((r) => ix.query(r)),
    decision: [ix.constraintOf('r10', 'r11'), ix.constraintOf('r40', 'r20')],
  });
}

async function refused(bytes: Uint8Array | Iterable<Uint8Array>): Promise<SnapshotProblem> {
  const source = bytes instanceof Uint8Array ? [bytes] : bytes;
  try {
    await engine.loadIndex(source);
  } catch (e) {
    if (e instanceof SnapshotError) return e.problem;
    throw e;
  }
  throw new Error('the snapshot was loaded');
}

describe('MatchIndex snapshot', () => {
  const original = built();
  const bytes = bytesOf(original);

  it('loads back an index that answers as the original, from chunks cut anywhere', async () => {
    const cut: Buffer[] = [];
    for (let at = 0, k = 1; at < bytes.length; at += k, k = (k * 7 + 3) % 5001)
      cut.push(bytes.subarray(at, at + k));
    const loaded = await engine.loadIndex(cut);
    expect(answers(loaded)).toBe(answers(original));
    expect(bytesOf(loaded).equals(bytes)).toBe(true);
  });

  it('loads an empty index, which then takes records', async () => {
    const loaded = await engine.loadIndex(engine.createIndex().snapshot());
    expect(loaded.size).toBe(0);
    population.forEach((r, i) => loaded.add(`r${i}`, r));
    const fresh = engine.createIndex();
    population.forEach((r, i) => fresh.add(`r${i}`, r));
    expect(answers(loaded)).toBe(answers(fresh));
  });

  it('refuses a file cut short anywhere', async () => {
    for (const n of [0, 5, 100, Math.floor(bytes.length / 2), bytes.length - 1])
      expect(await refused(bytes.subarray(0, n))).toBe('truncated');
  });

  it('refuses a file cut at a frame boundary (no trailer) or with bytes after its trailer', async () => {
    const pieces = [...original.snapshot()].map((p) => Buffer.from(p));
    // The last frame (the trailer) is its head, payload and checksum: three pieces.
    expect(await refused(Buffer.concat(pieces.slice(0, -3)))).toBe('truncated');
    expect(await refused(Buffer.concat([bytes, Buffer.from([0])]))).toBe('format');
  });

  it('refuses a flipped byte wherever it is', async () => {
    const step = Math.max(1, Math.floor(bytes.length / 97));
    for (let at = 0; at < bytes.length; at += step) {
      const bad = Buffer.from(bytes);
      bad[at] = (bad[at] ?? 0) ^ 0x10;
      const problem = await refused(bad);
      expect(['checksum', 'format', 'truncated']).toContain(problem);
    }
    const inData = Buffer.from(bytes);
    const mid = Math.floor(bytes.length / 2);
    inData[mid] = (inData[mid] ?? 0) ^ 1;
    expect(await refused(inData)).toBe('checksum');
  });

  it('refuses another version, other parameters and other options, by name', async () => {
    const header = { ...snapshotHeader(engine.parameters, original.snapshotOptions, state) };
    const version = [...encodeSnapshot({ ...header, version: INDEX_SNAPSHOT_VERSION + 1 }, [])];
    expect(await refused(version)).toBe('version');
    // Version 3 filed a lone name under every birth year: its blocks would give other candidates.
    const lone = [...encodeSnapshot({ ...header, version: 3 }, [])];
    expect(await refused(lone)).toBe('version');
    const layout = [...encodeSnapshot({ ...header, layout: 'flat:31' }, [])];
    expect(await refused(layout)).toBe('version');
    const retrained = MatchEngine.train(population.slice(0, 100));
    await expect(retrained.loadIndex([bytes])).rejects.toMatchObject({ problem: 'parameters' });
    await expect(engine.loadIndex([bytes], { corroboratedLinks: true })).rejects.toMatchObject({
      problem: 'options',
    });
    await expect(engine.loadIndex([bytes], { maxBlockSize: 7 })).rejects.toThrow(
      /index snapshot refused \(options\)/,
    );
  });

  it('refuses what is not a snapshot', async () => {
    expect(await refused(Buffer.from('{"hello": "world"}'))).toBe('format');
    const notHead = Buffer.from(bytes);
    notHead.write('ARRB', 0, 'latin1');
    expect(await refused(notHead)).toBe('format');
    expect(await refused(Buffer.alloc(0))).toBe('truncated');
  });
});

describe('MatchIndex snapshot loaded by a process whose token table differs', () => {
  it('maps every token id to the loader’s and answers as the original', async () => {
    const original = built();
    const bytes = bytesOf(original);
    const want = answers(original);
    // A fresh copy of the library: its token table is empty, and takes other texts first.
    let got = '';
    await jest.isolateModulesAsync(async () => {
      const tokens = await import('../normalise/token-ids');
      for (let i = 0; i < 500; i++) tokens.tokenId(`unrelated-${i}`);
      const fresh = await import('./match-engine');
      const e = fresh.MatchEngine.fromParameters(engine.parameters);
      const loaded = await e.loadIndex([bytes]);
      got = answers(loaded);
      // Fully usable afterwards: a removal and re-adds take the mapped ids and blocks.
      loaded.remove('r5');
      loaded.add('r5', population[5] as MatchInput);
      loaded.add('extra', population[7] as MatchInput);
      expect(loaded.clusterOf('extra')).toBe(loaded.clusterOf('r7'));
    });
    expect(got).toBe(want);
  });
});
