import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import type { DemoUser } from './demo-users';

export const DEV_ISSUER_WARNING =
  "*** The analysts' API trusts its DEVELOPMENT token issuer (ANALYST_DEV_ISSUER=true): anyone " +
  'who can reach it can sign in as a demonstration user. Never use this setting with real data ' +
  '(configure ANALYST_OIDC_ISSUER and ANALYST_OIDC_JWKS_URL). ***';

const ALG = 'ES256';
const TOKEN_LIFETIME = '8h';

/**
 * The local stack's token issuer: an ES256 key pair made at start (or kept in a key file, so
 * tokens outlive a restart), its public key as a JWKS, tokens for the demonstration users.
 */
export class DevIssuer {
  private constructor(
    private readonly key: KeyLike,
    private readonly publicJwk: JWK,
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async create(opts: {
    issuer: string;
    audience: string;
    keyFile?: string;
  }): Promise<DevIssuer> {
    let jwk: JWK | undefined;
    if (opts.keyFile && existsSync(opts.keyFile))
      jwk = JSON.parse(readFileSync(opts.keyFile, 'utf8')) as JWK;
    if (!jwk) {
      const pair = await generateKeyPair(ALG, { extractable: true });
      jwk = {
        ...(await exportJWK(pair.privateKey)),
        kid: `dev-${Date.now().toString(36)}`,
        alg: ALG,
      };
      if (opts.keyFile) writeFileSync(opts.keyFile, JSON.stringify(jwk), { mode: 0o600 });
    }
    const { d: _private, ...publicJwk } = jwk;
    const key = (await importJWK(jwk, ALG)) as KeyLike;
    return new DevIssuer(key, { ...publicJwk, use: 'sig', alg: ALG }, opts.issuer, opts.audience);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** The keys a TokenVerifier trusts in development. */
  keySet(): JWTVerifyGetKey {
    return createLocalJWKSet(this.jwks());
  }

  mint(user: DemoUser): Promise<string> {
    return new SignJWT({ name: user.name, force: user.force, roles: user.roles })
      .setProtectedHeader({ alg: ALG, kid: this.publicJwk.kid ?? '', typ: 'JWT' })
      .setSubject(user.sub)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(TOKEN_LIFETIME)
      .sign(this.key);
  }
}
