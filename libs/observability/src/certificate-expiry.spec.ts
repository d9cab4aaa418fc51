import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { earliestNotAfter, registerCertificateExpiry } from './certificate-expiry';

function selfSigned(dir: string, name: string, days: number): string {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      String(days),
      '-subj',
      `/CN=${name}`,
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
    ],
    { stdio: 'pipe' },
  );
  return readFileSync(join(dir, `${name}.crt`), 'utf8');
}

describe('certificate expiry', () => {
  let dir: string;
  let shortLived: string;
  let longLived: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cert-expiry-'));
    shortLived = selfSigned(dir, 'short', 3);
    longLived = selfSigned(dir, 'long', 400);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
