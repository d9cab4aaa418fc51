/* eslint-disable @typescript-eslint/no-explicit-any -- test helpers hand back JSON for assertions */
/** One request to the analysts' API. */
export interface AnalystHttpOptions {
  /** Bearer token (HubHarness.mintToken). */
  token?: string;
  /** X-Consultation-Id. */
  consultation?: string;
  /** An object is sent as JSON; a string is sent as it is (malformed JSON tests). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface AnalystHttpResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON (problem+json included); otherwise the text. */
  body: T;
}

/** Sends one request to `baseUrl + path` and reads the answer whole. */
export async function analystHttp<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  opts: AnalystHttpOptions = {},
): Promise<AnalystHttpResponse<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['Authorization'] = `Bearer ${opts.token}`;
  if (opts.consultation) headers['X-Consultation-Id'] = opts.consultation;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  const json = /json/.test(res.headers.get('content-type') ?? '');
  return {
    status: res.status,
    headers: res.headers,
    body: (json && text ? JSON.parse(text) : text) as T,
  };
}
