import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnalystGuard, Incoming } from './analyst.guard';
import type { ProblemFilter } from './problem.filter';
import { API_BASE, ANALYST_CONTEXT, type AnalystRequest, type RouteSpec } from './route-spec';

/** A middleware of the API's HTTP set-up (helmet's, noStore): `(req, res, next)`. */
export type HeaderMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

/** Answers a request it serves (true), or leaves it to express and Nest (false). */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A header as a middleware leaves it: set (a value) or removed (undefined). */
type HeaderOp = [name: string, value: string | number | readonly string[] | undefined];

/**
 * The headers a middleware that only sets fixed headers (helmet: no nonce, nothing read from
 * the request) sets on every answer, in its order, found by running it on a recorder. One that
 * sets other headers for another request, does anything else to the response, or does not call
 * next at once, throws.
 */
export function fixedHeadersOf(middleware: HeaderMiddleware): HeaderOp[] {
  const ops = recordHeaders(middleware);
  // Twice, for two requests: a header that differs (a correlation id, a nonce) is not fixed.
  if (JSON.stringify(recordHeaders(middleware)) !== JSON.stringify(ops))
    throw new Error('a fixed-header middleware set different headers for another request');
  return ops;
}

function recordHeaders(middleware: HeaderMiddleware): HeaderOp[] {
  const ops: HeaderOp[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      ops.push([name, value]);
      return recorder;
    },
    removeHeader: (name: string) => void ops.push([name, undefined]),
  };
  let done = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('a header middleware failed');
    done = true;
  });
  if (!done) throw new Error('a fixed-header middleware must call next at once');
  return ops;
}

export interface DirectRouteDeps {
  guard: AnalystGuard;
  problems: ProblemFilter;
  /**
   * The API's middleware, in the order the API's set-up applies it (configureAnalystHttp):
   * those that set fixed headers (helmet's), then the per-request ones (noStore: no-store and the
   * correlation id), called as they are for every request.
   */
  fixedHeaders: HeaderMiddleware[];
  perRequest: HeaderMiddleware[];
}

/**
 * A path segment a direct route takes for a parameter: unreserved characters only, which
 * decoding leaves as they are (express decodes a parameter; a segment that needs it goes there).
 */
const PARAM_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * The route's path as a matcher of request URLs: its parameters (`{name}`, a whole segment
 * each) as express's router gives them, or undefined when the URL is not exactly this path
 * (a query string, a trailing slash, another case or a segment to decode: not taken).
 */
export function pathMatcher(path: string): (url: string) => Record<string, string> | undefined {
  const segments = `${API_BASE}${path}`.split('/');
  const names = segments.map((s) => /^\{(\w+)\}$/.exec(s)?.[1]);
  if (!names.some((n) => n !== undefined)) {
    const exact = segments.join('/');
    return (url) => (url === exact ? {} : undefined);
  }
  return (url) => {
    const parts = url.split('/');
    if (parts.length !== segments.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const name = names[i];
      if (name === undefined) {
        if (part !== segments[i]) return undefined;
      } else if (PARAM_SEGMENT.test(part)) params[name] = part;
      else return undefined;
    }
    return params;
  };
}

/**
 * One hot route of the analysts' API answered straight from the HTTP server, before express's
 * router, helmet's twelve middlewares and Nest's execution context: the same security headers
 * (recorded once: fixedHeadersOf), the same checks (AnalystGuard.admit: identity, rate, role,
 * bounded body, validation, justification), the same controller method, the same JSON answer
 * as express's `res.json` gives, and any error answered by the API's own ProblemFilter (its
 * refusal audited). Only the route's exact path and method are taken (no query string, no
 * trailing slash, no other case; a parameter only of unreserved characters): any other request
 * goes to express and Nest as before.
 */
export function directRoute<S extends RouteSpec>(
  spec: S,
  handler: (req: AnalystRequest<S>) => Promise<unknown>,
  deps: DirectRouteDeps,
): FrontHandler {
  const match = pathMatcher(spec.path);
  const fixed = deps.fixedHeaders.flatMap(fixedHeadersOf);
  const status = spec.status ?? 200;
  const serve = async (req: Incoming, res: ServerResponse): Promise<void> => {
    try {
      for (const [name, value] of fixed)
        if (value === undefined) res.removeHeader(name);
        else res.setHeader(name, value);
      for (const m of deps.perRequest) m(req, res, noNext);
      await deps.guard.admit(req, spec);
      const answer = await handler(req[ANALYST_CONTEXT] as unknown as AnalystRequest<S>);
      // As express's res.json: JSON.stringify, its content type and length.
      const body = JSON.stringify(answer);
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.end(body, 'utf8');
    } catch (err) {
      await deps.problems.answer(err, req, res);
    }
  };
  return (req, res) => {
    if (req.method !== spec.method) return false;
    const params = match(req.url ?? '');
    if (!params) return false;
    // As express's router leaves them for the guard (`req.query` is express's own getter).
    (req as Incoming).params = params;
    void serve(req, res).catch(() => res.destroy());
    return true;
  };
}

/** The per-request middleware's next: they only set headers, and call it at once. */
function noNext(err?: unknown): void {
  if (err) throw err instanceof Error ? err : new Error('a header middleware failed');
}
