import { randomUUID } from 'node:crypto';
import {
  Alert,
  Disclosure,
  FlagType,
  PurposeCode,
  SubjectRole,
  type CheckPersonResponse,
  type Match,
  type PersonQuery,
} from '@intel/contracts';
import {
  covertHandling,
  incidentRecord,
  lettersOnly,
  personRecord,
  pncId,
  randomSerial,
  waitFor,
} from '@intel/testing';
import { ForceNodeHarness } from '../../force-node/test/force-node.harness';
import { HubHarness } from './hub.harness';

// One disclosure policy (docs/security.md): what another force's handling code C record gives
// a recipient. Three force nodes and the hub as processes on the real Kafka and PostgreSQL.
describe('disclosure of handling code C (integration: force nodes + hub processes)', () => {
  const norfolk = new ForceNodeHarness('36');
  const met = new ForceNodeHarness('01');
  const kent = new ForceNodeHarness('46');
  // Probes allowed per caller before hit-only answers are withheld (HUB_PROBE_*); the refill is
  // far too slow to matter within the test.
  const BURST = 12;
  // The hub runs as its own database role, so the per-view flag table's grants are exercised.
  const hub = new HubHarness('it_disclosure', 'disclosure', {
    HUB_BATCH_SIZE: '2000',
    HUB_CONSUMER_CONCURRENCY: '6',
    HUB_PROBE_BURST: String(BURST),
    HUB_PROBE_REFILL_PER_HOUR: '1',
  });
  const db = hub.db;

  const tag = randomUUID().slice(0, 6);
  const rnd = (n: number) => 1 + Math.floor(Math.random() * n);
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Online grooming enquiry: checking a suspect against the national index',
    operationRef: `OP-D-${tag}`,
  };

  beforeAll(async () => {
    await Promise.all([norfolk.start(), met.start(), kent.start()]);
    await hub.start();
  });
  afterAll(async () => {
    await hub.stop();
    await Promise.all([norfolk.stop(), met.stop(), kent.stop()]);
  });

  /** The national person holding these nominals, once all are in one person. */
  async function personOf(members: [string, string][], timeoutMs = 120_000): Promise<string> {
    let id = '';
    await waitFor(
      async () => {
        const { rows } = await db.query<{ person_id: string }>(
          `SELECT DISTINCT m.person_id FROM person_member m
           JOIN unnest($1::text[], $2::text[]) AS t(f, n) ON m.force_code = t.f AND m.nominal_id = t.n`,
          [members.map((m) => m[0]), members.map((m) => m[1])],
        );
        const { rows: count } = await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM person_member m
           JOIN unnest($1::text[], $2::text[]) AS t(f, n) ON m.force_code = t.f AND m.nominal_id = t.n`,
          [members.map((m) => m[0]), members.map((m) => m[1])],
        );
        id = rows[0]?.person_id ?? '';
        return rows.length === 1 && Number(count[0]?.n) === members.length;
      },
      { timeoutMs, intervalMs: 300, what: `one national person of ${JSON.stringify(members)}` },
    );
    return id;
  }

  /** Waits until the person's (national, unfiltered) flags include `types`. */
  async function flagged(personId: string, types: FlagType[]): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await db.query<{ flag_type: FlagType }>(
          `SELECT flag_type FROM person_flag WHERE person_id = $1`,
          [personId],
        );
        const have = rows.map((r) => r.flag_type);
        return types.every((t) => have.includes(t));
      },
      { timeoutMs: 120_000, intervalMs: 300, what: `flags ${types.join(', ')} on ${personId}` },
    );
  }

  async function alertsTo(force: string, personId: string): Promise<Alert[]> {
    const { rows } = await db.query<{ payload: Buffer }>(
      `SELECT payload FROM alert WHERE recipient_force = $1 AND person_id = $2 ORDER BY alert_id`,
      [force, personId],
    );
    return rows.map((r) => Alert.decode(r.payload));
  }

  const matchOf = (res: CheckPersonResponse, personId: string): Match | undefined =>
    res.matches.find((m) => m.nationalPersonId === personId);

  it('a registration held only on a C record gives other forces no RSO flag, no RSO_OUT_OF_AREA, no reason naming it', async () => {
    const pnc = pncId(1975, randomSerial());
    const family = lettersOnly(`Renard${tag}`);
    const dob = { year: 1975, month: rnd(12), day: rnd(28) };
    const names = [{ given: ['Oswin'], family, type: 'NAME_TYPE_BIRTH' as never }];
    const nf = await norfolk.client.submitPerson(
      personRecord({
        sourceSystem: 'visor',
        sourceRecordId: `nf-rso-${tag}`,
        names,
        dateOfBirth: dob,
        identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pnc }],
        registration: {
          active: true,
          managingForce: '36',
          startDate: { year: 2020, month: 1, day: 1 },
          endDate: undefined,
          visorRef: `V${randomSerial()}`,
        },
        handling: covertHandling(),
        subjectCategory: 'SUBJECT_CATEGORY_CONVICTED' as never,
      }),
    );
    const mt = await met.client.submitPerson(
      personRecord({
        sourceRecordId: `met-rso-${tag}`,
        names,
        dateOfBirth: dob,
        identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pnc }],
      }),
    );
    const inc = await met.client.submitIncident(
      incidentRecord({
        sourceRecordId: `met-rso-inc-${tag}`,
        subjects: [
          {
            personSourceSystem: 'niche-rms',
            personSourceRecordId: `met-rso-${tag}`,
            role: SubjectRole.SUBJECT_ROLE_SUSPECT,
          },
        ],
      }),
    );
    const personId = await personOf([
      ['36', nf.nominalId],
      ['01', mt.nominalId],
    ]);
    // The national picture (unfiltered) has them: the leak would be in what reaches the Met.
    await flagged(personId, [
      FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
      FlagType.FLAG_TYPE_RSO_OUT_OF_AREA,
    ]);
    const q: PersonQuery = {
      names,
      dateOfBirth: dob,
      sex: 'SEX_MALE' as never,
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pnc }],
      onlineIdentifiers: [],
      addresses: [],
    };
    const asMet = hub.as('01');
    const res = await asMet.checkPerson({ person: q, justification, maxResults: 5 });
    const m = matchOf(res, personId);
    expect(m).toBeDefined();
    const got = await asMet.getPerson({ nationalPersonId: personId, justification });
    const alerts = await alertsTo('01', personId);
    const registrationFlags = [
      FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
      FlagType.FLAG_TYPE_RSO_OUT_OF_AREA,
    ];
    for (const flags of [m!.flags, got.flags]) {
      expect(flags.map((f) => f.type).filter((t) => registrationFlags.includes(t))).toEqual([]);
      // Only the Met's own record is visible to it: nothing national to flag.
      expect(flags.map((f) => f.type)).not.toContain(FlagType.FLAG_TYPE_CROSS_FORCE);
      for (const f of flags) expect(f.reason).not.toMatch(/regist|managing force|36/i);
    }
    for (const a of alerts) {
      expect(a.flags.filter((t) => registrationFlags.includes(t))).toEqual([]);
      expect(a.summary).not.toMatch(/regist|managing force/i);
    }
    // The Met's own incident is still its own: it sees it.
    expect(got.incidents.map((i) => i.id)).toContain(inc.incidentId);
    // Norfolk, the owner, sees the registration flags.
    const own = await hub.as('36').getPerson({ nationalPersonId: personId, justification });
    expect(own.flags.map((f) => f.type)).toEqual(expect.arrayContaining(registrationFlags));
  });

  it('a C incident gives other forces no REPEAT_OFFENDER and no incident id', async () => {
    const pnc = pncId(1981, randomSerial());
    const family = lettersOnly(`Thorne${tag}`);
    const dob = { year: 1981, month: rnd(12), day: rnd(28) };
    const names = [{ given: ['Piers'], family, type: 'NAME_TYPE_BIRTH' as never }];
    const ident = [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pnc }];
    const kt = await kent.client.submitPerson(
      personRecord({
        sourceRecordId: `kent-rep-${tag}`,
        names,
        dateOfBirth: dob,
        identifiers: ident,
      }),
    );
    await kent.client.submitIncident(
      incidentRecord({
        sourceRecordId: `kent-rep-inc-${tag}`,
        sharedReference: '',
        subjects: [
          {
            personSourceSystem: 'niche-rms',
            personSourceRecordId: `kent-rep-${tag}`,
            role: SubjectRole.SUBJECT_ROLE_SUSPECT,
          },
        ],
      }),
    );
    const nf = await norfolk.client.submitPerson(
      personRecord({
        sourceRecordId: `nf-rep-${tag}`,
        names,
        dateOfBirth: dob,
        identifiers: ident,
      }),
    );
    const hidden = await norfolk.client.submitIncident(
      incidentRecord({
        sourceRecordId: `nf-rep-inc-${tag}`,
        sharedReference: '',
        handling: covertHandling(),
        subjects: [
          {
            personSourceSystem: 'niche-rms',
            personSourceRecordId: `nf-rep-${tag}`,
            role: SubjectRole.SUBJECT_ROLE_SUSPECT,
          },
        ],
      }),
    );
    const personId = await personOf([
      ['46', kt.nominalId],
      ['36', nf.nominalId],
    ]);
    await flagged(personId, [FlagType.FLAG_TYPE_REPEAT_OFFENDER]);
    const asKent = hub.as('46');
    const res = await asKent.checkPerson({
      person: {
        names,
        dateOfBirth: dob,
        sex: 'SEX_MALE' as never,
        identifiers: ident,
        onlineIdentifiers: [],
        addresses: [],
      },
      justification,
      maxResults: 5,
    });
    const m = matchOf(res, personId);
    expect(m).toBeDefined();
    const got = await asKent.getPerson({ nationalPersonId: personId, justification });
    for (const flags of [m!.flags, got.flags]) {
      expect(flags.map((f) => f.type)).not.toContain(FlagType.FLAG_TYPE_REPEAT_OFFENDER);
      for (const f of flags) {
        expect(f.reason).not.toMatch(/distinct incidents/);
        expect(f.evidence.map((e) => e.id)).not.toContain(hidden.incidentId);
      }
    }
    expect(got.incidents.map((i) => i.id)).not.toContain(hidden.incidentId);
    expect(JSON.stringify(res)).not.toContain(hidden.incidentId);
    expect(JSON.stringify(got)).not.toContain(hidden.incidentId);
    for (const a of await alertsTo('46', personId)) {
      expect(a.flags).not.toContain(FlagType.FLAG_TYPE_REPEAT_OFFENDER);
      expect(a.records.map((r) => r.id)).not.toContain(hidden.incidentId);
      expect(a.summary).not.toContain(hidden.incidentId);
    }
    // Norfolk owns the incident: REPEAT_OFFENDER from its view, with both incidents.
    const own = await hub.as('36').getPerson({ nationalPersonId: personId, justification });
    const repeat = own.flags.find((f) => f.type === FlagType.FLAG_TYPE_REPEAT_OFFENDER);
    expect(repeat?.evidence.map((e) => e.id)).toContain(hidden.incidentId);
  });

  // A person Kent sees only through Norfolk's C record (HIT_ONLY).
  const hiddenDob = { year: 1970 + rnd(25), month: rnd(12), day: rnd(28) };
  // Per run: the shared topics hold earlier runs' look-alikes (same names, other postcodes).
  const hiddenPostcode = `NR${rnd(9)} ${rnd(9)}${'ABDEFGHJLNPQRSTUWXYZ'[rnd(20) - 1]}${'ABDEFGHJLNPQRSTUWXYZ'[rnd(20) - 1]}`;
  const hiddenPhone = `+4479222${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;
  const hiddenNames = [
    { given: ['Ambrose'], family: lettersOnly(`Vantry${tag}`), type: 'NAME_TYPE_BIRTH' as never },
  ];
  // Two exact identifiers place the hit whatever one varied field says.
  const hiddenIdentifiers = [
    {
      kind: 'ONLINE_IDENTIFIER_KIND_PHONE' as never,
      platform: '',
      value: hiddenPhone,
      observedAt: undefined,
    },
    {
      kind: 'ONLINE_IDENTIFIER_KIND_EMAIL' as never,
      platform: '',
      value: `ambrose.${tag}@example.org`,
      observedAt: undefined,
    },
  ];
  let hiddenPerson = '';
  const probe = (over: Partial<PersonQuery>): PersonQuery => ({
    names: hiddenNames,
    dateOfBirth: undefined,
    sex: 'SEX_UNSPECIFIED' as never,
    identifiers: [],
    onlineIdentifiers: hiddenIdentifiers,
    addresses: [],
    ...over,
  });

  it('the oracle: a HIT_ONLY answer is the same whether date of birth, postcode or sex match the hidden record or not', async () => {
    const nf = await norfolk.client.submitPerson(
      personRecord({
        sourceRecordId: `nf-oracle-${tag}`,
        names: hiddenNames,
        dateOfBirth: hiddenDob,
        sex: 'SEX_MALE' as never,
        onlineIdentifiers: hiddenIdentifiers,
        addresses: [{ line: '3 Elm Hill', town: 'Norwich', postcode: hiddenPostcode }],
        handling: covertHandling(),
      }),
    );
    hiddenPerson = await personOf([['36', nf.nominalId]]);
    const asKent = hub.as('46');
    // A day out: a mismatch the two identifiers still carry to a link band. (A date years
    // out, or the other sex, takes the hit away: the one bit, bounded by the probe rate.)
    const wrongDob = { ...hiddenDob, day: (hiddenDob.day % 28) + 1 };
    const variants: PersonQuery[] = [
      probe({}),
      probe({ dateOfBirth: hiddenDob }),
      probe({ dateOfBirth: wrongDob }),
      probe({ addresses: [{ line: '', town: '', postcode: hiddenPostcode }] }),
      probe({ addresses: [{ line: '', town: '', postcode: 'CT1 2AB' }] }),
      probe({ sex: 'SEX_MALE' as never }),
      probe({ sex: 'SEX_FEMALE' as never }),
      probe({
        dateOfBirth: hiddenDob,
        sex: 'SEX_MALE' as never,
        addresses: [{ line: '', town: '', postcode: hiddenPostcode }],
      }),
    ];
    const answers: string[] = [];
    const returned: number[] = [];
    for (const [n, v] of variants.entries()) {
      // Room for earlier runs' look-alikes: hit-only answers are ordered by person id.
      const res = await asKent.checkPerson({ person: v, justification, maxResults: 50 });
      const m = matchOf(res, hiddenPerson);
      if (!m) continue; // the one bit a query still learns (docs/security.md)
      returned.push(n);
      expect(m.holdings.map((h) => h.disclosure)).toEqual([Disclosure.DISCLOSURE_HIT_ONLY]);
      // Its answer, and its place: after every scored match (hit-only answers are ordered
      // by person id). Other persons the varied field finds (records Kent may see, or other
      // hidden records: a bit about each) are no part of this person's answer.
      const first = res.matches.findIndex((x) =>
        x.holdings.every((h) => h.disclosure === Disclosure.DISCLOSURE_HIT_ONLY),
      );
      expect(res.matches.slice(first).every((x) => x.score === 0)).toBe(true);
      expect(res.matches.indexOf(m)).toBeGreaterThanOrEqual(first);
      answers.push(JSON.stringify(m));
    }
    // Enough to compare: for at least two of the three fields, the hit came back both when the
    // field agreed with the hidden record and when it did not.
    const pairs = [
      [1, 2],
      [3, 4],
      [5, 6],
    ].filter(([a, b]) => returned.includes(a!) && returned.includes(b!));
    expect(pairs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(answers).size).toBe(1);
  });

  it('GetPerson of a C-only person carries no createdAt (no timestamp) for other forces', async () => {
    expect(hiddenPerson).not.toBe('');
    const got = await hub.as('46').getPerson({ nationalPersonId: hiddenPerson, justification });
    expect(got.holdings.map((h) => h.disclosure)).toEqual([Disclosure.DISCLOSURE_HIT_ONLY]);
    expect(got.createdAt).toBeFalsy();
    expect(got.flags.every((f) => !f.raisedAt)).toBe(true);
    expect(got.incidents).toEqual([]);
    // Its owner still sees when it was created.
    const own = await hub.as('36').getPerson({ nationalPersonId: hiddenPerson, justification });
    expect(own.createdAt).toBeTruthy();
  });

  it('probes beyond the rate get no hit-only answers, and each withheld answer is audited', async () => {
    expect(hiddenPerson).not.toBe('');
    // The Met: its own system's bucket. A few probes get the hit, then it is withheld.
    const asMet = hub.as('01');
    const seen: boolean[] = [];
    const refs: string[] = [];
    for (let i = 0; i < BURST + 4; i++) {
      const res = await asMet.checkPerson({ person: probe({}), justification, maxResults: 5 });
      seen.push(matchOf(res, hiddenPerson) !== undefined);
      refs.push(res.auditRef);
    }
    expect(seen[0]).toBe(true);
    // Beyond the burst (the Met used at most two probes before), every answer withholds it.
    expect(seen.slice(BURST)).toEqual([false, false, false, false]);
    const { rows } = await db.query<{ response: Record<string, unknown> }>(
      `SELECT response FROM audit_log WHERE seq = $1`,
      [refs[refs.length - 1]],
    );
    const withheld = JSON.stringify(rows[0]?.response);
    expect(withheld).toContain('rate');
    expect(withheld).toContain(hiddenPerson);
    // Norfolk, the owner, was still told of the interest.
    const interest = await alertsTo('36', hiddenPerson);
    expect(interest.some((a) => a.summary.includes('Force 01'))).toBe(true);
  });
});
