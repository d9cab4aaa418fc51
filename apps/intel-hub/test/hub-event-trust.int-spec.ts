import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  DeadLetter,
  Disclosure,
  EventEnvelope,
  EventType,
  FlagType,
  HandlingCode,
  IncidentState,
  NameType,
  NominalState,
  Sex,
  timestampFromDate,
  type PersonQuery,
} from '@intel/contracts';
import { dropDatabase, withDatabase } from '@intel/db';
import {
  generateSigningKeyPair,
  makeSigner,
  protectRecord,
  type ForceEventKeys,
} from '@intel/envelope-security';
import { QueryClient } from '@intel/grpc';
import {
  HEADER_EVENT_ID,
  HEADER_EVENT_TYPE,
  HEADER_SCHEMA_VERSION,
  HUB_GROUP_PREFIX,
  HUB_PRINCIPAL,
  SCHEMA_VERSION,
  TOPICS,
  entityKey,
  forcePrincipal,
} from '@intel/kafka';
import {
  IntakeClient,
  forceProducer,
  handlingP,
  incidentRecord,
  personRecord,
  readTopic,
  serviceDatabase,
  startService,
  testEventKeys,
  testInfra,
  testKafkaEnv,
  uniqueDbName,
  waitFor,
  type RunningNode,
} from '@intel/testing';
import type { Producer } from 'kafkajs';

