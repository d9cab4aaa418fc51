import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { TOPICS } from '@intel/kafka';
import {
  Disclosure,
  EventType,
  MatchBand,
  NameType,
  OnlineIdentifierKind,
  PurposeCode,
  Sex,
  SubjectCategory,
  timestampFromDate,
  type CheckIdentifiersResponse,
  type IdentifierResult,
  type NominalState,
  type OnlineIdentifier,
} from '@intel/contracts';
import {
  covertHandling,
  forceProducer,
  handlingP,
  randomSerial,
  signedEvent,
  waitFor,
} from '@intel/testing';
import { HubHarness } from './hub.harness';

// CheckIdentifiers answers from the hub's exact-identifier index (docs/hub.md, "IntelQuery"):
// every national person holding an identifier is counted however many share it (the matching
// engine's blocks skip an identifier held by 100 or more records, which used to give no holder
// at all), at most MAX_IDENTIFIER_HOLDERS (50) are returned, and the answer says how many hold
// it and that it was cut. The hub as a process on the real PostgreSQL and Kafka, fed signed
// force events.
describe('CheckIdentifiers from the exact-identifier index (integration)', () => {
  // Probes allowed per caller (force) before hit-only answers are withheld; the refill is far too
  // slow to matter within the test. The Met asks a few times; Norfolk exhausts its own; Kent,
  // who sees every holder in full, polls.
  const BURST = 40;
  const h = new HubHarness('it_identifier_holders', 'identifier-holders', {
    HUB_PROBE_BURST: String(BURST),
    HUB_PROBE_REFILL_PER_HOUR: '1',
  });
  const tag = randomUUID().slice(0, 6);
  const SHARED = 150;
  const CAP = 50;
  const phone = `+4479112${String(randomSerial()).slice(0, 5)}`;
  const email = `trio.${tag}@example.org`;
  const phoneId: OnlineIdentifier = {
    kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE,
    platform: '',
    value: phone,
    observedAt: undefined,
  };
  const emailId: OnlineIdentifier = {
    kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
    platform: '',
    value: email,
    observedAt: undefined,
  };
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Online grooming enquiry: who holds this phone number and e-mail address',
    operationRef: `OP-I-${tag}`,
  };
  const producers = new Map<string, Producer>();
  const now = timestampFromDate(new Date());

  // Names with nothing in common, so that each nominal is a national person of its own.
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const randomName = () => {
    let s = letters[Math.floor(Math.random() * 26)]?.toUpperCase() ?? 'Q';
    for (let i = 0; i < 8; i++) s += letters[Math.floor(Math.random() * 26)];
    return s;
  };

  interface Seeded {
    force: string;
    nominalId: string;
    state: NominalState;
  }
  function nominal(
    force: string,
    nominalId: string,
    i: number,
    onlineIdentifiers: OnlineIdentifier[],
    restricted: boolean,
  ): Seeded {
    return {
      force,
      nominalId,
      state: {
        nominalId,
        version: 1,
        names: [{ given: [randomName()], family: randomName(), type: NameType.NAME_TYPE_BIRTH }],
        datesOfBirth: [{ year: 1950 + (i % 50), month: 1 + (i % 12), day: 1 + (i % 28) }],
        sex: i % 2 ? Sex.SEX_MALE : Sex.SEX_FEMALE,
        identifiers: [],
        onlineIdentifiers,
        addresses: [],
        registrations: [],
        handling: restricted ? covertHandling() : handlingP(),
        subjectCategories: [SubjectCategory.SUBJECT_CATEGORY_CONVICTED],
        sources: [{ sourceSystem: 'niche-rms', sourceRecordId: nominalId }],
        updatedAt: now,
      },
    };
  }

  // The phone: Norfolk and the Met hold 147 nominals (the caller, the Met, sees them), Kent 3 as
  // handling code C (hit-only for the Met). The e-mail: one each, Kent's C.
  const phoneHolders: Seeded[] = Array.from({ length: SHARED }, (_, i) => {
    const force = i < 3 ? '46' : i % 2 ? '36' : '01';
    return nominal(force, `ph-${i}-${tag}`, i, [phoneId], force === '46');
  });
  const trio: Seeded[] = [
    nominal('36', `em-nf-${tag}`, 1, [emailId], false),
    nominal('01', `em-met-${tag}`, 2, [emailId], false),
    nominal('46', `em-kent-${tag}`, 3, [emailId], true),
  ];
  const seeded = [...phoneHolders, ...trio];

  async function producer(force: string): Promise<Producer> {
    let p = producers.get(force);
    if (!p) producers.set(force, (p = await forceProducer(force, `it-ident-${force}-${tag}`)));
    return p;
  }
  async function publish(nominals: Seeded[]): Promise<void> {
    for (const force of new Set(nominals.map((n) => n.force))) {
      const messages = nominals
        .filter((n) => n.force === force)
        .map((n) =>
          signedEvent(force, EventType.EVENT_TYPE_NOMINAL_UPSERTED, n.nominalId, {
            nominal: n.state,
          }),
        );
      await (await producer(force)).send({ topic: TOPICS.person, acks: -1, messages });
    }
  }
  /** The national person of each seeded nominal, by nominal id. */
  async function personsOf(nominals: Seeded[]): Promise<Map<string, string>> {
    const { rows } = await h.db.query<{ nominal_id: string; person_id: string }>(
      `SELECT nominal_id, person_id FROM person_member WHERE nominal_id = ANY($1)`,
      [nominals.map((n) => n.nominalId)],
    );
    return new Map(rows.map((r) => [r.nominal_id, r.person_id]));
  }
  function check(force = '01'): Promise<CheckIdentifiersResponse> {
    return h.as(force).checkIdentifiers({ onlineIdentifiers: [phoneId, emailId], justification });
  }
  const personIds = (r: IdentifierResult | undefined) =>
    (r?.matches ?? []).map((m) => m.nationalPersonId);

  let persons = new Map<string, string>();

  beforeAll(async () => {
    await h.start();
    await publish(seeded);
    await waitFor(
      async () => {
        persons = await personsOf(seeded);
        return persons.size === seeded.length;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: `${seeded.length} nominals resolved` },
    );
    // Each nominal its own person, so the phone's holders are 150 persons.
    expect(new Set(persons.values()).size).toBe(seeded.length);
  });
  afterAll(async () => {
    await Promise.all([...producers.values()].map((p) => p.disconnect()));
    await h.stop();
  });

  it('given a phone held by 150 persons, then 50 are returned, best first, with the true count and the cut marked', async () => {
    const res = await check();
    const shared = res.results[0];
    expect(shared?.onlineIdentifier?.value).toBe(phone);
    expect(shared?.totalMatches).toBe(SHARED);
    expect(shared?.truncated).toBe(true);
    expect(shared?.matches).toHaveLength(CAP);
    const holders = new Set(phoneHolders.map((n) => persons.get(n.nominalId)));
    const ids = personIds(shared);
    expect(new Set(ids).size).toBe(CAP);
    for (const id of ids) expect(holders.has(id)).toBe(true);
    // Scored persons the Met may see come first (Kent's C records are hit-only, after them),
    // by score then person id: a deterministic cut.
    for (const m of shared?.matches ?? []) {
      expect(m.band).not.toBe(MatchBand.MATCH_BAND_UNSPECIFIED);
      expect(m.holdings.map((x) => x.disclosure)).toEqual([Disclosure.DISCLOSURE_FULL]);
    }
    const order = [...(shared?.matches ?? [])].sort((a, b) =>
      b.score !== a.score ? b.score - a.score : a.nationalPersonId < b.nationalPersonId ? -1 : 1,
    );
    expect(ids).toEqual(order.map((m) => m.nationalPersonId));
    // The same call again gives the same 50.
    expect(personIds((await check()).results[0])).toEqual(ids);
  });

  it("given an e-mail held by 3 persons, then all 3 are returned, not truncated, Kent's C record a hit only", async () => {
    const res = await check();
    const few = res.results[1];
    expect(few?.onlineIdentifier?.value).toBe(email);
    expect(few?.totalMatches).toBe(3);
    expect(few?.truncated).toBe(false);
    expect(new Set(personIds(few))).toEqual(new Set(trio.map((n) => persons.get(n.nominalId))));
    const kent = few?.matches.find(
      (m) => m.nationalPersonId === persons.get(trio[2]?.nominalId ?? ''),
    );
    expect(kent).toMatchObject({ score: 0, band: MatchBand.MATCH_BAND_UNSPECIFIED });
    expect(kent?.explanation ?? undefined).toBeUndefined();
    expect(kent?.holdings).toEqual([
      expect.objectContaining({
        forceCode: '46',
        nominalId: '',
        disclosure: Disclosure.DISCLOSURE_HIT_ONLY,
      }),
    ]);
    expect(JSON.stringify(res)).not.toContain(trio[2]?.nominalId);
    // The hit-only person comes after the scored ones.
    expect(few?.matches[2]?.nationalPersonId).toBe(kent?.nationalPersonId);
  });

  it('given a consultation, then its audit entry records what was disclosed, the count and the cut included', async () => {
    const res = await check();
    const { rows } = await h.db.query<{
      response: {
        results: {
          onlineIdentifier: { value: string };
          matches: { nationalPersonId: string }[];
          totalMatches: number;
          truncated: boolean;
        }[];
      };
    }>(`SELECT response FROM audit_log WHERE seq = $1`, [res.auditRef]);
    const [shared, few] = rows[0]?.response.results ?? [];
    expect(shared).toMatchObject({ onlineIdentifier: { value: phone }, totalMatches: SHARED });
    expect(shared?.truncated).toBe(true);
    expect(shared?.matches.map((m) => m.nationalPersonId)).toEqual(personIds(res.results[0]));
    expect(few).toMatchObject({ onlineIdentifier: { value: email }, totalMatches: 3 });
    expect(few?.truncated).toBe(false);
    expect(few?.matches).toHaveLength(3);
  });

  it('given the caller past its probe rate, then hit-only persons are neither returned nor counted, and the audit entry lists them', async () => {
    const asNorfolk = h.as('36');
    for (let i = 0; i < BURST; i++)
      await asNorfolk.checkIdentifiers({ onlineIdentifiers: [emailId], justification });
    const res = await check('36');
    const kentPerson = persons.get(trio[2]?.nominalId ?? '');
    // The phone: Kent's three C persons are past the cap anyway; the count leaves them out.
    expect(res.results[0]).toMatchObject({ totalMatches: SHARED - 3, truncated: true });
    expect(res.results[0]?.matches).toHaveLength(CAP);
    // The e-mail: Kent's C person withheld, and not counted (the count would be the hit).
    expect(res.results[1]).toMatchObject({ totalMatches: 2, truncated: false });
    expect(personIds(res.results[1])).not.toContain(kentPerson);
    expect(personIds(res.results[1])).toHaveLength(2);
    const { rows } = await h.db.query<{
      response: { withheld: { rateLimited: { personId: string; forces: string[] }[] } };
    }>(`SELECT response FROM audit_log WHERE seq = $1`, [res.auditRef]);
    expect(rows[0]?.response.withheld.rateLimited).toEqual([
      { personId: kentPerson, forces: ['46'] },
    ]);
  });

  it('given a holder updated without the identifier, and the hub restarted, then the answer follows the index as stored', async () => {
    const met = trio[1] as Seeded;
    await publish([
      { ...met, state: { ...met.state, version: 2, onlineIdentifiers: [], updatedAt: now } },
    ]);
    await waitFor(async () => (await check('46')).results[1]?.totalMatches === 2, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'the e-mail held by 2 persons after the update',
    });
    const before = await check();
    expect(personIds(before.results[1])).not.toContain(persons.get(met.nominalId));

    await h.stopProcess();
    await h.startProcess();
    // Restored as stored (MatchIndex.restore: nothing scored), not rebuilt by upserts.
    const loaded = h.hub.logs.find((l) => l.includes('"event":"index-loaded"')) ?? '{}';
    expect(JSON.parse(loaded)).toMatchObject({ mode: 'restored', scored: 0 });
    const after = await check();
    expect(after.results.map((r) => [r.totalMatches, r.truncated])).toEqual([
      [SHARED, true],
      [2, false],
    ]);
    expect(personIds(after.results[0])).toEqual(personIds(before.results[0]));
    expect(personIds(after.results[1])).toEqual(personIds(before.results[1]));
  });
});
