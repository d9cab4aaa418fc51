/**
 * What an unexpected failure while storing records means for the caller: whether retrying can
 * help. Pure: decided from the error's PostgreSQL SQLSTATE (or Node's socket error code) alone.
 *
 * - `retryable`: the database could not be reached or asked us to come back (connection
 *   exceptions, shutdown, too many connections, serialization failure, deadlock). Nothing was
 *   stored; the same request will succeed later. Answered UNAVAILABLE "retry it".
 * - `data`: the database refused this data (data exceptions, integrity violations, program
 *   limits such as an oversized index row). Retrying the same record can never help. In a batch
 *   the offending item is found and reported alone; answered INTERNAL with a reference id.
 * - `internal`: anything else (a defect). INTERNAL with a reference id.
 */
export type FailureKind = 'retryable' | 'data' | 'internal';

interface ErrorWithCode {
  code?: unknown;
  driverError?: { code?: unknown };
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '55P03']);
const RETRYABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** pg's and typeorm's words for a connection that went away or never came. */
const CONNECTION_LOST =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|Query read timeout/i;

/** The SQLSTATE of a pg error, also when typeorm wrapped it (QueryFailedError.driverError). */
export function sqlState(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as ErrorWithCode;
  const code = e.driverError?.code ?? e.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function classifyFailure(err: unknown): FailureKind {
  const state = sqlState(err);
  if (state) {
    const cls = state.slice(0, 2);
    if (cls === '08' || cls === '53' || RETRYABLE_SQLSTATES.has(state)) return 'retryable';
    if (cls === '22' || cls === '23' || cls === '54') return 'data';
    return 'internal';
  }
  if (typeof err === 'object' && err !== null) {
    const code = (err as ErrorWithCode).code;
    if (typeof code === 'string' && RETRYABLE_NODE_CODES.has(code)) return 'retryable';
    if (err instanceof Error && CONNECTION_LOST.test(err.message)) return 'retryable';
  }
  return 'internal';
}

/**
 * What may be logged about a failure: its kind, SQLSTATE and the error's class, never its
 * message or detail (PostgreSQL quotes the offending values there, i.e. record content).
 */
export function failureLogFields(err: unknown): Record<string, string | undefined> {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    driverError?: { constraint?: unknown; table?: unknown; column?: unknown };
    constraint?: unknown;
    table?: unknown;
  };
  const d = e.driverError ?? e;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    failure: classifyFailure(err),
    sqlState: sqlState(err),
    errorClass: err instanceof Error ? err.constructor.name : typeof err,
    constraint: str((d as { constraint?: unknown }).constraint),
    table: str((d as { table?: unknown }).table),
  };
}
