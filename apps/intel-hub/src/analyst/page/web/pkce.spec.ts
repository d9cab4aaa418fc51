import { authorizeUrl, base64url, jwtExpiry, randomToken, s256, tokenRequestBody } from './pkce';

describe('OIDC authorization code + PKCE', () => {
  it('S256 of the RFC 7636 appendix B verifier', async () => {
    expect(await s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('verifiers are 43 url-safe characters, never the same twice', () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(a);
    expect(base64url(new Uint8Array([251, 255]))).toBe('-_8');
  });

  it('asks for a code with the challenge, and exchanges it with the verifier', () => {
    const u = new URL(
      authorizeUrl({
        authorizationEndpoint: 'https://idp.example/authorize?tenant=x',
        clientId: 'analyst-page',
        redirectUri: 'https://hub.example/analyst/',
        scope: 'openid profile',
        state: 's1',
        nonce: 'n1',
        codeChallenge: 'c1',
      }),
    );
    expect(Object.fromEntries(u.searchParams)).toEqual({
      tenant: 'x',
      response_type: 'code',
      client_id: 'analyst-page',
      redirect_uri: 'https://hub.example/analyst/',
      scope: 'openid profile',
      state: 's1',
      nonce: 'n1',
      code_challenge: 'c1',
      code_challenge_method: 'S256',
    });
    expect(
      tokenRequestBody({
        code: 'k',
        redirectUri: 'r',
        clientId: 'c',
        codeVerifier: 'v',
      }).toString(),
    ).toBe('grant_type=authorization_code&code=k&redirect_uri=r&client_id=c&code_verifier=v');
  });

  it("reads a token's expiry without trusting it", () => {
    const payload = base64url(new TextEncoder().encode(JSON.stringify({ exp: 1_800_000_000 })));
    expect(jwtExpiry(`h.${payload}.s`)).toBe(1_800_000_000_000);
    expect(jwtExpiry('garbage')).toBeUndefined();
  });
});
