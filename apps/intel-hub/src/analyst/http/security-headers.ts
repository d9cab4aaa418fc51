import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { correlationIdOf } from './correlation';

/**
 * helmet with a strict Content-Security-Policy: scripts, styles and everything else from this
 * origin only, no inline script or style, no framing, no plugins.
 */
export const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
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
