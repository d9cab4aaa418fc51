import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AnalystGuard } from './analyst.guard';
import { directRoute, fixedHeadersOf, pathMatcher } from './direct-route';
import type { ProblemFilter } from './problem.filter';
import { ANALYST_CONTEXT, defineRoute } from './route-spec';
import { noStore, securityHeaders } from './security-headers';

const SPEC = defineRoute({
  operationId: 'probe',
  method: 'POST',
  path: '/probe',
  summary: 'a test route',
  tag: 'test',
  roles: [],
  consultation: false,
  response: z.object({ ok: z.boolean() }),
});

/** A response recording what is set on it and what it is ended with. */
function fakeResponse() {
  const headers: [string, unknown][] = [];
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    headersSent: false,
    body: undefined as string | undefined,
    setHeader: (k: string, v: unknown) => void headers.push([k, v]),
    removeHeader: (k: string) => void headers.push([k, undefined]),
    end: (body: string) => {
      res.body = body;
      res.emit('ended');
    },
    destroy: () => undefined,
  });
  return { res, headers, ended: new Promise((r) => res.once('ended', r)) };
}

describe('directRoute', () => {
  it('given helmet, then its fixed headers are recorded once, in its order, X-Powered-By removed', () => {
    const ops = fixedHeadersOf(securityHeaders());
    expect(ops.find(([k]) => k === 'Content-Security-Policy')?.[1]).toContain("default-src 'self'");
    expect(ops).toContainEqual(['X-Powered-By', undefined]);
    expect(ops).toContainEqual(['Referrer-Policy', 'no-referrer']);
  });

  it('given a middleware that reads the request, then it is refused as a fixed one', () => {
    expect(() => fixedHeadersOf(noStore)).toThrow();
    expect(() => fixedHeadersOf((_q, _s, next) => setTimeout(next, 1))).toThrow();
  });

  const guardThat = (admit: (req: object) => Promise<void>) =>
    ({ admit }) as unknown as AnalystGuard;

  it('given its path and method, then it checks, answers JSON as res.json does, with the headers first', async () => {
    const answers: unknown[] = [];
    const route = directRoute(
      SPEC,
      (req) => Promise.resolve({ ok: true, op: req.spec.operationId }),
      {
        guard: guardThat((req) => {
          (req as Record<symbol, unknown>)[ANALYST_CONTEXT] = { spec: SPEC };
          return Promise.resolve();
        }),
        problems: {
          answer: (e: unknown) => Promise.resolve(void answers.push(e)),
        } as unknown as ProblemFilter,
        fixedHeaders: [(_q, s, next) => (s.setHeader('X-Fixed', 'y'), next())],
        perRequest: [(_q, s, next) => (s.setHeader('X-Each', 'z'), next())],
      },
    );
    const { res, headers, ended } = fakeResponse();
    const req = { method: 'POST', url: '/api/v1/probe' } as IncomingMessage;
    expect(route(req, res as unknown as ServerResponse)).toBe(true);
    await ended;
    expect(res.body).toBe('{"ok":true,"op":"probe"}');
    expect(res.statusCode).toBe(200);
    expect(headers).toEqual([
      ['X-Fixed', 'y'],
      ['X-Each', 'z'],
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Content-Length', 24],
    ]);
    expect(answers).toEqual([]);
  });

  it('given another path, method, a query string or a trailing slash, then it leaves the request to express', () => {
    const route = directRoute(SPEC, () => Promise.resolve({}), {
      guard: guardThat(() => Promise.resolve()),
      problems: {} as ProblemFilter,
      fixedHeaders: [],
      perRequest: [],
    });
    const { res } = fakeResponse();
    for (const [method, url] of [
      ['GET', '/api/v1/probe'],
      ['POST', '/api/v1/probe?'],
      ['POST', '/api/v1/probe/'],
      ['POST', '/api/v1/PROBE'],
      ['POST', '/api/v1/other'],
    ])
      expect(route({ method, url } as IncomingMessage, res as unknown as ServerResponse)).toBe(
        false,
      );
  });

  it('given a refusal by the guard, then the API problem filter answers it and the handler is not called', async () => {
    const refusal = new Error('refused');
    let called = false;
    let answered: unknown;
    const { res } = fakeResponse();
    const done = new Promise<void>((resolve) => {
      const route = directRoute(
        SPEC,
        () => {
          called = true;
          return Promise.resolve({});
        },
        {
          guard: guardThat(() => Promise.reject(refusal)),
          problems: {
            answer: (e: unknown) => {
              answered = e;
              resolve();
              return Promise.resolve();
            },
          } as unknown as ProblemFilter,
          fixedHeaders: [],
          perRequest: [],
        },
      );
      route(
        { method: 'POST', url: '/api/v1/probe' } as IncomingMessage,
        res as unknown as ServerResponse,
      );
    });
    await done;
    expect(answered).toBe(refusal);
    expect(called).toBe(false);
  });

  it('given a route with a path parameter, then it takes a segment of unreserved characters as express names it, and nothing else', () => {
    const match = pathMatcher('/probe/{id}');
    expect(match('/api/v1/probe/0b5f-AZ_az.~9')).toEqual({ id: '0b5f-AZ_az.~9' });
    for (const url of [
      '/api/v1/probe',
      '/api/v1/probe/',
      '/api/v1/probe/a/',
      '/api/v1/probe/a/b',
      '/api/v1/probe/a?',
      '/api/v1/probe/a%20b',
      '/api/v1/probe/a%2Fb',
      '/api/v1/PROBE/a',
      '/api/v1/other/a',
      '/api/v2/probe/a',
    ])
      expect(match(url)).toBeUndefined();
    expect(pathMatcher('/probe')('/api/v1/probe')).toEqual({});
    expect(pathMatcher('/probe')('/api/v1/probe?')).toBeUndefined();
  });

  it('given a request to a route with a path parameter, then the guard sees the parameter on the request as express leaves it', async () => {
    let seen: unknown;
    const { res, ended } = fakeResponse();
    const route = directRoute(
      { ...SPEC, method: 'GET', path: '/probe/{id}' },
      () => Promise.resolve({ ok: true }),
      {
        guard: guardThat((req) => {
          seen = (req as { params?: unknown }).params;
          return Promise.resolve();
        }),
        problems: {} as ProblemFilter,
        fixedHeaders: [],
        perRequest: [],
      },
    );
    expect(
      route(
        { method: 'GET', url: '/api/v1/probe/abc-1' } as IncomingMessage,
        res as unknown as ServerResponse,
      ),
    ).toBe(true);
    await ended;
    expect(seen).toEqual({ id: 'abc-1' });
    expect(res.body).toBe('{"ok":true}');
  });
});
