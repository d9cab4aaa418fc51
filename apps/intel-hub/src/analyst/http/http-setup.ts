import type { Server as HttpServer } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { answerMalformedRequest } from './client-error';
import type { HeaderMiddleware } from './direct-route';
import { noStore, securityHeaders } from './security-headers';

/** The middleware every answer passes (a direct route applies the same: direct-route.ts). */
export interface AnalystMiddleware {
  /** Setting the same headers on every answer (helmet's). */
  fixedHeaders: HeaderMiddleware[];
  /** Per request (no-store and the correlation id). */
  perRequest: HeaderMiddleware[];
}

/**
 * The analysts' API's HTTP set-up, before its routes: the simple query parser (no nested
 * objects from `a[b]=c`), no proxy headers trusted, no ETags, the security headers, no-store and the
 * correlation id on every answer, and problem+json for requests that are not well-formed HTTP.
 * (The bench's bare route is set up with it too, so that its ceiling is the same stack.)
 */
export function configureAnalystHttp(
  app: NestExpressApplication,
  /** Origins the page may connect to besides this one (signInOrigins). */
  connectTo: readonly string[] = [],
): AnalystMiddleware {
  app.set('query parser', 'simple');
  app.set('trust proxy', false);
  // No ETag: every answer is no-store, and express hashed each JSON body (SHA-1) to make one.
  app.set('etag', false);
  const middleware = { fixedHeaders: [securityHeaders(connectTo)], perRequest: [noStore] };
  for (const m of [...middleware.fixedHeaders, ...middleware.perRequest]) app.use(m);
  const server: HttpServer = app.getHttpServer();
  server.on('clientError', answerMalformedRequest);
  return middleware;
}
