import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';

/** What a benchmark user's token says about them. */
export interface BenchUser {
  sub: string;
  name: string;
  force: string;
  roles: string[];
}

/**
 * The bench's own OpenID issuer: a key pair of its own (RS256, what the usual police identity
 * providers sign with), its public half served as a JWKS on a loopback port, and tokens minted
 * for the benchmark's users. The hub under test is told to trust it (`env`), as it would be told
 * to trust the force's identity provider.
 */
export class BenchIssuer {
  static readonly issuer = 'https://bench-issuer.invalid';
  static readonly audience = 'intel-analyst-api';

  private constructor(
    private readonly key: KeyLike,
    private readonly server: Server,
    readonly jwksUrl: string,
  ) {}

  static async start(): Promise<BenchIssuer> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };
    const body = JSON.stringify({ keys: [jwk] });
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new BenchIssuer(privateKey, server, `http://127.0.0.1:${port}/jwks.json`);
  }

  /** The hub's settings that make it trust this issuer. */
  env(): Record<string, string> {
    return {
      ANALYST_OIDC_ISSUER: BenchIssuer.issuer,
      ANALYST_OIDC_AUDIENCE: BenchIssuer.audience,
      ANALYST_OIDC_JWKS_URL: this.jwksUrl,
    };
  }

  /** A bearer token for `user`, valid for `ttlSeconds` (longer than any run). */
  mint(user: BenchUser, ttlSeconds = 4 * 3600): Promise<string> {
    return new SignJWT({ name: user.name, force: user.force, roles: user.roles })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench-1', typ: 'JWT' })
      .setIssuer(BenchIssuer.issuer)
      .setAudience(BenchIssuer.audience)
      .setSubject(user.sub)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
