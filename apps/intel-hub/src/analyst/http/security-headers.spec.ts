import { signInOrigins } from './security-headers';

describe('where the page may connect to sign in', () => {
  it("given a real issuer and the page's client, then the issuer's origin only", () => {
    expect(
      signInOrigins({ issuer: 'https://idp.example/realms/police', clientId: 'analyst-page' }),
    ).toEqual(['https://idp.example']);
  });

  it('given no client id, the development issuer or an issuer that is no https URL, then nothing', () => {
    expect(signInOrigins({ issuer: 'https://idp.example', clientId: undefined })).toEqual([]);
    expect(signInOrigins({ issuer: 'urn:intel:dev-oidc', clientId: 'x' })).toEqual([]);
    expect(signInOrigins({ issuer: 'http://idp.example', clientId: 'x' })).toEqual([]);
    expect(signInOrigins({ issuer: 'http://127.0.0.1:9000/realms/x', clientId: 'x' })).toEqual([
      'http://127.0.0.1:9000',
    ]);
  });
});
