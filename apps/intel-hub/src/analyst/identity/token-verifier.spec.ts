import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import { ProblemError } from '../http/problem';
import { TokenVerifier, claimedIdentity } from './token-verifier';

const trust = { issuer: 'https://idp.test', audience: 'intel' };

describe('analyst token verification', () => {
  let key: KeyLike;
  let other: KeyLike;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    ({ privateKey: other } = await generateKeyPair('ES256'));
    const unused = (await generateKeyPair('ES256')).publicKey;
    verifier = new TokenVerifier(
      createLocalJWKSet({
        keys: [
          { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' },
          { ...(await exportJWK(unused)), kid: 'k0', alg: 'ES256' },
        ],
      }),
      trust,
    );
  });

  const claims = { force: '36', roles: ['analyst', 'idp-admin'], name: 'Alex Analyst' };
  const sign = (
    opts: { k?: KeyLike; iss?: string; aud?: string; exp?: number | string; c?: object } = {},
  ) =>
    new SignJWT({ ...claims, ...(opts.c ?? {}) })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('alex')
      .setIssuer(opts.iss ?? trust.issuer)
      .setAudience(opts.aud ?? trust.audience)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '10m')
      .sign(opts.k ?? key);

  async function refusal(auth: string | undefined): Promise<ProblemError> {
    try {
      await verifier.verify(auth);
    } catch (err) {
      if (err instanceof ProblemError) return err;
      throw err;
    }
    throw new Error('accepted');
  }

  it('given a good token, then the user is read, unknown roles dropped', async () => {
    await expect(verifier.verify(`Bearer ${await sign()}`)).resolves.toEqual({
      sub: 'alex',
      name: 'Alex Analyst',
      force: '36',
      forceName: 'Norfolk',
      roles: ['analyst'],
    });
  });

  it('given the same token again, then its signature is not checked again, and each request gets its own user', async () => {
    let lookups = 0;
    const pair = await generateKeyPair('ES256');
    const own = createLocalJWKSet({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }],
    });
    const counting = new TokenVerifier((h, t) => {
      lookups++;
      return own(h, t);
    }, trust);
    const token = `Bearer ${await sign({ k: pair.privateKey })}`;
    const first = await counting.verify(token);
    first.roles.push('auditor');
    const second = await counting.verify(token);
    expect(lookups).toBe(1);
    expect(second.roles).toEqual(['analyst']);
    // A token refused is refused every time (nothing remembered).
    const forged = `Bearer ${await sign({ k: other })}`;
    for (let i = 0; i < 2; i++) await expect(counting.verify(forged)).rejects.toThrow(ProblemError);
    expect(lookups).toBe(3);
  });

  it.each([
    ['no header', undefined, 'Bearer realm="intel-analyst"'],
    ['not bearer', 'Basic YWxleDpwdw==', 'invalid_token'],
  ])('given %s, then 401 with a Bearer challenge', async (_, auth, challenge) => {
    const e = await refusal(auth);
    expect(e.status).toBe(401);
    expect(e.headers['WWW-Authenticate']).toContain(challenge);
  });

  it('given another key, issuer, audience or an expired token, then 401', async () => {
    for (const t of [
      await sign({ k: other }),
      await sign({ iss: 'https://evil.test' }),
      await sign({ aud: 'other' }),
      await sign({ exp: Math.floor(Date.now() / 1000) - 3600 }),
    ]) {
      const e = await refusal(`Bearer ${t}`);
      expect(e.status).toBe(401);
      expect(e.headers['WWW-Authenticate']).toContain('error="invalid_token"');
    }
  });

  it('given an unknown force or a control character in the name, then 401 naming the claim', async () => {
    expect((await refusal(`Bearer ${await sign({ c: { force: '99' } })}`)).detail).toContain(
      'force',
    );
    expect((await refusal(`Bearer ${await sign({ c: { name: 'a\u0007b' } })}`)).detail).toContain(
      'name',
    );
    expect((await refusal(`Bearer ${await sign({ c: { roles: 'analyst' } })}`)).detail).toContain(
      'roles',
    );
  });

  it('given an unverifiable token, then what it claimed is kept for the audit, bounded', async () => {
    const t = await sign({ k: other, c: { force: '46' } });
    expect(claimedIdentity(`Bearer ${t}`)).toEqual({
      token: 'unverified',
      sub: 'alex',
      force: '46',
      iss: trust.issuer,
    });
    expect(claimedIdentity('x'.repeat(10_000)).authorization?.length).toBeLessThan(80);
    expect(claimedIdentity(undefined)).toEqual({ token: 'none' });
  });
});
