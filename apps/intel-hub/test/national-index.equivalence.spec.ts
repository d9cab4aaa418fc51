import {
  NominalState,
  OnlineIdentifierKind,
  PersonRecord,
  type FlagType,
  type OnlineIdentifier,
} from '@intel/contracts';
import { PUBLIC_VIEW, isRestrictedRecord } from '@intel/disclosure';
import { MatchEngine, mulberry32, type MatchInput, type ScoredCandidate } from '@intel/matching';
import { onlineIdentifierKey } from '@intel/records';
import { generatePersons } from '@intel/synthetic';
import { covertHandling, handlingP, randomChoice } from '@intel/testing';
import type { PersonViews, ViewFlag } from '../src/flags/view-flags.repository';
import { identifierKeysOf } from '../src/resolution/exact-identifiers';
import type { MemberKey } from '../src/resolution/member-key';
import { NationalIndex } from '../src/resolution/national-index';
import { nominalAsMatchInput } from '../src/resolution/nominal-input';
import type { PersonAssignment } from '../src/resolution/person-assignment';
import { rankHits } from '../src/query/answer-ranking';
import { identifierHits, selectIdentifierPersons } from '../src/query/identifier-selection';
import {
  referenceIdentifierRanking,
  type IdentifierAsked,
  type IdentifierRanking,
} from './reference-identifier-answer';
import { ReferenceNationalIndex } from './reference-national-index';

type Index = NationalIndex | ReferenceNationalIndex;
type Op = { name: string; run: (ix: Index) => unknown };

/**
 * The compact NationalIndex against the index as it was before (reference-national-index.ts: a
 * map per column, a buffer per state): seeded random sequences of every operation, with restores
 * as the hub's load does them, must give the same answers in the same order. The arena's chunks
 * are small here (2 KiB: a few states each), so states are evacuated from chunks as they die.
 */
/** CheckIdentifiers' ranking of one identifier as the hub works it out (intel-query.service). */
function identifierRanking(
  index: NationalIndex,
  { oi, recipient, probeAllowed, max, explain }: IdentifierAsked,
): IdentifierRanking {
  const key = onlineIdentifierKey(oi);
  const holding = key === undefined ? [] : index.identifierPersons(key, recipient);
  const { selected, total } = selectIdentifierPersons(holding, max, probeAllowed);
  const hits = identifierHits(index, oi, selected, explain);
  const r = rankHits(hits, recipient, (k) => index.handled(k), probeAllowed, max, false);
  const best = (personId: string) => hits.find((h) => h.personId === personId)?.best;
  return {
    shown: r.shown.map((a) => ({ ...a, best: best(a.personId) as ScoredCandidate })),
    held: r.held.map((a) => ({ ...a, best: best(a.personId) as ScoredCandidate })),
    total,
  };
}

