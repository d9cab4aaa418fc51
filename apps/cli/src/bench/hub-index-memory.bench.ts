import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagType, NominalState } from '@intel/contracts';
import { PUBLIC_VIEW } from '@intel/disclosure';
import { MatchEngine, type RestoredLink } from '@intel/matching';
import { streamPersons } from '@intel/synthetic';
import type { ViewFlag } from '../../../intel-hub/src/flags/view-flags.repository';
import { nominalAsMatchInput } from '../../../intel-hub/src/resolution/nominal-input';
import { NationalIndex } from '../../../intel-hub/src/resolution/national-index';
import {
  loadNationalSnapshot,
  writeNationalSnapshot,
} from '../../../intel-hub/src/resolution/national-snapshot';
import { isRestrictedNominal, nominalId, nominalState } from './bench-index';
import { benchResult, type BenchFigure, type BenchSuiteResult } from './bench-report';
import { settledMemory } from './heap-settle';

/** One generated nominal as the hub loads it: its key, state (decoded and stored) and person. */
interface LoadedNominal {
  key: string;
  state: NominalState;
  encoded: Uint8Array;
  personId: string;
  /** The person's creation seq (its ordinal in the stream). */
  seq: number;
  /** The first nominal of its person (flags are set once per person). */
  first: boolean;
}

/** A UUID-shaped person id, as the hub's database gives them (36 characters). */
function personUuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/**
 * `n` generated nominals in the national shape (about 1.1 force nominals a person: the base
 * profile with 0.1 extra records a person; 10 forces, seed 42), one in twenty handling code C
 * (as the query bench's population), each with its person. Streamed: nothing is kept.
 */
function* nominals(n: number): Generator<LoadedNominal> {
  let i = 0;
  let person = -1;
  let truth = '';
  const stream = streamPersons({
    persons: Math.ceil(n / 1.05),
    forces: 10,
    seed: 42,
    profile: { extraRecords: 0.1 },
  });
  for (const g of stream) {
    if (i >= n) return;
    const first = g.truthId !== truth;
    if (first) {
      truth = g.truthId;
      person++;
    }
    const encoded = nominalState(g, i);
    yield {
      key: `${g.forceCode}:${nominalId(i)}`,
      state: NominalState.decode(encoded),
      encoded,
      personId: personUuid(person),
      seq: person,
      first,
    };
    i++;
  }
}

const flag = (key: string, type: FlagType): ViewFlag => {
  const i = key.indexOf(':');
  return {
    type,
    reason: 'bench flag',
    evidence: [{ forceCode: key.slice(0, i), entity: 'nominal', id: key.slice(i + 1) }],
    raisedAt: new Date(0),
  };
};

/**
 * What the hub's national index (`NationalIndex`: the matching index, each nominal's stored
 * state, the exact online-identifier index, persons, memberships and flags) holds per force
 * nominal and per national person (issue #14: 1M persons in ≤ 2 GB RSS). For each size it
 * streams that many generated nominals into a fresh index as the hub's restore does (memberships,
 * flags, then `restore` with one stored link between consecutive members of a person) and
 * reports the heap in use and the resident set after a full collection, less what the process
 * held before. One person in ten gets a public flag; a person whose first nominal is C gets a
 * view per owner as well.
 *
 * For the breakdown it then builds the matching index alone from the same nominals and links
 * (`MatchIndex.restore`): the national index less that is what the hub adds. And for the load,
 * what an array of every nominal decoded (key, state, stored bytes) takes: what the hub's load
 * would hold if it read every nominal before building.
 *
 * Needs `--expose-gc`. The resident set per nominal is meaningful for the first size only (a
 * later size reuses pages the earlier ones freed); the process's resident set with the index is
 * reported for each. `quick`: 10k and 100k; otherwise 100k and 1M.
 */
