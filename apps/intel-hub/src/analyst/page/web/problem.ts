// RFC 9457 problem details as the page shows them: title, detail, and the field(s) named.
// Pure (no DOM) so that it is unit-tested.

export interface Problem {
  status: number;
  title: string;
  detail?: string;
  /** Every field the server named (a header such as X-Consultation-Id, or a body path). */
  fields: string[];
  /** Per-field messages when the server gave them. */
  errors: { field?: string; detail: string }[];
  type?: string;
  retryAfterSeconds?: number;
  /** The request's id, to quote to the service desk. */
  correlationId?: string;
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not logged in',
  403: 'Not allowed',
  404: 'Not found',
  413: 'Request too large',
  428: 'Justification required',
  429: 'Too many requests',
  500: 'Server error',
  503: 'Service unavailable',
};

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v : undefined;

/** A JSON pointer (/names/0/family) or a dotted path, as the page shows it: names[0].family. */
export function fieldLabel(pointer: string): string {
  if (!pointer.startsWith('/')) return pointer;
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

export function parseProblem(status: number, body: unknown, retryAfter?: string | null): Problem {
  const o = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const fields = new Set<string>();
  const one = str(o.field) ?? str(o.header) ?? str(o.pointer) ?? str(o.parameter);
  if (one) fields.add(fieldLabel(one));
  if (Array.isArray(o.fields))
    for (const f of o.fields) if (str(f)) fields.add(fieldLabel(f as string));
  const errors: Problem['errors'] = [];
  const list = Array.isArray(o.errors) ? o.errors : Array.isArray(o.issues) ? o.issues : [];
  for (const e of list) {
    if (e === null || typeof e !== 'object') continue;
    const r = e as Record<string, unknown>;
    const path = Array.isArray(r.path) ? r.path.join('.') : undefined;
    const f = str(r.field) ?? str(r.pointer) ?? str(r.name) ?? str(path);
    const detail = str(r.detail) ?? str(r.message) ?? '';
    if (f) fields.add(fieldLabel(f));
    errors.push({ field: f ? fieldLabel(f) : undefined, detail });
  }
  const seconds = retryAfter ? Number(retryAfter) : NaN;
  return {
    status,
    title: str(o.title) ?? STATUS_TITLES[status] ?? `HTTP ${status}`,
    detail: str(o.detail),
    fields: [...fields],
    errors,
    type: str(o.type),
    correlationId: str(o.correlationId),
    retryAfterSeconds: Number.isFinite(seconds) ? seconds : undefined,
  };
}

/** One line for a status bar or an aria-live region. */
export function problemText(p: Problem): string {
  const parts = [p.title];
  if (p.detail && p.detail !== p.title) parts.push(p.detail);
  if (p.fields.length > 0) parts.push(`(${p.fields.join(', ')})`);
  if (p.retryAfterSeconds !== undefined) parts.push(`Retry in ${p.retryAfterSeconds} s.`);
  return parts.join(' — ').replace(' — (', ' (');
}