describe('NationalIndex: the same answers as the reference index', () => {
  const population = generatePersons({ persons: 40, forces: 3, seed: 5 });
  const engine = MatchEngine.train(population.map((g) => g.record));
  // Identifiers held by many nominals (a switchboard number), so holders, holderCount and the
  // EXACT_ONLINE_HOLDERS cut are exercised.
  const shared: OnlineIdentifier[] = [
    {
      kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
      platform: '',
      value: 'desk@example.com',
      observedAt: undefined,
    },
    {
      kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE,
      platform: '',
      value: '07700 900123',
      observedAt: undefined,
    },
    {
      kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_IP_ADDRESS,
      platform: '',
      value: '192.0.2.7',
      observedAt: undefined,
    },
  ];
  const queried: OnlineIdentifier[] = [
    ...shared,
    ...population.flatMap((g) => PersonRecord.fromJSON(g.record).onlineIdentifiers),
    { ...(shared[0] as OnlineIdentifier), value: 'nobody@example.com' },
  ];
  const forces = ['01', '36', '46'];
  const keys: MemberKey[] = Array.from({ length: 36 }, (_, i) => `${forces[i % 3]}:n-${i}`);
  const personIds = Array.from({ length: 14 }, (_, i) => `p-${i}`);
  const recipients = ['01', '36', '46', '20'];

  const runCase = (seed: number, steps: number): void => {
    const rnd = mulberry32(seed);
    const { pick, some, weighted } = randomChoice(rnd);
    let version = 0;
    const stateFor = (key: MemberKey): NominalState => {
      const r = PersonRecord.fromJSON(pick(population).record);
      return {
        nominalId: key.slice(3),
        version: ++version,
        names: r.names,
        datesOfBirth: r.dateOfBirth ? [r.dateOfBirth] : [],
        sex: r.sex,
        identifiers: r.identifiers,
        onlineIdentifiers: [...r.onlineIdentifiers, ...some(shared, 2)],
        addresses: r.addresses,
        registrations: [],
        handling: rnd() < 0.2 ? covertHandling() : handlingP(),
        subjectCategories: [r.subjectCategory],
        sources: [],
        updatedAt: undefined,
      };
    };
    const flag = (type: FlagType): ViewFlag => ({
      type,
      reason: `reason ${Math.floor(rnd() * 5)}`,
      evidence: [],
      raisedAt: new Date(1_700_000_000_000),
    });
    const viewsFor = (): PersonViews<ViewFlag[]> => {
      const roll = rnd();
      const flags = () =>
        some(['FLAG_TYPE_REPEAT_OFFENDER', 'FLAG_TYPE_CROSS_FORCE'] as FlagType[], 2).map(flag);
      if (roll < 0.2) return new Map([[PUBLIC_VIEW, []]]);
      if (roll < 0.6) return new Map([[PUBLIC_VIEW, flags()]]);
      return new Map([
        [PUBLIC_VIEW, flags()],
        [pick(forces), flags()],
        ...(rnd() < 0.3 ? [[pick(forces), []] as [string, ViewFlag[]]] : []),
      ]);
    };

    let compact = new NationalIndex(engine, { stateChunkBytes: 2048 });
    let reference = new ReferenceNationalIndex(engine);
    /** Flags last set per person, for a restore. */
    const flagsSet = new Map<string, PersonViews<ViewFlag[]>>();
    let nextPerson = 0;
    const same = (step: number, op: Op): void => {
      const got = JSON.stringify(op.run(compact));
      const want = JSON.stringify(op.run(reference));
      if (got !== want)
        throw new Error(`seed ${seed}, step ${step}, ${op.name}:\n  got  ${got}\n  want ${want}`);
    };
    const everything: Op = {
      name: 'everything held',
      run: (ix) => [
        ix.nominalCount,
        ix.personCount,
        keys.map((k) => [k, ix.personOfMember(k), ix.storedState(k)?.join(',')]),
        [...personIds, ...Array.from({ length: nextPerson }, (_, i) => `new-${i}`)].map((p) => [
          p,
          ix.hasPerson(p),
          ix.ageOf(p),
          ix.membersOf(p),
          recipients.map((r) => ix.flagsFor(p, r)),
        ]),
      ],
    };
    const ops: [number, () => Op][] = [
      [
        25,
        () => {
          const key = pick(keys);
          const s = stateFor(key);
          const encoded = rnd() < 0.5 ? NominalState.encode(s).finish() : undefined;
          return { name: `upsert ${key}`, run: (ix) => ix.upsertNominal(key, s, encoded) };
        },
      ],
      [
        8,
        () => {
          const key = pick(keys);
          return { name: `remove ${key}`, run: (ix) => ix.removeNominal(key) };
        },
      ],
      [
        6,
        () => {
          // As at load: a key without a person (or already of this one) joins it.
          const key = pick(keys);
          const p = reference.personOfMember(key) ?? pick(personIds);
          const seq = Math.floor(rnd() * 1000);
          return { name: `setMembership ${p} ${key}`, run: (ix) => ix.setMembership(p, seq, key) };
        },
      ],
      [
        8,
        () => {
          const fresh = rnd() < 0.3 ? `new-${nextPerson++}` : undefined;
          const targets = fresh ? [...personIds, fresh] : personIds;
          const a: PersonAssignment = {
            assign: new Map(some(keys, 4).map((k) => [k, pick(targets)])),
            unassign: some(keys, 2),
            created: [],
            merged: some(personIds, 1).map((from) => ({ from, into: pick(personIds) })),
            retired: some(personIds, 1),
            touched: new Set(),
          };
          const seqOf = new Map(fresh ? [[fresh, 1000 + nextPerson]] : []);
          return { name: 'applyAssignment', run: (ix) => ix.applyAssignment(a, seqOf) };
        },
      ],
      [
        5,
        () => {
          const p = pick(personIds);
          const views = viewsFor();
          flagsSet.set(p, views);
          return { name: `setFlags ${p}`, run: (ix) => ix.setFlags(p, views) };
        },
      ],
      [
        6,
        () => {
          const input: MatchInput = nominalAsMatchInput(stateFor(pick(keys)));
          if (rnd() < 0.5)
            input.onlineIdentifiers = [...(input.onlineIdentifiers ?? []), pick(shared)];
          const max = 1 + Math.floor(rnd() * 10);
          const explain = rnd() < 0.5;
          return { name: 'check', run: (ix) => ix.check(input, max, explain) };
        },
      ],
      [
        2,
        () => {
          const input = nominalAsMatchInput(stateFor(pick(keys)));
          return { name: 'match', run: (ix) => ix.match(input, 5) };
        },
      ],
      [
        5,
        () => {
          const ks = some(keys, 6);
          const again = some(keys, 3);
          return {
            name: 'views/facts',
            run: (ix) => {
              const decoded = ix.views(ks);
              const facts = ix.facts(ks);
              return [
                [...ix.views(again, decoded)],
                [...decoded.keys()],
                [...facts],
                [...ix.facts(again, facts)],
              ];
            },
          };
        },
      ],
      [
        4,
        () => ({
          // Whether each member is handling code C, as ranking an answer reads it: the compact
          // index from its per-nominal column, the reference from the state as stored.
          name: 'handled',
          run: (ix) =>
            keys.map((k) => {
              if (ix instanceof NationalIndex) return isRestrictedRecord(ix.handled(k));
              const v = ix.facts([k]).get(k);
              return v === undefined || isRestrictedRecord(v);
            }),
        }),
      ],
      [
        4,
        () => {
          const key = pick(keys);
          return { name: `storedState ${key}`, run: (ix) => ix.storedState(key)?.join(',') };
        },
      ],
      [
        4,
        () => {
          const ids = [
            ...shared.flatMap((o) => identifierKeysOf({ onlineIdentifiers: [o] })),
            'email:nobody@example.com',
          ];
          return { name: 'holdersOf', run: (ix) => ids.map((i) => ix.holdersOf(i)) };
        },
      ],
      [
        6,
        () => {
          // CheckIdentifiers' selection of one identifier's persons, unscored but for one
          // record, against the reference ranking that scored, disclosed and ordered every
          // holder: the same persons returned and withheld, in the same order, with the same
          // scores, bands and hidden scores, and the same count. Small caps, so the cut falls
          // among the holders of the shared identifiers.
          const asked: IdentifierAsked = {
            oi: pick(queried),
            recipient: pick(recipients),
            probeAllowed: rnd() < 0.7,
            max: 1 + Math.floor(rnd() * 8),
            explain: rnd() < 0.5,
          };
          return {
            name: `CheckIdentifiers ${asked.oi.value} for ${asked.recipient}`,
            run: (ix) =>
              ix instanceof NationalIndex
                ? identifierRanking(ix, asked)
                : referenceIdentifierRanking(ix, asked),
          };
        },
      ],
      [4, () => everything],
      [2, () => ({ name: 'restore', run: () => undefined })],
    ];
    for (let step = 0; step < steps; step++) {
      const op = weighted(ops)();
      if (op.name !== 'restore') {
        same(step, op);
        continue;
      }
      // As the hub's load: memberships, flags, the nominals with a person restored with the
      // stored links, the others upserted.
      const live = [...reference.views(keys)].map(([key, v]) => ({
        key,
        state: v.state,
        encoded: reference.storedState(key) as Uint8Array,
        personId: reference.personOfMember(key),
      }));
      const memberships = keys.flatMap((key) => {
        const personId = reference.personOfMember(key);
        return personId === undefined ? [] : [{ key, personId, seq: reference.ageOf(personId) }];
      });
      const links = [...reference.matching.links()];
      compact = new NationalIndex(engine, { stateChunkBytes: 2048 });
      reference = new ReferenceNationalIndex(engine);
      for (const ix of [compact, reference]) {
        for (const m of memberships) ix.setMembership(m.personId, m.seq, m.key);
        for (const [p, views] of flagsSet) ix.setFlags(p, views);
        const held = live.flatMap((n) =>
          n.personId === undefined ? [] : [{ ...n, personId: n.personId }],
        );
        ix.restore(held, links);
        for (const n of live)
          if (n.personId === undefined) ix.upsertNominal(n.key, n.state, n.encoded);
      }
      same(step, everything);
    }
    same(steps, everything);
  };

  it('gives the same answers over random sequences of operations', () => {
    for (let seed = 1; seed <= 30; seed++) runCase(seed, 300);
  });
});
