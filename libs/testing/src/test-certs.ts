import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** Issues a client certificate (CN = system, OU = force-<code>) signed by this CA. */
  client(system: string, forceCode: string): { cert: string; key: string };
  /**
   * Issues a covert unit's client certificate (CN = unit, OU = covert-<code>): it may use
   * intel.v1.Deconfliction and nothing else (docs/security.md "Covert-persona deconfliction").
   */
  covertUnit(unit: string, forceCode: string): { cert: string; key: string };
  /** Issues a client certificate with this exact subject (openssl -subj, e.g. `/O=36/CN=x`). */
  clientWithSubject(subject: string): { cert: string; key: string };
  read(path: string): Buffer;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/**
 * A throw-away certificate authority made with openssl for mutual-TLS tests: a server
 * certificate for 127.0.0.1/localhost and client certificates naming the calling system.
 * Every certificate is valid for `days` from now (default 2).
 */
export function makeTestPki(name = 'test-ca', { days = 2 }: { days?: number } = {}): TestPki {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const validity = String(days);
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      validity,
      '-subj',
      `/CN=${name}`,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    ],
    dir,
  );
  writeFileSync(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      validity,
      '-extfile',
      'server.ext',
      '-out',
      'server.crt',
    ],
    dir,
  );
  let n = 0;
  const issue = (subject: string): { cert: string; key: string } => {
    n += 1;
    const base = `client${n}`;
    writeFileSync(join(dir, `${base}.ext`), 'extendedKeyUsage=clientAuth\n');
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        subject,
        '-keyout',
        `${base}.key`,
        '-out',
        `${base}.csr`,
      ],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        validity,
        '-extfile',
        `${base}.ext`,
        '-out',
        `${base}.crt`,
      ],
      dir,
    );
    return { cert: join(dir, `${base}.crt`), key: join(dir, `${base}.key`) };
  };
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    client: (system, forceCode) => issue(`/OU=force-${forceCode}/CN=${system}`),
    covertUnit: (unit, forceCode) => issue(`/OU=covert-${forceCode}/CN=${unit}`),
    clientWithSubject: issue,
    read: (p) => readFileSync(p),
  };
}