export async function runHubIndexMemoryBench(opts: { quick?: boolean }): Promise<BenchSuiteResult> {
  const started = Date.now();
  const sizes = opts.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const figures: BenchFigure[] = [];
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  const engine = MatchEngine.withPriors();
  /** Links between consecutive members of each person, as the restore takes them. */
  const linksOf = (batch: { links: RestoredLink[]; last?: LoadedNominal }, n: LoadedNominal) => {
    if (!n.first && batch.last) batch.links.push({ a: batch.last.key, b: n.key, score: 20 });
    batch.last = n;
  };

  const measureNational = async (n: number, label: string): Promise<{ heap: number }> => {
    const before = await settledMemory();
    const t0 = process.hrtime.bigint();
    const index = new NationalIndex(engine);
    const batch: { links: RestoredLink[]; last?: LoadedNominal } = { links: [] };
    let persons = 0;
    function* restored() {
      for (const x of nominals(n)) {
        index.setMembership(x.personId, x.seq, x.key);
        if (x.first) {
          persons++;
          if (x.seq % 10 === 3)
            index.setFlags(
              x.personId,
              new Map([[PUBLIC_VIEW, [flag(x.key, FlagType.FLAG_TYPE_REPEAT_OFFENDER)]]]),
            );
          else if (isRestrictedNominal(x.seq))
            index.setFlags(
              x.personId,
              new Map([
                [PUBLIC_VIEW, []],
                [x.key.slice(0, 2), [flag(x.key, FlagType.FLAG_TYPE_CROSS_FORCE)]],
              ]),
            );
        }
        linksOf(batch, x);
        yield x;
      }
    }
    index.restore(restored(), batch.links);
    batch.links = [];
    delete batch.last;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = await settledMemory();
    if (index.nominalCount !== n) throw new Error(`indexed ${index.nominalCount}, not ${n}`);
    const heap = (after.heap - before.heap) / n;
    const rss = (after.rss - before.rss) / n;
    const perPerson = (after.heap - before.heap) / persons;
    log(
      `${label}: national index ${heap.toFixed(0)} B/nominal heap (${perPerson.toFixed(0)} B/person, ` +
        `${persons} persons), ${rss.toFixed(0)} B/nominal RSS, ` +
        `${(after.rss / 2 ** 20).toFixed(0)} MiB RSS in all, built in ${seconds.toFixed(1)} s`,
    );
    figures.push({ name: `${label}: national index, heap`, value: heap, unit: 'B/nominal' });
    figures.push({ name: `${label}: national index, heap`, value: perPerson, unit: 'B/person' });
    figures.push({ name: `${label}: national index, RSS`, value: rss, unit: 'B/nominal' });
    figures.push({
      name: `${label}: process RSS with the national index`,
      value: after.rss / 2 ** 20,
      unit: 'MiB',
    });
    figures.push({ name: `${label}: national index build (restore)`, value: seconds, unit: 's' });
    await measureSnapshot(index, label, seconds);
    return { heap };
  };

  /**
   * The index written as the hub's snapshot and loaded back (what a restart with nothing
   * committed since does instead of rebuilding): write and load times, bytes on disk, beside the
   * build's time; the loaded index must hold what the written one does.
   */
  const measureSnapshot = async (index: NationalIndex, label: string, built: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-snapshot-bench-'));
    try {
      const t0 = process.hrtime.bigint();
      const { bytes } = await writeNationalSnapshot(dir, index, { seq: 1, committedAt: 'bench' });
      const wrote = Number(process.hrtime.bigint() - t0) / 1e9;
      const beforeLoad = await settledMemory();
      const t1 = process.hrtime.bigint();
      const { index: loaded } = await loadNationalSnapshot(dir, engine, 1);
      const read = Number(process.hrtime.bigint() - t1) / 1e9;
      if (loaded.nominalCount !== index.nominalCount || loaded.personCount !== index.personCount)
        throw new Error('the snapshot loaded holds another index');
      // What a restarted hub holds for the index, but for the token table (shared with the
      // built index here: the same texts, interned once).
      const loadedHeap = ((await settledMemory()).heap - beforeLoad.heap) / n0(loaded);
      log(
        `${label}: national index loaded from its snapshot ${loadedHeap.toFixed(0)} B/nominal heap`,
      );
      figures.push({
        name: `${label}: national index loaded from its snapshot (token table aside), heap`,
        value: loadedHeap,
        unit: 'B/nominal',
      });
      log(
        `${label}: snapshot ${(bytes / 2 ** 20).toFixed(0)} MiB written in ${wrote.toFixed(1)} s, ` +
          `loaded in ${read.toFixed(1)} s (build ${built.toFixed(1)} s)`,
      );
      figures.push({ name: `${label}: national index snapshot write`, value: wrote, unit: 's' });
      figures.push({ name: `${label}: national index snapshot load`, value: read, unit: 's' });
      figures.push({
        name: `${label}: national index snapshot`,
        value: bytes / n0(index),
        unit: 'B/nominal',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const n0 = (index: NationalIndex) => Math.max(1, index.nominalCount);

  const measureMatching = async (n: number, label: string): Promise<{ heap: number }> => {
    const before = await settledMemory();
    const matching = engine.createIndex({ corroboratedLinks: true });
    const batch: { links: RestoredLink[]; last?: LoadedNominal } = { links: [] };
    function* restored() {
      for (const x of nominals(n)) {
        linksOf(batch, x);
        yield { id: x.key, input: nominalAsMatchInput(x.state), cluster: x.personId };
      }
    }
    matching.restore(restored(), batch.links);
    batch.links = [];
    delete batch.last;
    const after = await settledMemory();
    if (matching.size !== n) throw new Error(`indexed ${matching.size}, not ${n}`);
    const heap = (after.heap - before.heap) / n;
    log(`${label}: matching index alone ${heap.toFixed(0)} B/nominal heap`);
    figures.push({ name: `${label}: matching index alone, heap`, value: heap, unit: 'B/nominal' });
    return { heap };
  };

  const held: { inputs?: LoadedNominal[] } = {};
  for (const n of sizes) {
    const label = `${(n / 1000).toFixed(0)}k`;
    // Each in a function of its own, so that nothing of an index is left on the stack after it.
    const national = await measureNational(n, label);
    const matching = await measureMatching(n, label);
    const rest = national.heap - matching.heap;
    log(`${label}: the hub's part (national less matching) ${rest.toFixed(0)} B/nominal heap`);
    figures.push({
      name: `${label}: national index less the matching index, heap`,
      value: rest,
      unit: 'B/nominal',
    });

    const beforeInputs = await settledMemory();
    const inputs: LoadedNominal[] = (held.inputs = []);
    for (const x of nominals(n)) inputs.push(x);
    const inputsHeap = ((await settledMemory()).heap - beforeInputs.heap) / n;
    log(`${label}: every nominal decoded in one array ${inputsHeap.toFixed(0)} B/nominal (heap)`);
    figures.push({
      name: `${label}: every nominal decoded in one array, heap`,
      value: inputsHeap,
      unit: 'B/nominal',
    });
    delete held.inputs;
  }
  return benchResult('hub-index-memory', started, { quick: opts.quick === true, sizes }, figures);
}
