import { randomUUID } from 'node:crypto';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { NameType, PurposeCode, Sex, type CheckPersonCall } from '@intel/contracts';
import { QueryClient } from '@intel/grpc';
import { HUB_PRINCIPAL } from '@intel/kafka';
import { dropDatabase } from '@intel/db';
import {
  makeTestPki,
  serviceDatabase,
  startService,
  testInfra,
  testKafkaEnv,
  uniqueDbName,
  type RunningNode,
} from '@intel/testing';

const request: CheckPersonCall = {
  person: {
    names: [
      {
        given: ['Identity'],
        family: `Probe${randomUUID().slice(0, 6)}`,
        type: NameType.NAME_TYPE_BIRTH,
      },
    ],
    dateOfBirth: undefined,
    sex: Sex.SEX_UNSPECIFIED,
    identifiers: [],
    onlineIdentifiers: [],
    addresses: [],
  },
  justification: {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'identity test: who may ask the hub',
    operationRef: '',
  },
  maxResults: 1,
};

async function outcome(p: Promise<unknown>): Promise<status> {
  return p.then(
    () => status.OK,
    (e: ServiceError) => e.code,
  );
}

/** A hub process of its own (fresh database, fresh consumer group) with these gRPC settings. */
function hubProcess(grpcEnv: Record<string, string>) {
  const infra = testInfra();
  const dbName = uniqueDbName('it_hub_id');
  let hub: RunningNode | undefined;
  return {
    async start(): Promise<RunningNode> {
      hub = await startService(
        'intel-hub',
        {
          ...serviceDatabase(dbName, infra.databaseUrl).env,
          ...testKafkaEnv(HUB_PRINCIPAL),
          HUB_CONSUMER_GROUP: `intel-hub-it-identity-${randomUUID()}`,
          HUB_BATCH_SIZE: '2000',
          HUB_REFERENCE_PERSONS: '1000',
          ...grpcEnv,
        },
        { timeoutMs: 180_000 },
      );
      return hub;
    },
    async stop(): Promise<void> {
      await hub?.stop();
      await dropDatabase(infra.databaseUrl, dbName).catch(() => undefined);
    },
  };
}

// The hub answers any force, as itself: only a known PNC force code from the certificate's OU
// names it; there is no fallback to O= (or anything else).
describe('hub caller identity (integration: mutual TLS)', () => {
  const pki = makeTestPki();
  const proc = hubProcess({
    GRPC_INSECURE_PLAINTEXT: 'false',
    GRPC_TLS_CA: pki.caCert,
    GRPC_TLS_CERT: pki.serverCert,
    GRPC_TLS_KEY: pki.serverKey,
  });
  let hub: RunningNode;
  const clients: QueryClient[] = [];
  const as = (subject: string) => {
    const id = pki.clientWithSubject(subject);
    const c = new QueryClient(
      hub.grpcAddress,
      credentials.createSsl(pki.read(pki.caCert), pki.read(id.key), pki.read(id.cert)),
    );
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    hub = await proc.start();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await proc.stop();
  });

  it('refuses a certificate naming an unknown force (OU=force-99)', async () => {
    const c = as('/OU=force-99/CN=rogue-system');
    expect(await outcome(c.checkPerson(request))).toBe(status.UNAUTHENTICATED);
  });

  it('refuses a certificate naming its force only by O=36 (no OU)', async () => {
    const c = as('/O=36/CN=norfolk-intel-unit');
    expect(await outcome(c.checkPerson(request))).toBe(status.UNAUTHENTICATED);
  });

  it('refuses a certificate whose OU names an unknown code even with a known O', async () => {
    const c = as('/O=36/OU=force-00/CN=norfolk-intel-unit');
    expect(await outcome(c.checkPerson(request))).toBe(status.UNAUTHENTICATED);
  });

  it('answers a certificate naming a known force (OU=force-36)', async () => {
    const c = as('/OU=force-36/CN=norfolk-intel-unit');
    expect(await outcome(c.checkPerson(request))).not.toBe(status.UNAUTHENTICATED);
  });
});

describe('hub caller identity (integration: plaintext development mode)', () => {
  const proc = hubProcess({ GRPC_INSECURE_PLAINTEXT: 'true' });
  let hub: RunningNode;
  const clients: QueryClient[] = [];
  const as = (devForce: string) => {
    const c = new QueryClient(hub.grpcAddress, undefined, { devForce });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    hub = await proc.start();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await proc.stop();
  });

  it.each(['99', '00', '3', '036', 'force-36'])(
    'refuses x-dev-force %j (not a known PNC force code)',
    async (code) => {
      expect(await outcome(as(code).checkPerson(request))).toBe(status.UNAUTHENTICATED);
    },
  );

  it('answers x-dev-force 36', async () => {
    expect(await outcome(as('36').checkPerson(request))).not.toBe(status.UNAUTHENTICATED);
  });
});
