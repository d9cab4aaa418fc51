// The analysts' API over fetch: the bearer token on every call, the consultation id on every
// read, problem+json errors turned into ApiError.
import { parseProblem, type Problem } from './problem.js';
import { session } from './session.js';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.title);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
}

type Hook = (p: Problem) => void;
const hooks: { unauthorised?: Hook; justificationNeeded?: Hook } = {};

/** The app reacts to a 401 (back to the login) and a 428 (point at the justification bar). */
export function onAuthProblems(h: { unauthorised: Hook; justificationNeeded: Hook }): void {
  Object.assign(hooks, h);
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Leave out the bearer token (the login's own calls). */
  anonymous?: boolean;
  signal?: AbortSignal;
  accept?: string;
}

export function withQuery(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

async function send(method: string, url: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = {
    Accept: opts.accept ?? 'application/json, application/problem+json',
  };
  if (!opts.anonymous && session.token) headers.Authorization = `Bearer ${session.token}`;
  const consultation = session.consultation;
  if (!opts.anonymous && consultation) headers['X-Consultation-Id'] = consultation.consultationId;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(withQuery(url, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({
      status: 0,
      title: 'The hub did not answer',
      detail: 'Network error: check the connection and try again.',
      fields: [],
      errors: [],
    });
  }
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => null);
    const problem = parseProblem(res.status, body, res.headers.get('Retry-After'));
    if (res.status === 401 && !opts.anonymous) hooks.unauthorised?.(problem);
    if (res.status === 428) hooks.justificationNeeded?.(problem);
    throw new ApiError(problem);
  }
  return res;
}

/** Paths are relative to the API's base path, except the development issuer's own. */
export function apiUrl(path: string): string {
  return path.startsWith('/dev-oidc/') ? path : API_BASE + path;
}

export async function call<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, apiUrl(path), opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string, opts?: RequestOptions) => call<T>('GET', path, opts);
/** A POST; without a body when the route takes none (approve, acknowledge). */
export const post = <T>(path: string, body?: unknown, opts?: RequestOptions) =>
  call<T>('POST', path, { ...opts, body });

/** A streamed file (exports): the blob and the name the server gave it. */
export async function download(
  path: string,
  body: unknown,
): Promise<{ blob: Blob; filename: string; type: string }> {
  const res = await send('POST', apiUrl(path), { body, accept: '*/*' });
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const filename = m?.[1] ? decodeURIComponent(m[1]) : 'export';
  return { blob: await res.blob(), filename, type: res.headers.get('Content-Type') ?? '' };
}
