import { randomUUID } from 'node:crypto';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { IntakeClient, makeTestPki, personRecord } from '@intel/testing';
import { ForceNodeHarness } from './force-node.harness';

// Mutual TLS on a real node process: only callers with a certificate from our CA get in.
describe('force node caller identity (integration: mutual TLS)', () => {
  const pki = makeTestPki();
  const rogue = makeTestPki('rogue-ca');
  const h = new ForceNodeHarness('36', {
    GRPC_INSECURE_PLAINTEXT: 'false',
    GRPC_TLS_CA: pki.caCert,
    GRPC_TLS_CERT: pki.serverCert,
    GRPC_TLS_KEY: pki.serverKey,
  });
  const clients: IntakeClient[] = [];
  const client = (creds: ReturnType<typeof credentials.createSsl>) => {
    const c = new IntakeClient(h.node.grpcAddress, creds);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await h.stop();
  });

  it('accepts a caller whose client certificate our CA signed, and logs it as that system', async () => {
    const id = pki.client('norfolk-custody', '36');
    const c = client(
      credentials.createSsl(pki.read(pki.caCert), pki.read(id.key), pki.read(id.cert)),
    );
    const res = await c.submitPerson(
      personRecord({
        sourceRecordId: `tls-${randomUUID()}`,
        names: [
          {
            given: ['Tia'],
            family: `Tls${randomUUID().slice(0, 6)}`,
            type: 'NAME_TYPE_BIRTH' as never,
          },
        ],
      }),
    );
    expect(res.outcome).toBe('SUBMIT_OUTCOME_CREATED');
  });

  it('refuses a caller without a client certificate', async () => {
    const c = client(credentials.createSsl(pki.read(pki.caCert)));
    const err = (await c
      .submitPerson(personRecord({ sourceRecordId: `tls-${randomUUID()}` }))
      .catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.UNAVAILABLE);
  });

  it('refuses a caller whose certificate another CA signed', async () => {
    const id = rogue.client('impostor', '36');
    const c = client(
      credentials.createSsl(pki.read(pki.caCert), rogue.read(id.key), rogue.read(id.cert)),
    );
    const err = (await c
      .submitPerson(personRecord({ sourceRecordId: `tls-${randomUUID()}` }))
      .catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.UNAVAILABLE);
  });
});
