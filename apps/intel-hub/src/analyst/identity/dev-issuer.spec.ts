import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_USERS, demoUser } from './demo-users';
import { DevIssuer } from './dev-issuer';
import { TokenVerifier } from './token-verifier';

const trust = { issuer: 'urn:intel:dev-oidc', audience: 'intel-analyst-api' };

describe('development token issuer', () => {
  it('given a demo user, then its token verifies against the JWKS, with the user claims', async () => {
    const dev = await DevIssuer.create(trust);
    const verifier = new TokenVerifier(dev.keySet(), trust);
    const token = await dev.mint(demoUser('supervisor.36') ?? DEMO_USERS[0]!);
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({
      sub: 'supervisor.36',
      force: '36',
      roles: ['supervisor'],
    });
    expect(dev.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('given a key file, then the key is kept across restarts (private, 0600)', async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'dev-oidc-')), 'key.jwk.json');
    const first = await DevIssuer.create({ ...trust, keyFile });
    const again = await DevIssuer.create({ ...trust, keyFile });
    expect(again.jwks()).toEqual(first.jwks());
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const token = await first.mint(DEMO_USERS[0]!);
    await expect(
      new TokenVerifier(again.keySet(), trust).verify(`Bearer ${token}`),
    ).resolves.toBeDefined();
  });

  it('given the demo users, then one analyst per demo force, a supervisor and an auditor', () => {
    expect(DEMO_USERS.map((u) => `${u.force}:${u.roles.join()}`)).toEqual([
      '36:analyst',
      '01:analyst',
      '46:analyst',
      '36:supervisor',
      '36:auditor',
    ]);
    expect(demoUser('root')).toBeUndefined();
  });
});
