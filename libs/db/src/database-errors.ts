/**
 * What a failed database call says about what to do next:
 * - `unavailable`: the server cannot be reached or is going away (connection refused or lost,
 *   shutdown, starting up, too many connections). Nothing about the work was wrong: retry it
 *   later, and tell callers to retry.
 * - `transient`: the work collided with other work (serialisation failure, deadlock, lock not
 *   available). Retrying the same work may succeed.
 * - `own`: anything else (the server refused this statement or its data, or the code failed).
 *   Retrying the same work will fail the same way.
 */
export type DatabaseFailure = 'unavailable' | 'transient' | 'own';

/** SQLSTATE classes and codes that mean the server is unreachable or going away. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53000']);
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Messages of node-postgres (pg, pg-pool) when a connection ends or cannot be had. */
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection (?:is )?closed/i,
  /terminating connection/i,
  /the database system is (?:starting up|shutting down|in recovery mode)/i,
  /Cannot use a pool after calling end/i,
];

function codeOf(err: object): string | undefined {
  const c = (err as { code?: unknown }).code;
  if (typeof c === 'string') return c;
  const d = (err as { driverError?: unknown }).driverError;
  if (d && typeof d === 'object') {
    const dc = (d as { code?: unknown }).code;
    if (typeof dc === 'string') return dc;
  }
  return undefined;
}

/** Classifies an error thrown by a database call (node-postgres or TypeORM around it). */
export function classifyDatabaseError(err: unknown): DatabaseFailure {
  if (!err || typeof err !== 'object') return 'own';
  const code = codeOf(err);
  if (code !== undefined) {
    if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code))
      return 'unavailable';
    if (TRANSIENT_SQLSTATES.has(code)) return 'transient';
    if (/^[0-9A-Z]{5}$/.test(code)) return 'own';
  }
  const message = err instanceof Error ? err.message : '';
  if (CONNECTION_MESSAGES.some((m) => m.test(message))) return 'unavailable';
  const cause = (err as { cause?: unknown }).cause;
  if (cause && cause !== err) return classifyDatabaseError(cause);
  return 'own';
}

/** True when the database cannot be reached now (callers should be told to retry). */
export function isDatabaseUnavailable(err: unknown): boolean {
  return classifyDatabaseError(err) === 'unavailable';
}

/**
 * A short class for logs and metrics, never the error's text (which may quote the data):
 * `pg-<SQLSTATE>` for a server error, the network code for a connection error, else the
 * error's constructor name.
 */
export function databaseErrorClass(err: unknown): string {
  if (!err || typeof err !== 'object') return typeof err;
  const code = codeOf(err);
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return `pg-${code}`;
  if (code !== undefined && /^E[A-Z_]+$/.test(code)) return code;
  if (classifyDatabaseError(err) === 'unavailable') return 'connection-lost';
  const name = (err as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && /^[A-Za-z]+$/.test(name) ? name : 'Error';
}
