import { rmSync } from 'node:fs';
import { makeTestPki, type TestPki } from '@intel/testing';
import { Registry } from 'prom-client';
import { earliestNotAfter, registerCertificateExpiry } from './certificate-expiry';

describe('certificate expiry', () => {
  // Two throw-away CAs (libs/testing) whose certificates expire 3 and 400 days from now.
  let pkis: TestPki[] = [];
  let shortLived: string;
  let longLived: string;
  beforeAll(() => {
    const short = makeTestPki('short', { days: 3 });
    const long = makeTestPki('long', { days: 400 });
    pkis = [short, long];
    shortLived = short.read(short.caCert).toString('utf8');
    longLived = long.read(long.caCert).toString('utf8');
  });
  afterAll(() => pkis.forEach((p) => rmSync(p.dir, { recursive: true, force: true })));

  const days = (n: number) => Math.floor(Date.now() / 1000) + n * 86_400;

  it('reads when a certificate expires', () => {
    const t = earliestNotAfter(longLived)!;
    expect(Math.abs(t - days(400))).toBeLessThan(600);
  });

  it('takes the earliest expiry of a bundle, whatever its order', () => {
    expect(earliestNotAfter(longLived + shortLived)).toBe(earliestNotAfter(shortLived));
    expect(earliestNotAfter(shortLived + longLived)).toBe(earliestNotAfter(shortLived));
    expect(Math.abs(earliestNotAfter(shortLived)! - days(3))).toBeLessThan(600);
  });

  it('has nothing to say about a bundle without certificates', () => {
    expect(earliestNotAfter('not a certificate')).toBeUndefined();
  });

  it('exposes one gauge per role, with no subject in its labels', async () => {
    const registry = new Registry();
    registerCertificateExpiry(registry, {
      mode: 'mtls',
      cert: Buffer.from(longLived),
      ca: Buffer.from(shortLived),
    });
    const text = await registry.metrics();
    expect(text).toContain(
      `tls_certificate_not_after_seconds{role="server"} ${earliestNotAfter(longLived)}`,
    );
    expect(text).toContain(
      `tls_certificate_not_after_seconds{role="ca"} ${earliestNotAfter(shortLived)}`,
    );
    expect(text).not.toMatch(/CN=|short|long/);
  });

  it('registers nothing without certificates (plaintext development mode)', async () => {
    const registry = new Registry();
    registerCertificateExpiry(registry, { mode: 'plaintext' });
    expect(await registry.metrics()).not.toContain('tls_certificate_not_after_seconds');
  });
});
