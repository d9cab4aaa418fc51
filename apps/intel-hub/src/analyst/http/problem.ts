import { z } from 'zod';

/** A field a 400 names, and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** Kinds of problem this API answers with (RFC 9457 `type` is `urn:intel:problem:<kind>`). */
export const PROBLEM_KINDS = {
  400: ['invalid-request', 'Bad Request'],
  401: ['unauthenticated', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not Found'],
  405: ['method-not-allowed', 'Method Not Allowed'],
  408: ['request-timeout', 'Request Timeout'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Content Too Large'],
  415: ['unsupported-media-type', 'Unsupported Media Type'],
  428: ['consultation-required', 'Precondition Required'],
  429: ['rate-limited', 'Too Many Requests'],
  431: ['headers-too-large', 'Request Header Fields Too Large'],
  500: ['internal', 'Internal Server Error'],
  503: ['unavailable', 'Service Unavailable'],
} as const;
export type ProblemStatus = keyof typeof PROBLEM_KINDS;

/** RFC 9457 problem details, as this API writes them. */
export interface Problem {
  type: string;
  title: string;
  status: ProblemStatus;
  detail: string;
  /** The fields a 400 is about. */
  errors?: FieldError[];
  /** This request's id: quote it to the service desk (the logs hold the rest). */
  correlationId: string;
}

/** The problem+json schema (OpenAPI components). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    correlationId: z.string(),
  })
  .meta({ id: 'Problem' });

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/**
 * A refusal or failure to answer with: thrown anywhere in a route, turned into problem+json by
 * the API's one exception filter (and, for a refusal, appended to the audit chain there).
 * `detail` is shown to the caller: never internal text.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: ProblemStatus,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** Response headers (WWW-Authenticate, Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** 400 naming the fields; detail repeats them. */
export function invalidRequest(errors: FieldError[]): ProblemError {
  const detail = errors
    .slice(0, 5)
    .map((e) => `${e.field}: ${e.message}`)
    .join('; ');
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : '';
  return new ProblemError(400, `${detail}${more}`, errors);
}

/** 401 with the RFC 6750 challenge. */
export function unauthenticated(detail: string, invalidToken: boolean): ProblemError {
  const challenge = invalidToken
    ? `Bearer realm="intel-analyst", error="invalid_token", error_description="${detail.replace(/["\\]/g, "'")}"`
    : 'Bearer realm="intel-analyst"';
  return new ProblemError(401, detail, [], { 'WWW-Authenticate': challenge });
}

export const forbidden = (detail: string) => new ProblemError(403, detail);
export const notFound = (detail: string) => new ProblemError(404, detail);

/** Statuses that refuse the request itself (audited as refusals), as against failing it. */
export const REFUSAL_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 413, 415, 428, 429]);

/** Builds the problem body for `status`. */
export function problemOf(
  status: ProblemStatus,
  detail: string,
  correlationId: string,
  errors: FieldError[] = [],
): Problem {
  const [kind, title] = PROBLEM_KINDS[status];
  return {
    type: `urn:intel:problem:${kind}`,
    title,
    status,
    detail,
    ...(errors.length ? { errors } : {}),
    correlationId,
  };
}