// Issue #11, findings 2 and 3 (the event half) and the hub's limits: real PostgreSQL, a real
// broker with authentication and ACLs, a real force node (Norfolk, 36) and the hub as processes.
// The ACLs let every force write the shared person and incident topics, so a forger is played by
// another force's principal (Kent, 46) with a raw kafkajs producer; a broken or stolen Norfolk
// producer by Norfolk's own principal; anyone reading the topics by a raw consumer.
describe('events bound to their force (integration: real Postgres + Kafka)', () => {
  const infra = testInfra();
  const hubDb = uniqueDbName('it_trust_hub');
  const forceDb = uniqueDbName('it_trust_36');
  const group = `${HUB_GROUP_PREFIX}-it-trust-${randomUUID()}`;
  const hubDatabase = serviceDatabase(hubDb, infra.databaseUrl);
  const forceDatabase = serviceDatabase(forceDb, infra.databaseUrl);
  const keys = testEventKeys();
  let hub: RunningNode;
  let norfolk: RunningNode;
  let intake: IntakeClient;
  let asMet: QueryClient;
  let asNorfolk: QueryClient;
  let db: Client;
  /** Kent's principal, forging other forces' events; Norfolk's, publishing with its own key. */
  let asKent: Producer;
  let asNorfolkProducer: Producer;
  const justification = {
    purposeCode: 'PURPOSE_CODE_PREVENTING_OFFENCES' as never,
    reason: 'Integration test of forged and sealed events',
    operationRef: '',
  };

  /** A person of its own: the node would merge look-alike records (same name and birth date). */
  function person(sourceRecordId: string, given = 'Test') {
    const letters = randomUUID()
      .replace(/[^a-f]/g, '')
      .slice(0, 10);
    return personRecord({
      sourceRecordId,
      names: [{ given: [given], family: `Trust${letters}`, type: 'NAME_TYPE_BIRTH' as never }],
      dateOfBirth: undefined,
    });
  }

  beforeAll(async () => {
    hub = await startService('intel-hub', {
      ...hubDatabase.env,
      ...testKafkaEnv(HUB_PRINCIPAL),
      HUB_CONSUMER_GROUP: group,
      HUB_BATCH_SIZE: '2000',
      HUB_CONSUMER_CONCURRENCY: '6',
      HUB_QUERY_ALERT_QUIET_MS: '0',
      GRPC_INSECURE_PLAINTEXT: 'true',
    });
    norfolk = await startService('force-node', {
      FORCE_CODE: '36',
      ...forceDatabase.env,
      ...testKafkaEnv(forcePrincipal('36')),
      GRPC_INSECURE_PLAINTEXT: 'true',
      OUTBOX_POLL_MS: '20',
    });
    intake = new IntakeClient(norfolk.grpcAddress, undefined, { devForce: '36' });
    asMet = new QueryClient(hub.grpcAddress, undefined, { devForce: '01' });
    asNorfolk = new QueryClient(hub.grpcAddress, undefined, { devForce: '36' });
    db = new Client({ connectionString: withDatabase(infra.databaseUrl, hubDb) });
    await db.connect();
    const producerAs = (force: string) => forceProducer(force, `it-trust-${force}`);
    asKent = await producerAs('46');
    asNorfolkProducer = await producerAs('36');
    // Catch up with the shared topics' backlog: a genuine marker from Norfolk is applied.
    const marker = await intake.submitPerson(person(`m-${randomUUID()}`));
    await storedVersion('36', marker.nominalId, 1, 120_000);
  });

  afterAll(async () => {
    intake?.close();
    asMet?.close();
    asNorfolk?.close();
    await asKent?.disconnect();
    await asNorfolkProducer?.disconnect();
    await db?.end();
    await norfolk?.stop();
    await hub?.stop();
    await dropDatabase(infra.databaseUrl, hubDb).catch(() => undefined);
    await dropDatabase(infra.databaseUrl, forceDb).catch(() => undefined);
  });

  async function row(force: string, id: string) {
    const r = await db.query<{ version: string; state: Buffer | null; withdrawn_at: Date | null }>(
      'SELECT version, state, withdrawn_at FROM force_nominal WHERE force_code = $1 AND nominal_id = $2',
      [force, id],
    );
    return r.rows[0];
  }

  async function storedVersion(force: string, id: string, version: number, timeoutMs = 30_000) {
    await waitFor(async () => (await row(force, id))?.version === String(version), {
      timeoutMs,
      what: `${force}:${id} stored at version ${version}`,
    });
  }

  async function metric(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) && l.includes(labels))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  }

  /** A record exactly as a force node would publish it, signed with `keys`. */
  function event(
    force: string,
    eventType: EventType,
    id: string,
    payload: Pick<EventEnvelope, 'nominal' | 'incident' | 'withdrawal'>,
    signWith: ForceEventKeys,
  ) {
    const eventId = randomUUID();
    const env: EventEnvelope = {
      eventId,
      eventType,
      forceCode: force,
      occurredAt: timestampFromDate(new Date()),
      schemaVersion: SCHEMA_VERSION,
      sealed: undefined,
      ...payload,
    };
    return protectRecord(
      {
        topic: eventType.startsWith('EVENT_TYPE_INCIDENT') ? TOPICS.incident : TOPICS.person,
        key: entityKey(force, id),
        value: Buffer.from(EventEnvelope.encode(env).finish()),
        headers: {
          [HEADER_EVENT_ID]: eventId,
          [HEADER_EVENT_TYPE]: eventType,
          [HEADER_SCHEMA_VERSION]: String(SCHEMA_VERSION),
        },
      },
      signWith,
    );
  }

  /** Signed with a key that is not the force's own (what an attacker holds). */
  function attackerKeys(force: string): ForceEventKeys {
    return {
      signer: makeSigner(force, 'test', generateSigningKeyPair().privateKeyPem),
      hub: keys.forceKeys(force).hub,
    };
  }

  /** Sent by Kent's principal (a forger), or by Norfolk's own (`asNorfolk`). */
  async function send(
    msg: { topic: string; key: string; value: Buffer | null; headers: Record<string, string> },
    from: 'kent' | 'norfolk' = 'kent',
  ) {
    const p = from === 'kent' ? asKent : asNorfolkProducer;
    await p.send({ topic: msg.topic, acks: -1, messages: [msg] });
  }

  async function deadLetter(key: string): Promise<DeadLetter> {
    const msgs = await readTopic(infra.kafkaBrokers, TOPICS.dlq, {
      keyPrefix: key,
      until: (m) => m.length > 0,
      raw: true,
    });
    const letters = msgs
      .map((m) => DeadLetter.decode(m.value as Buffer))
      .filter((d) => d.consumerGroup === group && Buffer.from(d.key).toString() === key);
    if (letters.length === 0) throw new Error(`no dead letter for ${key}`);
    return letters[0] as DeadLetter;
  }

  async function waitDeadLetter(key: string): Promise<DeadLetter> {
    return waitFor(() => deadLetter(key).catch(() => undefined), {
      timeoutMs: 30_000,
      what: `a dead letter for ${key}`,
    });
  }

  const registered = (
    force: string,
    id: string,
    version: number,
    family: string,
  ): NominalState => ({
    ...NominalState.decode(new Uint8Array()),
    nominalId: id,
    version,
    names: [{ given: ['Forged'], family, type: NameType.NAME_TYPE_BIRTH }],
    datesOfBirth: [{ year: 1970, month: 1, day: 1 }],
    sex: Sex.SEX_MALE,
    registrations: [
      {
        active: true,
        managingForce: force,
        startDate: undefined,
        endDate: undefined,
        visorRef: '',
      },
    ],
    handling: handlingP(),
  });

  it('a forged Met record (another key, or none) goes to the DLQ with the reason: never applied, no alert', async () => {
    const id = randomUUID();
    const family = `Forgery${randomUUID().slice(0, 8)}`;
    const before = await metric('hub_events_dead_lettered_total', 'reason="bad-signature"');
    const forged = event(
      '01',
      EventType.EVENT_TYPE_NOMINAL_UPSERTED,
      id,
      { nominal: registered('01', id, 1, family) },
      attackerKeys('01'),
    );
    await send(forged);
    const letter = await waitDeadLetter(forged.key);
    expect(letter.error).toMatch(/^bad-signature: /);
    expect(Buffer.from(letter.value).equals(forged.value as Buffer)).toBe(true);
    expect(letter.headers['intel-signer']).toBe('01');
    await waitFor(
      async () =>
        (await metric('hub_events_dead_lettered_total', 'reason="bad-signature"')) > before,
      { what: 'the refusal to be counted' },
    );
    // Unsigned, as anyone with a producer would write it today.
    const unsignedId = randomUUID();
    const unsigned = event(
      '01',
      EventType.EVENT_TYPE_NOMINAL_UPSERTED,
      unsignedId,
      { nominal: registered('01', unsignedId, 1, family) },
      attackerKeys('01'),
    );
    await send({ ...unsigned, headers: { [HEADER_EVENT_ID]: unsigned.headers[HEADER_EVENT_ID]! } });
    expect((await waitDeadLetter(unsigned.key)).error).toMatch(/^unsigned: /);

    // A genuine Norfolk event after them is applied: the forgeries were consumed and refused.
    const after = await intake.submitPerson(person(`a-${randomUUID()}`));
    await storedVersion('36', after.nominalId, 1);
    expect(await row('01', id)).toBeUndefined();
    expect(await row('01', unsignedId)).toBeUndefined();
    const alerts = await db.query(`SELECT 1 FROM alert WHERE position($1::bytea in payload) > 0`, [
      Buffer.from(id),
    ]);
    expect(alerts.rowCount).toBe(0);
    // Logged without content: where and why, never the forged names.
    expect(hub.logs.some((l) => l.includes('dead-lettered') && l.includes(forged.key))).toBe(true);
    expect(hub.logs.some((l) => l.includes(family))).toBe(false);
  });

  it('a forged withdrawal at version 2^53-1 is refused, and the genuine record keeps updating', async () => {
    const src = `w-${randomUUID()}`;
    const original = person(src);
    const first = await intake.submitPerson(original);
    const id = first.nominalId;
    await storedVersion('36', id, 1);
    const forged = event(
      '36',
      EventType.EVENT_TYPE_NOMINAL_WITHDRAWN,
      id,
      {
        withdrawal: {
          entity: 'nominal',
          id,
          version: Number.MAX_SAFE_INTEGER,
          reason: 'forged',
          mergedInto: '',
        },
      },
      attackerKeys('36'),
    );
    await send(forged);
    expect((await waitDeadLetter(forged.key)).error).toMatch(/^bad-signature: /);
    // Even Norfolk's own key cannot jump the version absurdly (a broken or stolen producer).
    const jump = event(
      '36',
      EventType.EVENT_TYPE_NOMINAL_WITHDRAWN,
      id,
      { withdrawal: { entity: 'nominal', id, version: 2 ** 40, reason: 'x', mergedInto: '' } },
      keys.forceKeys('36'),
    );
    await send(jump, 'norfolk');
    await waitFor(
      async () =>
        (
          await readTopic(infra.kafkaBrokers, TOPICS.dlq, {
            keyPrefix: jump.key,
            until: () => false,
            timeoutMs: 3000,
            raw: true,
          })
        )
          .map((m) => DeadLetter.decode(m.value as Buffer))
          .some((d) => d.consumerGroup === group && d.error.startsWith('version-jump')),
      { timeoutMs: 30_000, what: 'the version jump to be dead-lettered' },
    );
    const stepped = event(
      '36',
      EventType.EVENT_TYPE_NOMINAL_WITHDRAWN,
      id,
      { withdrawal: { entity: 'nominal', id, version: 100_002, reason: 'x', mergedInto: '' } },
      keys.forceKeys('36'),
    );
    await send(stepped, 'norfolk');
    await waitFor(
      async () =>
        (
          await readTopic(infra.kafkaBrokers, TOPICS.dlq, {
            keyPrefix: stepped.key,
            until: () => false,
            timeoutMs: 3000,
            raw: true,
          })
        )
          .map((m) => DeadLetter.decode(m.value as Buffer))
          .some((d) => d.consumerGroup === group && d.error.includes('more than 100000 past')),
      { timeoutMs: 30_000, what: 'the step beyond HUB_MAX_VERSION_STEP to be dead-lettered' },
    );
    // The genuine update still applies: version 2, not withdrawn.
    const updated = await intake.submitPerson({
      ...original,
      names: [{ ...original.names[0]!, given: ['Updated'] }],
    });
    expect(updated.version).toBe(2);
    await storedVersion('36', id, 2);
    const r = await row('36', id);
    expect(r?.withdrawn_at).toBeNull();
    expect(NominalState.decode(r!.state!).names[0]?.given).toEqual(['Updated']);
  });

  it('a replayed genuine event changes nothing (same event id, or an older version)', async () => {
    const src = `r-${randomUUID()}`;
    const original = person(src);
    const v1 = await intake.submitPerson(original);
    await intake.submitPerson({
      ...original,
      names: [{ ...original.names[0]!, given: ['Later'] }],
    });
    const key = entityKey('36', v1.nominalId);
    await storedVersion('36', v1.nominalId, 2);
    const genuine = await readTopic(infra.kafkaBrokers, TOPICS.person, {
      keyPrefix: key,
      until: (m) => m.length >= 2,
      raw: true,
    });
    expect(genuine).toHaveLength(2);
    const dup = await metric('hub_events_skipped_total', 'reason="duplicate"');
    const stale = await metric('hub_events_skipped_total', 'reason="stale"');
    for (const m of genuine)
      await send({ topic: TOPICS.person, key: m.key, value: m.value, headers: m.headers });
    await waitFor(
      async () => (await metric('hub_events_skipped_total', 'reason="duplicate"')) >= dup + 2,
      { what: 'both replays to be skipped as duplicates' },
    );
    expect(await metric('hub_events_skipped_total', 'reason="stale"')).toBe(stale);
    const r = await row('36', v1.nominalId);
    expect(r?.version).toBe('2');
    expect(NominalState.decode(r!.state!).names[0]?.given).toEqual(['Later']);
    // The genuine v1 content under a new event id needs a new signature: it is refused.
    const v1Env = EventEnvelope.decode(genuine[0]!.value as Buffer);
    const reissued = { ...v1Env, eventId: randomUUID() };
    const sent = {
      topic: TOPICS.person,
      key,
      value: Buffer.from(EventEnvelope.encode(reissued).finish()),
      headers: { ...genuine[0]!.headers, [HEADER_EVENT_ID]: reissued.eventId },
    };
    await send(sent);
    expect((await waitDeadLetter(key)).error).toMatch(/^bad-signature: /);
    expect((await row('36', v1.nominalId))?.version).toBe('2');
  });

  it("an event beyond the intake's limits goes to the DLQ, even signed by its force", async () => {
    const id = randomUUID();
    const big = event(
      '36',
      EventType.EVENT_TYPE_NOMINAL_UPSERTED,
      id,
      {
        nominal: {
          ...registered('36', id, 1, 'Smith'),
          names: Array.from({ length: 21 }, (_, i) => ({
            given: ['A'],
            family: `Name${i}`,
            type: NameType.NAME_TYPE_ALIAS,
          })),
        },
      },
      keys.forceKeys('36'),
    );
    await send(big, 'norfolk');
    const letter = await waitDeadLetter(big.key);
    expect(letter.error).toMatch(
      /^beyond-limits: nominal beyond the intake's limits: names: at most 20 entries/,
    );
    const incidentId = randomUUID();
    const longSummary = event(
      '36',
      EventType.EVENT_TYPE_INCIDENT_UPSERTED,
      incidentId,
      {
        incident: {
          ...IncidentState.decode(new Uint8Array()),
          incidentId,
          version: 1,
          summary: 'x'.repeat(2001),
        },
      },
      keys.forceKeys('36'),
    );
    await send(longSummary, 'norfolk');
    expect((await waitDeadLetter(longSummary.key)).error).toMatch(
      /summary: at most 2000 characters/,
    );
    expect(await row('36', id)).toBeUndefined();
    const inc = await db.query(
      'SELECT 1 FROM force_incident WHERE force_code = $1 AND incident_id = $2',
      ['36', incidentId],
    );
    expect(inc.rowCount).toBe(0);
  });

  it('a handling-code-C record and incident travel sealed: nothing of them in clear on the bus, and the hub still matches and flags them', async () => {
    const t = randomUUID().replace(/-/g, '');
    const letters = t.replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)] ?? '');
    const secrets = {
      given: `Zebulon${letters.slice(0, 6)}`,
      family: `Quarrington${letters.slice(6, 14)}`,
      dob: '1968-07-23',
      phone: `+4479111${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`,
      username: `ghost_${letters.slice(14, 24)}`,
      address: `${Math.floor(Math.random() * 900) + 100} Lantern Row ${letters.slice(0, 5)}`,
      conditions: `Covert source ${letters.slice(4, 12)}: FIB inspector only`,
      summary: `Met the child at the harbour ${letters.slice(2, 10)}`,
    };
    const handlingC = {
      ...handlingP(),
      handlingCode: HandlingCode.HANDLING_CODE_C,
      handlingConditions: secrets.conditions,
    };
    const src = `c-${t}`;
    const submitted = await intake.submitPerson(
      personRecord({
        sourceRecordId: src,
        names: [
          { given: [secrets.given], family: secrets.family, type: 'NAME_TYPE_BIRTH' as never },
        ],
        dateOfBirth: { year: 1968, month: 7, day: 23 },
        onlineIdentifiers: [
          {
            kind: 'ONLINE_IDENTIFIER_KIND_PHONE' as never,
            platform: '',
            value: secrets.phone,
            observedAt: undefined,
          },
          {
            kind: 'ONLINE_IDENTIFIER_KIND_USERNAME' as never,
            platform: 'discord',
            value: secrets.username,
            observedAt: undefined,
          },
        ],
        addresses: [{ line: secrets.address, town: 'Norwich', postcode: 'NR1 3QU' }],
        registration: {
          active: true,
          managingForce: '36',
          startDate: undefined,
          endDate: undefined,
          visorRef: '',
        },
        handling: handlingC,
      }),
    );
    const incident = await intake.submitIncident(
      incidentRecord({
        sourceRecordId: `ci-${t}`,
        summary: secrets.summary,
        subjects: [
          {
            personSourceRecordId: src,
            role: 'SUBJECT_ROLE_SUSPECT' as never,
            personSourceSystem: '',
          },
        ],
        handling: handlingC,
      }),
    );
    await storedVersion('36', submitted.nominalId, 1);
    await waitFor(
      async () =>
        (
          await db.query(
            'SELECT 1 FROM force_incident WHERE force_code = $1 AND incident_id = $2',
            ['36', incident.incidentId],
          )
        ).rowCount === 1,
      { what: 'the C incident to be stored' },
    );

    // Everything on both topics, read as anyone who can reach the broker.
    const personKey = entityKey('36', submitted.nominalId);
    const incidentKey = entityKey('36', incident.incidentId);
    const all = [
      ...(await readTopic(infra.kafkaBrokers, TOPICS.person, {
        until: (m) => m.some((x) => x.key === personKey),
        timeoutMs: 60_000,
        raw: true,
      })),
      ...(await readTopic(infra.kafkaBrokers, TOPICS.incident, {
        until: (m) => m.some((x) => x.key === incidentKey),
        timeoutMs: 60_000,
        raw: true,
      })),
    ];
    expect(all.some((m) => m.key === personKey)).toBe(true);
    expect(all.some((m) => m.key === incidentKey)).toBe(true);
    const bytes = Buffer.concat(
      all.map((m) =>
        Buffer.concat([
          Buffer.from(m.key),
          m.value ?? Buffer.alloc(0),
          Buffer.from(JSON.stringify(m.headers)),
        ]),
      ),
    );
    const phoneDigits = secrets.phone.slice(1);
    for (const secret of [
      secrets.given,
      secrets.family,
      secrets.family.toLowerCase(),
      secrets.username,
      secrets.address,
      secrets.conditions,
      secrets.summary,
      phoneDigits,
    ])
      expect({ secret, inClear: bytes.includes(Buffer.from(secret)) }).toEqual({
        secret,
        inClear: false,
      });
    // The date of birth as the PartialDate it would be encoded as (year 1968, month 7, day 23).
    const dobField = Buffer.from([0x08, 0xb0, 0x0f, 0x10, 0x07, 0x18, 0x17]);
    // (Checked on this record's own messages: a date is not unique to it on a shared topic.)
    const own = all.filter((m) => m.key === personKey || m.key === incidentKey);
    expect(own.length).toBeGreaterThanOrEqual(2);
    for (const m of own) expect((m.value ?? Buffer.alloc(0)).includes(dobField)).toBe(false);
    const sealedMsg = all.find((m) => m.key === personKey)!;
    const carried = EventEnvelope.decode(sealedMsg.value as Buffer);
    expect(carried.sealed).toBeDefined();
    expect(carried.nominal?.handling?.handlingCode).toBe(HandlingCode.HANDLING_CODE_C);

    // The hub opened it: the owner sees its record in full and flagged; the Met only a hit.
    const q: PersonQuery = {
      names: [{ given: [secrets.given], family: secrets.family, type: 'NAME_TYPE_BIRTH' as never }],
      dateOfBirth: { year: 1968, month: 7, day: 23 },
      sex: 'SEX_UNSPECIFIED' as never,
      identifiers: [],
      onlineIdentifiers: [],
      addresses: [],
    };
    const owner = await waitFor(
      async () => {
        const r = await asNorfolk.checkPerson({ person: q, justification, maxResults: 5 });
        const m = r.matches.find((x) =>
          x.holdings.some((h) => h.nominalId === submitted.nominalId),
        );
        return m && m.flags.some((f) => f.type === FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER)
          ? m
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the C record to be resolved and flagged' },
    );
    const ownHolding = owner.holdings.find((h) => h.nominalId === submitted.nominalId)!;
    expect(ownHolding.disclosure).toBe(Disclosure.DISCLOSURE_FULL);
    expect(ownHolding.details?.names[0]?.family).toBe(secrets.family);
    expect(ownHolding.details?.handling?.handlingConditions).toBe(secrets.conditions);
    const met = await asMet.checkPerson({ person: q, justification, maxResults: 5 });
    const seen = met.matches.find((m) => m.nationalPersonId === owner.nationalPersonId);
    expect(seen).toBeDefined();
    expect(seen!.holdings).toEqual([
      expect.objectContaining({
        forceCode: '36',
        disclosure: Disclosure.DISCLOSURE_HIT_ONLY,
        nominalId: '',
      }),
    ]);
    expect(seen!.holdings[0]!.details).toBeFalsy();
  });
});
