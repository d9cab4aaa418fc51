import type { Server as HttpServer } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { answerMalformedRequest } from './client-error';
import { noStore, securityHeaders } from './security-headers';

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
): void {
  app.set('query parser', 'simple');
  app.set('trust proxy', false);
  // No ETag: every answer is no-store, and express hashed each JSON body (SHA-1) to make one.
  app.set('etag', false);
  app.use(securityHeaders(connectTo));
  app.use(noStore);
  const server: HttpServer = app.getHttpServer();
  server.on('clientError', answerMalformedRequest);
}
