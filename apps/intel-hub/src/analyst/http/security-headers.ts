import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { correlationIdOf } from './correlation';

/**
 * Where the page may connect besides this origin: with a real issuer and the page's client id,
 * the issuer's origin, whose discovery document and token endpoint the page calls to sign in
 * (authorization code + PKCE); nothing else. Pure.
 */
export function signInOrigins(oidc: { issuer: string; clientId: string | undefined }): string[] {
  if (!oidc.clientId) return [];
  try {
    const u = new URL(oidc.issuer);
    return u.protocol === 'https:' || u.hostname === '127.0.0.1' || u.hostname === 'localhost'
      ? [u.origin]
      : [];
  } catch {
    return [];
  }
}

/**
 * helmet with a strict Content-Security-Policy: scripts, styles and everything else from this
 * origin only (connections also to `connectTo`: the issuer the page signs in with), no inline
 * script or style, no framing, no plugins.
 */
export const securityHeaders = (connectTo: readonly string[] = []) =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'", ...connectTo],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });

/** Nothing the API answers is cached; every answer carries its correlation id. */
export function noStore(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Correlation-Id', correlationIdOf(req));
  next();
}
