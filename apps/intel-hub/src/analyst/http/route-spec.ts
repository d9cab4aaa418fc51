import {
  Delete,
  Get,
  HttpCode,
  Patch,
  Post,
  Put,
  SetMetadata,
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import type { z } from 'zod';
import type { Caller } from '../../query/consultation-audit';
import type { AnalystRole, AnalystUser } from '../identity/analyst-user';
import type { Consultation } from '../consultations/consultation';

/** The analysts' API lives under this path; RouteSpec paths are relative to it. */
export const API_BASE = '/api/v1';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One route of the analysts' API: the single source of its Nest route, its checks (identity,
 * roles, justification, validation) and its OpenAPI description (tools/gen-openapi.js).
 */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI style (`/persons/{personId}`), relative to API_BASE. */
  path: string;
  summary: string;
  /** OpenAPI tag (the screen or area), e.g. 'search'. */
  tag: string;
  /**
   * Any one of these roles may call it (a supervisor has an analyst's rights). Empty: any
   * authenticated user.
   */
  roles: readonly AnalystRole[];
  /** Needs an open consultation of the caller's in the X-Consultation-Id header (else 428). */
  consultation: boolean;
  /** No token needed (only what a login page needs before it has one). */
  public?: boolean;
  /** Path parameters, query and body (strict objects: an unknown field is a 400). */
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A hand check of `body` for a hot route: what `body` would give for a body it accepts, or
   * undefined to leave the body to `body` (every refusal, and any body the check does not know).
   * It must never accept a body `body` refuses, nor give another value (a spec test holds them
   * to the same answers).
   */
  checkedBody?: (body: unknown) => Parsed<B> | undefined;
  /** The success answer (JSON); for another media type (`produces`), its description only. */
  response: R;
  /** Success status (default 200). */
  status?: number;
  /** Media type of the success answer (default application/json); several when the request chooses. */
  produces?: string | readonly string[];
}

/** Keeps a spec's schema types, so that AnalystRequest<typeof SPEC> is typed. */
export function defineRoute<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
>(spec: RouteSpec<P, Q, B, R>): RouteSpec<P, Q, B, R> {
  return spec;
}

type Parsed<T> = [NonNullable<T>] extends [z.ZodType] ? z.output<NonNullable<T>> : undefined;

/** What a controller method gets (`@Analyst() req`): checked identity, justification and input. */
export interface AnalystRequest<S extends RouteSpec = RouteSpec> {
  spec: S;
  user: AnalystUser;
  /** The caller as the hub's services and audit know it (callerName `analyst:<sub>`). */
  caller: Caller;
  /** Present when the route needs a consultation. */
  consultation?: Consultation;
  params: Parsed<S['params']>;
  query: Parsed<S['query']>;
  body: Parsed<S['body']>;
  /** This request's id (logs, problem answers). */
  correlationId: string;
}

export const ROUTE_SPEC = Symbol('analyst.route-spec');
export const PUBLIC_ENDPOINT = Symbol('analyst.public-endpoint');

const METHODS = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete } as const;

/** `/persons/{personId}` → `api/v1/persons/:personId` (Nest's form). */
export function nestPath(path: string): string {
  return `${API_BASE}${path}`.replace(/^\//, '').replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/** Routes a controller method by its spec; the global AnalystGuard applies the spec's checks. */
export function AnalystRoute(spec: RouteSpec): MethodDecorator {
  return applyDecorators(
    METHODS[spec.method](nestPath(spec.path)),
    HttpCode(spec.status ?? 200),
    SetMetadata(ROUTE_SPEC, spec),
  );
}

/**
 * Marks an endpoint outside the API's contract that needs no identity: the page's static files
 * and the development issuer. Everything else without a RouteSpec is refused by the guard.
 */
export function PublicEndpoint(): MethodDecorator & ClassDecorator {
  return SetMetadata(PUBLIC_ENDPOINT, true);
}

/** The request's property holding its AnalystRequest (set by AnalystGuard). */
export const ANALYST_CONTEXT = Symbol('analyst.context');

/** A request as received, for the audit of its refusal (bounded when written). */
export interface RawRequest {
  method: string;
  path: string;
  query: unknown;
  body?: unknown;
  consultationId?: string;
}

/** What the guard has established so far about a request to a declared route. */
export type AnalystContext = Partial<AnalystRequest> & {
  spec: RouteSpec;
  correlationId: string;
  raw: RawRequest;
};

export interface WithAnalystContext {
  [ANALYST_CONTEXT]?: AnalystContext;
}

/** The checked AnalystRequest of a route's handler. */
export const Analyst = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<WithAnalystContext>();
  return req[ANALYST_CONTEXT] as AnalystRequest;
});
