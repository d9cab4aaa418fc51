import { HubHarness } from './hub.harness';

// The local stack's development token issuer (ANALYST_DEV_ISSUER=true): announced loudly, tokens
// only for the demonstration users, and the API trusts its keys only.
describe("analysts' API: the development issuer (integration)", () => {
  const h = new HubHarness('it_analyst_dev', 'analyst-dev', {
    ANALYST_HTTP_ENABLED: 'true',
    ANALYST_HTTP_HOST: '127.0.0.1',
    ANALYST_DEV_ISSUER: 'true',
  });

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('given the hub starting, then it warns that the development issuer is trusted', () => {
    expect(h.hub.logs.some((l) => l.includes('DEVELOPMENT token issuer'))).toBe(true);
  });

  it('given the page asking, then it is told of the dev issuer and its demo users', async () => {
    const r = await h.api('GET', '/auth-config');
    expect(r.body).toMatchObject({ dev: true, tokenUrl: '/dev-oidc/token' });
    expect((r.body.demoUsers as Array<{ sub: string }>).map((u) => u.sub)).toEqual([
      'analyst.36',
      'analyst.01',
      'analyst.46',
      'supervisor.36',
      'auditor.36',
    ]);
  });

  it('given a demo user, then its token signs in; anyone else is refused', async () => {
    const t = await h.http('POST', '/dev-oidc/token', { body: { sub: 'analyst.46' } });
    expect(t.status).toBe(200);
    const me = await h.api('GET', '/me', { token: t.body.access_token as string });
    expect(me.body).toMatchObject({
      sub: 'analyst.46',
      force: '46',
      forceName: 'Kent',
      roles: ['analyst'],
    });
    const nobody = await h.http('POST', '/dev-oidc/token', { body: { sub: 'root' } });
    expect(nobody.status).toBe(403);
    expect(nobody.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const extra = await h.http('POST', '/dev-oidc/token', {
      body: { sub: 'analyst.46', roles: ['auditor'] },
    });
    expect(extra.status).toBe(400);
  });

  it('given the JWKS, then only the public key is published', async () => {
    const r = await h.http('GET', '/dev-oidc/jwks.json');
    expect(r.body.keys).toHaveLength(1);
    expect(r.body.keys[0]).not.toHaveProperty('d');
  });
});
