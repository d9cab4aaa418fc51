import { generatePersons } from '@intel/synthetic';
import { MatchEngine } from '../src/engine/match-engine';
import { MatchIndex, type MatchIndexOptions } from '../src/engine/match-index';
import { mulberry32 } from '../src/engine/prng';
import type { MatchInput } from '../src/model/match-input';
import { randomChoice } from '@intel/testing';
import { ReferenceMatchIndex } from './reference-match-index';

/**
 * The compact MatchIndex against the index as it was before (reference-match-index.ts): random
 * sequences of every operation, from a seeded PRNG, must give the same results — the same links,
 * scores, clusters, cluster changes, candidates and explanations, in the same order.
 *
 * At random steps the compact index (or the last one loaded) is written as a snapshot and
 * loaded back (`MatchIndex.snapshot`, `MatchEngine.loadIndex`): the loaded index must answer
 * everything as the reference does at once, and from then on take every operation beside the
 * other two and keep answering the same.
 */
describe('MatchIndex: the same results as the reference index', () => {
  // A population with duplicates (the generator's people have several records each), so adds
  // link and merge, and the guard and analysts' decisions have clusters to work on.
  const population = generatePersons({ persons: 120, forces: 4, seed: 11 }).map((g) => g.record);
  const engine = MatchEngine.train(population);
  // Records that are not "simple" (several names, addresses or identifiers): the general path.
  const aliased = population.slice(0, 40).map((r, i): MatchInput => ({
    ...r,
    names: [
      ...(r.names ?? []),
      { given: [`Alias${i % 7}`], family: 'Smith', type: 'NAME_TYPE_ALIAS' },
    ],
    addresses: [
      ...(r.addresses ?? []),
      { line: `${i} High Street`, town: 'Leeds', postcode: 'LS1 1AA' },
    ],
  }));
  // Lone names (one name, in either slot, no date of birth), blocked asymmetrically
  // (blocking-keys.ts, LONE_NAME_KEY); the reference files them under every birth year.
  const lone = population.slice(0, 40).map((r, i): MatchInput => {
    const name = r.names?.[0];
    return {
      names: [
        i % 2 === 0
          ? { given: [], family: name?.family ?? '' }
          : { given: [name?.given?.[0] ?? name?.family ?? ''], family: '' },
      ],
    };
  });
  const inputs = [...population, ...aliased, ...lone];

  type Op = { name: string; run: (ix: MatchIndex | ReferenceMatchIndex) => unknown };

  const runCase = async (seed: number, steps: number): Promise<void> => {
    const rnd = mulberry32(seed);
    const { pick, weighted } = randomChoice(rnd);
    const options: MatchIndexOptions = {
      maxBlockSize: rnd() < 0.3 ? 3 + Math.floor(rnd() * 6) : undefined,
      corroboratedLinks: rnd() < 0.5,
    };
    const ids = Array.from({ length: 60 }, (_, i) => `p${i}`);
    const some = (): string[] =>
      Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => pick(ids));
    // What each id was last added with, for restore.
    const inputsOf = new Map<string, MatchInput>();
    let compact = new MatchIndex(engine.parameters, engine.comparator, options);
    let reference = new ReferenceMatchIndex(engine.parameters, engine.comparator, options);
    /** The index last loaded from a snapshot, once there is one. */
    let loaded: MatchIndex | undefined;
    const same = (step: number, op: Op): void => {
      const want = JSON.stringify(op.run(reference));
      for (const [which, ix] of [
        ['compact', compact],
        ['loaded', loaded],
      ] as const) {
        if (!ix) continue;
        const got = JSON.stringify(op.run(ix));
        if (got !== want)
          throw new Error(
            `seed ${seed}, step ${step}, ${which}, ${op.name}:\n  got  ${got}\n  want ${want}`,
          );
      }
    };
    /** Everything an index answers about the records it may hold, at once. */
    const everything: Op = {
      name: 'everything, after a snapshot was loaded',
      run: (ix) => {
        const few = ids.slice(0, 12);
        return {
          size: ix.size,
          thresholds: ix.thresholdBits,
          records: ids.map((id) => [
            ix.has(id),
            ix.clusterOf(id),
            ix.membersOf(ix.clusterOf(id) ?? ''),
          ]),
          links: [...ix.links()],
          linksAmong: ix.linksAmong(ids),
          queries: inputs
            .slice(0, 50)
            .map((r) => [ix.query(r, few), ix.match(r), ix.matchAmong(r, ids), ix.candidates(r)]),
          pairs: few.flatMap((a) => few.map((b) => [ix.compare(a, b), ix.waterfall(a, b)])),
          decisions: ids.flatMap((a) => ids.map((b) => ix.constraintOf(a, b) ?? 0)),
          previews: few.map((a) => ix.previewConstraint(a, few[0] ?? '', 'cannot')),
        };
      },
    };
    const ops: [number, () => Op][] = [
      [
        30,
        () => {
          const id = pick(ids);
          const r = pick(inputs);
          inputsOf.set(id, r);
          return { name: `add ${id}`, run: (ix) => ix.add(id, r) };
        },
      ],
      [
        6,
        () => {
          const id = pick(ids);
          return { name: `remove ${id}`, run: (ix) => ix.remove(id) };
        },
      ],
      [
        3,
        () => {
          const [a, b] = [pick(ids), pick(ids)];
          return { name: `addMustLink ${a} ${b}`, run: (ix) => ix.addMustLink(a, b) };
        },
      ],
      [
        3,
        () => {
          const [a, b] = [pick(ids), pick(ids)];
          return { name: `addCannotLink ${a} ${b}`, run: (ix) => ix.addCannotLink(a, b) };
        },
      ],
      [
        2,
        () => {
          const [a, b] = [pick(ids), pick(ids)];
          return { name: `removeConstraint ${a} ${b}`, run: (ix) => ix.removeConstraint(a, b) };
        },
      ],
      [
        1,
        () => {
          const [a, b] = [pick(ids), pick(ids)];
          const kind = pick(['must', 'cannot', undefined] as const);
          return {
            name: `setConstraint ${a} ${b} ${kind}`,
            run: (ix) => (ix.setConstraint(a, b, kind), ix.constraintOf(a, b)),
          };
        },
      ],
      [
        2,
        () => {
          const [a, b] = [pick(ids), pick(ids)];
          const kind = pick(['must', 'cannot', undefined] as const);
          return {
            name: `previewConstraint ${a} ${b} ${kind}`,
            run: (ix) => ix.previewConstraint(a, b, kind),
          };
        },
      ],
      [
        1,
        () => {
          const id = pick(ids);
          return { name: `regroup ${id}`, run: (ix) => ix.regroup(id) };
        },
      ],
      [
        4,
        () => {
          const r = pick(inputs);
          const exact = some();
          return { name: 'query', run: (ix) => ix.query(r, exact) };
        },
      ],
      [
        4,
        () => {
          const r = pick(inputs);
          const max = 1 + Math.floor(rnd() * 25);
          return { name: 'match', run: (ix) => ix.match(r, max) };
        },
      ],
      [
        2,
        () => {
          const r = pick(inputs);
          const among = some();
          return { name: 'matchAmong', run: (ix) => ix.matchAmong(r, among) };
        },
      ],
      [
        2,
        () => {
          const r = pick(inputs);
          return { name: 'candidates', run: (ix) => ix.candidates(r) };
        },
      ],
      [2, () => ({ name: 'links', run: (ix) => [...ix.links()] })],
      [
        2,
        () => {
          const among = some();
          return { name: 'linksAmong', run: (ix) => ix.linksAmong(among) };
        },
      ],
      [
        3,
        () => {
          const id = pick(ids);
          return {
            name: `clusterOf/membersOf ${id}`,
            run: (ix) => {
              const c = ix.clusterOf(id);
              return [
                ix.has(id),
                ix.size,
                c,
                c === undefined ? [] : ix.membersOf(c),
                ix.membersOf(id),
              ];
            },
          };
        },
      ],
      [
        2,
        () => {
          const [a, b] = [pick(ids), pick(ids)];
          return { name: `waterfall ${a} ${b}`, run: (ix) => ix.waterfall(a, b) };
        },
      ],
      [
        1,
        () => {
          const [a, b] = [pick(ids), pick(ids)];
          return { name: `compare ${a} ${b}`, run: (ix) => ix.compare(a, b) };
        },
      ],
      [1, () => ({ name: 'thresholdBits', run: (ix) => ix.thresholdBits })],
      [2, () => ({ name: 'snapshot', run: () => undefined })],
      [
        1,
        () => ({
          // Both restored from what the reference holds, in a shuffled order (restore takes
          // records in any order): the restored indexes must then agree too.
          name: 'restore',
          run: () => undefined,
        }),
      ],
    ];
    for (let step = 0; step < steps; step++) {
      const op = weighted(ops)();
      if (op.name === 'snapshot') {
        // Alternately from the compact index and from the one loaded before (a snapshot of a
        // loaded index must load as well).
        const from = loaded && rnd() < 0.5 ? loaded : compact;
        loaded = await engine.loadIndex(from.snapshot(), options);
        same(step, everything);
        continue;
      }
      if (op.name !== 'restore') {
        same(step, op);
        continue;
      }
      const held = ids.filter((id) => reference.has(id));
      const records = held.map((id) => ({
        id,
        input: inputsOf.get(id) as MatchInput,
        cluster: reference.clusterOf(id) ?? '',
      }));
      for (let i = records.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [records[i], records[j]] = [records[j] as never, records[i] as never];
      }
      const links = [...reference.links()];
      compact = new MatchIndex(engine.parameters, engine.comparator, options);
      reference = new ReferenceMatchIndex(engine.parameters, engine.comparator, options);
      compact.restore(records, links);
      reference.restore(records, links);
      loaded = undefined;
      same(step, { name: 'restored links', run: (ix) => [...ix.links()] });
    }
    // Everything held at the end, record by record.
    same(steps, {
      name: 'final state',
      run: (ix) =>
        ids.map((id) => [ix.has(id), ix.clusterOf(id), ix.membersOf(ix.clusterOf(id) ?? '')]),
    });
  };

  it('gives the same results over random sequences of operations', async () => {
    for (let seed = 1; seed <= 40; seed++) await runCase(seed, 250);
  });
});
