import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { boundedText } from '@intel/audit';
import { ProblemError, unauthenticated } from '../http/problem';
import type { AnalystUser } from './analyst-user';
import { InvalidClaimsError, userFromClaims } from './token-claims';
import { VerifiedTokens } from './verified-tokens';

/** Signature algorithms accepted from an issuer (no `none`, no HMAC shared secrets). */
export const ACCEPTED_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const MAX_TOKEN = 8192;

export interface IssuerTrust {
  issuer: string;
  audience: string;
}

/**
 * Verifies an analyst's bearer token (a JWT from the OIDC issuer, checked against its JWKS with
 * its issuer, audience and expiry) and reads the user from its claims. Every failure is a 401
 * with a Bearer challenge, except an issuer whose keys cannot be fetched (503: not the caller's
 * fault).
 */
export class TokenVerifier {
  /** Tokens verified in the last minute (verified-tokens.ts): one signature check per token. */
  private readonly verified = new VerifiedTokens<AnalystUser>();

  constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly trust: IssuerTrust,
  ) {}

  /** Trusts the keys the issuer publishes at `jwksUrl` (fetched and cached by jose). */
  static remote(jwksUrl: string, trust: IssuerTrust): TokenVerifier {
    return new TokenVerifier(
      createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000 }),
      trust,
    );
  }

  async verify(authorization: string | undefined): Promise<AnalystUser> {
    if (!authorization)
      throw unauthenticated('a bearer token is required (Authorization: Bearer …)', false);
    const token = bearerToken(authorization);
    if (!token) throw unauthenticated('the Authorization header is not a bearer JWT', true);
    const known = this.verified.get(token, Date.now());
    // A copy: what a request does with its user is its own.
    if (known) return { ...known, roles: [...known.roles] };
    let payload: { exp?: number };
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.trust.issuer,
        audience: this.trust.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
      }));
    } catch (err) {
      throw verificationProblem(err);
    }
    let user: AnalystUser;
    try {
      user = userFromClaims(payload);
    } catch (err) {
      if (err instanceof InvalidClaimsError) throw unauthenticated(err.message, true);
      throw err;
    }
    // exp is required (and checked) above; remembered until then at the most.
    this.verified.remember(token, user, (payload.exp ?? 0) * 1000, Date.now());
    return { ...user, roles: [...user.roles] };
  }
}

function bearerToken(authorization: string): string | undefined {
  if (authorization.length > MAX_TOKEN) return undefined;
  return BEARER.exec(authorization)?.[1];
}

function verificationProblem(err: unknown): ProblemError {
  // The issuer's keys unreachable, unreadable or answered with an error: not the caller's fault.
  const keysUnavailable =
    !(err instanceof errors.JOSEError) ||
    err.constructor === errors.JOSEError ||
    err instanceof errors.JWKSTimeout ||
    err instanceof errors.JWKSInvalid;
  if (keysUnavailable)
    return new ProblemError(
      503,
      "the identity provider's keys could not be fetched; retry shortly",
      [],
      {
        'Retry-After': '5',
      },
    );
  if (err instanceof errors.JWTExpired) return unauthenticated('the token has expired', true);
  if (err instanceof errors.JWTClaimValidationFailed)
    return unauthenticated(`the token's ${err.claim} claim is not accepted here`, true);
  return unauthenticated('the token is not valid (signature, key or form)', true);
}

/**
 * What an unauthenticated request claimed to be, for the audit of its refusal: the token's
 * unverified subject, force and issuer (bounded), never trusted for anything else.
 */
export function claimedIdentity(authorization: string | undefined): Record<string, string> {
  if (!authorization) return { token: 'none' };
  const token = bearerToken(authorization);
  if (!token) return { token: 'malformed', authorization: boundedText(authorization, 64) };
  try {
    const p = decodeJwt(token);
    return {
      token: 'unverified',
      sub: boundedText(p.sub, 128),
      force: boundedText((p as { force?: unknown }).force, 8),
      iss: boundedText(p.iss, 128),
    };
  } catch {
    return { token: 'undecodable' };
  }
}
