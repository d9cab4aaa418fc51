import { randomUUID } from 'node:crypto';
import {
  Disclosure,
  IdentifierScheme,
  MatchBand,
  NameType,
  NominalState,
  PurposeCode,
  Sex,
  type CheckPersonResponse,
  type Identifier,
  type OnlineIdentifier,
  type PersonQuery,
} from '@intel/contracts';
import { ProbeLimiter } from '@intel/disclosure';
import { croCheckLetter, normaliseCro, normalisePnc, pncCheckLetter } from '@intel/identifiers';
import { generatePersons } from '@intel/synthetic';
import { covertHandling, generatedNominal, handlingP } from '@intel/testing';
import { inProcessHub } from './in-process-hub.fixture';

// Issue #15: a CheckPerson carrying one exact valid PNC ID, CRO number or online identifier and
// nothing else finds its holder, whatever the parameters the hub learned. Real PostgreSQL, the
// resolution and query services in process (in-process-hub.fixture.ts): a generated
// population is published as the force nodes would after their within-force dedupe (one nominal
// per person and force), the hub re-learns its parameters on it (EM on the index), then queries.
describe('exact identifiers in a CheckPerson after re-learning (integration: real PostgreSQL)', () => {
  const hub = inProcessHub('it_exact_ids', { batchSize: 500, referencePersons: 2000 });
  const { store } = hub;

  /** A generated population as the forces hold it: one nominal per person and force. */
  interface Held {
    force: string;
    state: NominalState;
  }
  const population = new Map<string, Held>();

  function nominalsOf(persons: number): Held[] {
    const out = new Map<string, Held>();
    for (const g of generatePersons({
      persons,
      forces: 5,
      seed: 1515,
      // Few persons held by more than one force: most national persons are one nominal, as in
      // an import of one force's records (λ·N, the duplicates a nominal has, well below 1).
      profile: { otherForce: 0.03 },
    })) {
      const key = `${g.forceCode}|${g.truthId}`;
      const r = g.record;
      // Force nodes refuse an identifier failing its check character: the typos are left out.
      const ids: Identifier[] = (r.identifiers ?? [])
        .filter((i) => i.scheme !== 'IDENTIFIER_SCHEME_PNC' || normalisePnc(i.value).ok)
        .map((i) => ({ scheme: i.scheme as IdentifierScheme, value: i.value }));
      const online: OnlineIdentifier[] = (r.onlineIdentifiers ?? []).map((o) =>
        onlineIdentifier(o.kind, o.value, o.platform),
      );
      const held = out.get(key);
      if (held) {
        // The force's dedupe merged this record into its nominal.
        const s = held.state;
        for (const i of ids)
          if (!s.identifiers.some((x) => x.value === i.value)) s.identifiers.push(i);
        for (const o of online)
          if (!s.onlineIdentifiers.some((x) => x.value === o.value)) s.onlineIdentifiers.push(o);
        continue;
      }
      out.set(key, {
        force: g.forceCode,
        state: generatedNominal(g, `g${out.size}`, { identifiers: [], onlineIdentifiers: [] }),
      });
      const s = (out.get(key) as Held).state;
      s.identifiers.push(...ids);
      s.onlineIdentifiers.push(...online);
    }
    return [...out.values()];
  }

  function onlineIdentifier(kind: string, value: string, platform = ''): OnlineIdentifier {
    return {
      kind: kind as OnlineIdentifier['kind'],
      platform,
      value,
      observedAt: undefined,
    };
  }

  const pncOf = (s: NominalState) =>
    s.identifiers.find((i) => i.scheme === IdentifierScheme.IDENTIFIER_SCHEME_PNC)?.value;

  /** The first nominal of the population satisfying `p` not already taken. */
  const taken = new Set<string>();
  function pick(p: (h: Held) => boolean): Held {
    for (const h of population.values())
      if (!taken.has(h.state.nominalId) && p(h)) {
        taken.add(h.state.nominalId);
        return h;
      }
    throw new Error('no nominal fits');
  }

  let pncHolder: Held;
  let covertHolder: Held;
  let croHolder: Held;
  let onlineHolder: Held;
  /** Two nominals sharing one online identifier (a household phone or e-mail, a burner). */
  let sharedHolders: Held[] = [];
  let shared: OnlineIdentifier;
  const cro = `123457/15${croCheckLetter(15, 123457)}`;

  beforeAll(async () => {
    await hub.open();
    // An empty hub: the reference population's parameters.
    await hub.start(Number.MAX_SAFE_INTEGER);

    const nominals = nominalsOf(1500);
    for (const h of nominals) population.set(h.state.nominalId, h);
    const pncCount = new Map<string, number>();
    const onlineCount = new Map<string, number>();
    for (const { state } of nominals) {
      for (const i of state.identifiers) pncCount.set(i.value, (pncCount.get(i.value) ?? 0) + 1);
      for (const o of state.onlineIdentifiers)
        onlineCount.set(o.value, (onlineCount.get(o.value) ?? 0) + 1);
    }
    const onlyPnc = (h: Held) =>
      pncOf(h.state) !== undefined && pncCount.get(pncOf(h.state) ?? '') === 1;
    pncHolder = pick(onlyPnc);
    covertHolder = pick(onlyPnc);
    covertHolder.state.handling = covertHandling();
    croHolder = pick(() => true);
    croHolder.state.identifiers.push({
      scheme: IdentifierScheme.IDENTIFIER_SCHEME_CRO,
      value: cro,
    });
    onlineHolder = pick((h) =>
      h.state.onlineIdentifiers.some(
        (o) => o.kind.endsWith('EMAIL') && onlineCount.get(o.value) === 1,
      ),
    );

    const sharedValue = [...onlineCount].find(([v, n]) => {
      if (n !== 2) return false;
      const holders = nominals.filter((h) => h.state.onlineIdentifiers.some((o) => o.value === v));
      return holders.every((h) => !taken.has(h.state.nominalId));
    })?.[0];
    sharedHolders = nominals.filter((h) =>
      h.state.onlineIdentifiers.some((o) => o.value === sharedValue),
    );
    shared = sharedHolders[0]?.state.onlineIdentifiers.find(
      (o) => o.value === sharedValue,
    ) as OnlineIdentifier;

    const byForce = new Map<string, NominalState[]>();
    for (const { force, state } of nominals) {
      const list = byForce.get(force) ?? [];
      list.push(state);
      byForce.set(force, list);
    }
    for (const [force, states] of byForce) await hub.publish(force, states);

    // Restarted with enough nominals to learn from: the reference parameters are outgrown,
    // learned again on the index (EM), and every nominal scored again.
    await hub.start(500);
  }, 600_000);

  afterAll(() => hub.close());

  const emptyQuery = (): PersonQuery => ({
    names: [],
    dateOfBirth: undefined,
    sex: Sex.SEX_UNSPECIFIED,
    identifiers: [],
    onlineIdentifiers: [],
    addresses: [],
  });

  /** A force other than the holder's asks. */
  const otherForce = (h: Held) => (h.force === '01' ? '36' : '01');

  async function check(force: string, person: Partial<PersonQuery>): Promise<CheckPersonResponse> {
    return hub.query.checkPerson(
      {
        person: { ...emptyQuery(), ...person },
        justification,
        maxResults: 0,
      },
      { force, system: 'roadside-check' },
    );
  }

  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Roadside check of the identifier a detained man gave the officer',
    operationRef: 'OP-EXACT',
  };

  const LINK = [MatchBand.MATCH_BAND_CERTAIN, MatchBand.MATCH_BAND_PROBABLE];

  it('re-learned its parameters on the index', async () => {
    const saved = await store.savedParameters(hub.ds);
    expect(saved?.source).toBe('index');
    expect(saved?.nominals).toBe(population.size);
    // Few duplicates in the index: its learned prior odds of a pair (λ) times its size is well
    // below 1, which is what keeps a one-identifier query below the link band (docs/hub.md).
    expect((saved?.parameters.lambda ?? 1) * population.size).toBeLessThan(0.5);
  });

  it('a valid PNC ID alone finds its holder at a link band', async () => {
    const pnc = pncOf(pncHolder.state) ?? '';
    const person = await hub.personOf(pncHolder.force, pncHolder.state.nominalId);
    const identifiers = [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }];
    // What the engine makes of it with the learned weights: not a link (the case this guards).
    const engine = hub.resolution.current?.matching
      .match({ ...emptyQuery(), identifiers }, 200)
      .find((c) => c.id === `${pncHolder.force}:${pncHolder.state.nominalId}`);
    expect(engine?.band).not.toBe('MATCH_BAND_PROBABLE');
    expect(engine?.band).not.toBe('MATCH_BAND_CERTAIN');
    const r = await check(otherForce(pncHolder), { identifiers });
    const hit = r.matches.find((m) => m.nationalPersonId === person);
    expect(hit?.band).toBeDefined();
    expect(LINK).toContain(hit?.band);
    expect(hit?.holdings).toContainEqual(
      expect.objectContaining({
        forceCode: pncHolder.force,
        nominalId: pncHolder.state.nominalId,
        disclosure: Disclosure.DISCLOSURE_FULL,
      }),
    );
    expect(hit?.explanation?.fields).toContainEqual(
      expect.objectContaining({ field: 'custodyId', level: 'exact' }),
    );
  });

  it("a valid PNC ID alone finds another force's covert holder: a hit, nothing more", async () => {
    const pnc = pncOf(covertHolder.state) ?? '';
    const person = await hub.personOf(covertHolder.force, covertHolder.state.nominalId);
    const r = await check(otherForce(covertHolder), {
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
    });
    const hit = r.matches.find((m) => m.nationalPersonId === person);
    expect(hit?.holdings).toEqual([
      expect.objectContaining({
        forceCode: covertHolder.force,
        nominalId: '',
        disclosure: Disclosure.DISCLOSURE_HIT_ONLY,
        details: undefined,
      }),
    ]);
    expect(hit?.explanation).toBeUndefined();
    // Its own force sees it in full.
    const own = await check(covertHolder.force, {
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
    });
    expect(LINK).toContain(own.matches.find((m) => m.nationalPersonId === person)?.band);
  });

  it('the probe rate still holds hit-only answers back', async () => {
    const pnc = pncOf(covertHolder.state) ?? '';
    const person = await hub.personOf(covertHolder.force, covertHolder.state.nominalId);
    const service = await hub.queryWith(new ProbeLimiter({ burst: 1, refillPerHour: 0 }));
    const ask = () =>
      service.checkPerson(
        {
          person: {
            ...emptyQuery(),
            identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
          },
          justification,
          maxResults: 0,
        },
        { force: otherForce(covertHolder), system: 'probe-test' },
      );
    expect((await ask()).matches.map((m) => m.nationalPersonId)).toEqual([person]);
    expect((await ask()).matches).toEqual([]);
  });

  it('a valid CRO number alone finds its holder at a link band', async () => {
    expect(normaliseCro(cro).ok).toBe(true);
    const person = await hub.personOf(croHolder.force, croHolder.state.nominalId);
    const r = await check(otherForce(croHolder), {
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_CRO, value: cro }],
    });
    expect(LINK).toContain(r.matches.find((m) => m.nationalPersonId === person)?.band);
  });

  it('an online identifier alone finds its holder', async () => {
    const email = onlineHolder.state.onlineIdentifiers.find((o) => o.kind.endsWith('EMAIL'));
    const person = await hub.personOf(onlineHolder.force, onlineHolder.state.nominalId);
    const r = await check(otherForce(onlineHolder), {
      // Keyed in another case: the canonical form is what is compared.
      onlineIdentifiers: [
        { ...(email as OnlineIdentifier), value: email?.value.toUpperCase() ?? '' },
      ],
    });
    expect(r.matches.map((m) => m.nationalPersonId)).toContain(person);
  });

  it('an online identifier two persons share alone finds both holders', async () => {
    expect(sharedHolders).toHaveLength(2);
    const persons = await Promise.all(
      sharedHolders.map((h) => hub.personOf(h.force, h.state.nominalId)),
    );
    const r = await check('01', { onlineIdentifiers: [shared] });
    expect(r.matches.map((m) => m.nationalPersonId)).toEqual(expect.arrayContaining(persons));
  });

  it('a valid PNC ID nobody holds finds no one', async () => {
    const unheld = `2001/0999999${pncCheckLetter(1, 999_999)}`;
    expect(normalisePnc(unheld).ok).toBe(true);
    expect([...population.values()].some((h) => pncOf(h.state) === unheld)).toBe(false);
    const r = await check('01', {
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: unheld }],
    });
    expect(r.matches).toEqual([]);
  });

  it('two different people with the same common name and nothing else in common are never linked', async () => {
    const johnSmith = (id: string, extra: Partial<NominalState>): NominalState =>
      NominalState.fromJSON({
        nominalId: id,
        version: 1,
        names: [{ given: ['John'], family: 'Smith', type: NameType.NAME_TYPE_BIRTH }],
        sex: Sex.SEX_MALE,
        handling: handlingP(),
        ...extra,
      });
    const a = johnSmith(`js-${randomUUID()}`, {
      datesOfBirth: [{ year: 1971, month: 2, day: 3 }],
    });
    const b = johnSmith(`js-${randomUUID()}`, {});
    const c = johnSmith(`js-${randomUUID()}`, {});
    await hub.publish('36', [a]);
    await hub.publish('01', [b]);
    await hub.publish('46', [c]);
    const persons = [
      await hub.personOf('36', a.nominalId),
      await hub.personOf('01', b.nominalId),
      await hub.personOf('46', c.nominalId),
    ];
    expect(persons.every((p) => p !== undefined)).toBe(true);
    expect(new Set(persons).size).toBe(3);
    // And still after the hub is started again and re-learns (the index has not doubled: the
    // parameters are kept; the persons must stay apart either way).
    await hub.start(500);
    expect(
      new Set([
        await hub.personOf('36', a.nominalId),
        await hub.personOf('01', b.nominalId),
        await hub.personOf('46', c.nominalId),
      ]).size,
    ).toBe(3);
  });
});
