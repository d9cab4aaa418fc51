import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { IntakeClient, makeTestPki, personRecord, type TestPki } from '@intel/testing';
import { ForceNodeHarness } from './force-node.harness';

// docs/runbook.md "Certificate and key rotation": a new server certificate, and a move to a new
// CA through a bundle holding both, on a real node process restarted at each step.
describe('force node certificate and CA rotation (integration: mutual TLS)', () => {
  const oldCa = makeTestPki('old-ca');
  const newCa = makeTestPki('new-ca');
  const bundle = join(newCa.dir, 'both-cas.crt');
  writeFileSync(bundle, Buffer.concat([oldCa.read(oldCa.caCert), newCa.read(newCa.caCert)]));
  const tls: Record<string, string> = {
    GRPC_INSECURE_PLAINTEXT: 'false',
    GRPC_TLS_CA: oldCa.caCert,
    GRPC_TLS_CERT: oldCa.serverCert,
    GRPC_TLS_KEY: oldCa.serverKey,
  };
  const h = new ForceNodeHarness('36', tls);
  const clients: IntakeClient[] = [];

  /**
   * Submits one record as a system whose certificate `issuer` signed, trusting `trust`: 'in'
   * when the node answered (the record was taken), else the call's status code.
   */
  async function submitAs(issuer: TestPki, trust: Buffer): Promise<'in' | number> {
    const id = issuer.client('norfolk-custody', '36');
    const c = new IntakeClient(
      h.node.grpcAddress,
      credentials.createSsl(trust, issuer.read(id.key), issuer.read(id.cert)),
    );
    clients.push(c);
    return c
      .submitPerson(personRecord({ sourceRecordId: `rot-${randomUUID()}` }))
      .then((r) => {
        expect(r.outcome).toMatch(/^SUBMIT_OUTCOME_(CREATED|MERGED|UPDATED)$/);
        return 'in' as const;
      })
      .catch((e: unknown) => (e as ServiceError).code);
  }
  async function restartWith(env: Record<string, string>): Promise<void> {
    await h.node.stop();
    Object.assign(tls, env);
    await h.start();
  }

  beforeAll(() => h.start());
  afterAll(async () => {
    for (const c of clients) c.close();
    await h.stop();
  });

  it('moves from the old CA to the new one without refusing a caller that holds either, then drops the old', async () => {
    const both = Buffer.concat([oldCa.read(oldCa.caCert), newCa.read(newCa.caCert)]);
    expect(await submitAs(oldCa, oldCa.read(oldCa.caCert))).toBe('in');
    // Before the move, a caller already given a certificate by the new CA is refused.
    expect(await submitAs(newCa, both)).toBe(status.UNAVAILABLE);

    // 1. Every service trusts both CAs (same server certificate).
    await restartWith({ GRPC_TLS_CA: bundle });
    expect(await submitAs(oldCa, both)).toBe('in');
    expect(await submitAs(newCa, both)).toBe('in');

    // 2. Certificates are re-issued by the new CA, the server's included.
    await restartWith({ GRPC_TLS_CERT: newCa.serverCert, GRPC_TLS_KEY: newCa.serverKey });
    expect(await submitAs(newCa, newCa.read(newCa.caCert))).toBe('in');
    // A caller not yet moved still gets in, as long as it trusts the new CA too.
    expect(await submitAs(oldCa, both)).toBe('in');

    // 3. The old CA is removed: its certificates no longer get in.
    await restartWith({ GRPC_TLS_CA: newCa.caCert });
    expect(await submitAs(newCa, newCa.read(newCa.caCert))).toBe('in');
    expect(await submitAs(oldCa, both)).toBe(status.UNAVAILABLE);
  });
});
