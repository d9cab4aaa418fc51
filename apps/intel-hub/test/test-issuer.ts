import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';

/** The claims of a test analyst's token. */
export interface TestClaims {
  sub: string;
  name?: string;
  force: string;
  roles: string[];
}

/** Ways to spoil a token, for the refusal tests. */
export interface MintOptions {
  issuer?: string;
  audience?: string;
  /** Seconds since the epoch, or a jose duration ('10m'); default 10 minutes from now. */
  expiresAt?: number | string;
  /** Signed with a key the JWKS does not hold (same kid): a bad signature. */
  foreignKey?: boolean;
}

/**
 * An OIDC issuer for tests: an ES256 key pair made per run, its public key served as a JWKS by a
 * tiny HTTP server on a free port, tokens minted with jose SignJWT.
 */
export class TestIssuer {
  readonly issuer = `https://issuer.test/${randomUUID()}`;
  readonly audience = 'intel-analyst-api';
  private server: Server | undefined;
  private key: KeyLike | undefined;
  private foreign: KeyLike | undefined;
  private readonly kid = randomUUID();
  jwksUrl = '';

  async start(): Promise<void> {
    const pair = await generateKeyPair('ES256');
    this.key = pair.privateKey;
    this.foreign = (await generateKeyPair('ES256')).privateKey;
    const jwks = JSON.stringify({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: this.kid, alg: 'ES256', use: 'sig' }],
    });
    this.server = createServer((req, res) => {
      res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(req.url === '/jwks.json' ? jwks : '{}');
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.jwksUrl = `http://127.0.0.1:${port}/jwks.json`;
  }

  /** The hub's settings that trust this issuer. */
  env(): Record<string, string> {
    return {
      ANALYST_HTTP_ENABLED: 'true',
      ANALYST_HTTP_PORT: '0',
      ANALYST_HTTP_HOST: '127.0.0.1',
      ANALYST_OIDC_ISSUER: this.issuer,
      ANALYST_OIDC_AUDIENCE: this.audience,
      ANALYST_OIDC_JWKS_URL: this.jwksUrl,
    };
  }

  async mintToken(claims: TestClaims, opts: MintOptions = {}): Promise<string> {
    const key = opts.foreignKey ? this.foreign : this.key;
    if (!key) throw new Error('the test issuer is not started');
    const { sub, ...rest } = claims;
    return new SignJWT({ ...rest, name: claims.name ?? `Test ${sub}` })
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(opts.issuer ?? this.issuer)
      .setAudience(opts.audience ?? this.audience)
      .setIssuedAt()
      .setExpirationTime(opts.expiresAt ?? '10m')
      .sign(key);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
