import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { credentials, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { logLevel } from 'kafkajs';
import {
  HitKind,
  OnlineIdentifierKind,
  PurposeCode,
  type HitNotice,
  type OnlineIdentifier,
} from '@intel/contracts';
import { parseDeconflictionKeys } from '@intel/config';
import { dropDatabase } from '@intel/db';
import { DeconflictionClient, QueryClient } from '@intel/grpc';
import { ADMIN_PRINCIPAL, HUB_PRINCIPAL, createKafka } from '@intel/kafka';
import {
  incidentRecord,
  makeTestPki,
  readTopic,
  serviceDatabase,
  startService,
  testEventKeys,
  testInfra,
  testKafka,
  testKafkaEnv,
  uniqueDbName,
  waitFor,
  type RunningNode,
} from '@intel/testing';
import { ForceNodeHarness } from '../../force-node/test/force-node.harness';
import { keyedDigest } from '../src/deconfliction/persona-digest';

// Covert-persona deconfliction on the real stack: Kent's force node and the hub as processes on
// the real Kafka and PostgreSQL, the hub over mutual TLS; covert units hold OU=covert-NN
// certificates, force systems OU=force-NN.
describe('covert-persona deconfliction (e2e)', () => {
  const infra = testInfra();
  const pki = makeTestPki();
  const kent = new ForceNodeHarness('46');
  const hubDb = uniqueDbName('e2e_deconf');
  const hubDatabase = serviceDatabase(hubDb, infra.databaseUrl);
  let hub: RunningNode;
  const closers: Array<{ close(): void }> = [];
  const tls = (id: { cert: string; key: string }) =>
    credentials.createSsl(pki.read(pki.caCert), pki.read(id.key), pki.read(id.cert));
  const covert = (unit: string, force: string) => {
    const c = new DeconflictionClient(hub.grpcAddress, tls(pki.covertUnit(unit, force)));
    closers.push(c);
    return c;
  };
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Covert online deployment: deconfliction of the officer persona',
    operationRef: 'OP-KESTREL',
  };
  const PERSONA = 'Sk8rGirl_13';
  const kik = (value: string): OnlineIdentifier => ({
    kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME,
    platform: 'kik',
    value,
    observedAt: undefined,
  });
  const tag = randomUUID().slice(0, 8);
  let norfolkUc: DeconflictionClient;
  let kentUc: DeconflictionClient;
  let kentOfficer: QueryClient;

  /** Collects a stream's notices; resolves `until` once one satisfies it. */
  function collect(stream: ClientReadableStream<HitNotice>) {
    const seen: HitNotice[] = [];
    stream.on('data', (n: HitNotice) => seen.push(n));
    stream.on('error', () => undefined);
    return {
      seen,
      until: (pred: (n: HitNotice) => boolean, what: string) =>
        waitFor(() => seen.find(pred), { timeoutMs: 60_000, what }),
      cancel: () => stream.cancel(),
    };
  }

  beforeAll(async () => {
    await kent.start();
    hub = await startService('intel-hub', {
      ...hubDatabase.env,
      ...testKafkaEnv(HUB_PRINCIPAL),
      HUB_CONSUMER_GROUP: `intel-hub-e2e-deconf-${randomUUID()}`,
      GRPC_INSECURE_PLAINTEXT: 'false',
      GRPC_TLS_CA: pki.caCert,
      GRPC_TLS_CERT: pki.serverCert,
      GRPC_TLS_KEY: pki.serverKey,
    });
    norfolkUc = covert('norfolk-covert-ops', '36');
    kentUc = covert('kent-covert-ops', '46');
    kentOfficer = new QueryClient(hub.grpcAddress, tls(pki.client('kent-crimint', '46')));
    closers.push(kentOfficer);
  });
  afterAll(async () => {
    for (const c of closers) c.close();
    await hub?.stop();
    await kent.stop();
    await dropDatabase(infra.databaseUrl, hubDb).catch(() => undefined);
  });

  it("Norfolk's persona in Kent's incident: a sealed hit to Norfolk's unit; Kent's officer sees an ordinary answer; nothing on any topic", async () => {
    const reg = await norfolkUc.registerPersona({ persona: kik(PERSONA), justification });
    const watch = collect(norfolkUc.watchHits(justification));
    // Kent names the username in another case, on the same platform, as a suspect's contact.
    await kent.client.submitIncident(
      incidentRecord({
        sourceRecordId: `kent-inc-${tag}`,
        platforms: ['kik'],
        onlineIdentifiers: [kik(PERSONA.toUpperCase())],
        summary: 'Suspect contact in a kik chat',
      }),
    );
    const hit = await watch.until(
      (n) => n.kind === HitKind.HIT_KIND_PERSONA_IN_RECORD,
      'the persona-in-record hit on WatchHits',
    );
    expect(hit).toMatchObject({
      registrationId: reg.registrationId,
      otherForce: '46',
      otherUnit: '',
    });
    // Only what the two sides need to call each other.
    expect(Object.keys(hit).sort()).toEqual(
      ['hitAt', 'hitId', 'kind', 'noticeId', 'otherForce', 'otherUnit', 'registrationId'].sort(),
    );

    // Kent's officer asks about the username: the same shape of answer as for one nobody holds.
    const asked = await kentOfficer.checkIdentifiers({
      onlineIdentifiers: [kik('sk8rgirl_13')],
      justification,
    });
    const unknown = await kentOfficer.checkIdentifiers({
      onlineIdentifiers: [kik(`nobody_${tag}`)],
      justification,
    });
    const shape = (r: typeof asked) => ({
      keys: Object.keys(r).sort(),
      results: r.results.map((x) => ({ keys: Object.keys(x).sort(), matches: x.matches })),
    });
    expect(shape(asked)).toEqual(shape(unknown));
    expect(asked.results[0]?.matches).toEqual([]);
    // …and Norfolk's unit is told a Kent system asked (never who the officer is).
    const queried = await watch.until(
      (n) => n.kind === HitKind.HIT_KIND_PERSONA_QUERIED,
      'the persona-queried hit',
    );
    expect(queried).toMatchObject({ otherForce: '46', otherUnit: 'kent-crimint' });
    await norfolkUc.acknowledgeHit({
      noticeId: hit.noticeId,
      acknowledgedBy: 'DS 4411 (covert ops)',
      justification,
    });
    watch.cancel();

    // Every topic, read as admin: no persona as registered, no digest, no deconfliction message.
    const keyFile = testEventKeys().hubEnv()['HUB_DECONFLICTION_KEYS_FILE'] as string;
    const keys = parseDeconflictionKeys(readFileSync(keyFile, 'utf8'), 'keys');
    const digests = keys.map((k) => keyedDigest(k.key, 'username:kik:sk8rgirl_13'));
    const admin = createKafka({
      ...testKafka(ADMIN_PRINCIPAL, 'e2e-deconf-admin'),
      brokers: infra.kafkaBrokers,
    });
    admin.logger().setLogLevel(logLevel.NOTHING);
    const a = admin.admin();
    await a.connect();
    const topics = (await a.listTopics()).filter((t) => !t.startsWith('__'));
    const counts = new Map<string, number>();
    for (const t of topics) {
      const offsets = await a.fetchTopicOffsets(t);
      counts.set(
        t,
        offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0),
      );
    }
    await a.disconnect();
    expect(topics.some((t) => /deconfliction|covert|persona/i.test(t))).toBe(false);
    let read = 0;
    for (const t of topics) {
      const want = counts.get(t) ?? 0;
      if (want === 0) continue;
      const msgs = await readTopic(infra.kafkaBrokers, t, {
        until: (m) => m.length >= want,
        raw: true,
        timeoutMs: 30_000,
      });
      read += msgs.length;
      for (const m of msgs) {
        const bytes = Buffer.concat([
          Buffer.from(m.key),
          m.value ?? Buffer.alloc(0),
          Buffer.from(JSON.stringify(m.headers)),
        ]);
        expect(bytes.includes(PERSONA)).toBe(false);
        expect(bytes.toString('latin1')).not.toMatch(/deconfliction|HIT_KIND_/i);
        for (const d of digests) {
          expect(bytes.includes(d)).toBe(false);
          expect(bytes.includes(d.toString('hex'))).toBe(false);
          expect(bytes.includes(d.toString('base64'))).toBe(false);
        }
      }
    }
    // Kent's incident itself travelled (the check read something real).
    expect(read).toBeGreaterThan(0);
  });

  it('a force system is refused the service; a covert certificate is refused IntelQuery', async () => {
    const forceSystem = new DeconflictionClient(
      hub.grpcAddress,
      tls(pki.client('norfolk-custody', '36')),
    );
    closers.push(forceSystem);
    await expect(
      forceSystem.registerPersona({ persona: kik(PERSONA), justification }),
    ).rejects.toMatchObject({ code: status.PERMISSION_DENIED } satisfies Partial<ServiceError>);
    const asQuery = new QueryClient(
      hub.grpcAddress,
      tls(pki.covertUnit('norfolk-covert-ops', '36')),
    );
    closers.push(asQuery);
    await expect(
      asQuery.checkIdentifiers({ onlineIdentifiers: [kik(PERSONA)], justification }),
    ).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
  });

  it("two forces' operations register the same national person: both units are told", async () => {
    const person = randomUUID();
    const norfolkWatch = collect(norfolkUc.watchHits(justification));
    const kentWatch = collect(kentUc.watchHits(justification));
    const n = await norfolkUc.registerTarget({
      operationRef: 'OP-N-1',
      nationalPersonId: person,
      identifiers: [],
      justification,
    });
    const k = await kentUc.registerTarget({
      operationRef: 'OP-K-7',
      nationalPersonId: person,
      identifiers: [],
      justification,
    });
    const shared = (n: HitNotice) => n.kind === HitKind.HIT_KIND_SHARED_TARGET;
    const toNorfolk = await norfolkWatch.until(shared, "Norfolk's shared-target notice");
    const toKent = await kentWatch.until(shared, "Kent's shared-target notice");
    expect(toNorfolk).toMatchObject({
      registrationId: n.registrationId,
      otherForce: '46',
      otherUnit: 'kent-covert-ops',
    });
    expect(toKent).toMatchObject({
      registrationId: k.registrationId,
      otherForce: '36',
      otherUnit: 'norfolk-covert-ops',
      hitId: toNorfolk.hitId,
    });
    norfolkWatch.cancel();
    kentWatch.cancel();
  });
});
