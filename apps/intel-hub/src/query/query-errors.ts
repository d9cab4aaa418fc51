import { isDatabaseUnavailable } from '@intel/db';
import { status } from '@intel/grpc';
import { RecordValidationError } from '@intel/records';
import { UnauthenticatedError } from '@intel/security';
import { AlertNotFoundError } from '../alerts/alert-acknowledge';
import { InvalidAlertIdError } from '../alerts/alert-feed';
import { wasAudited, type RefusedField } from './consultation-audit';
import { IndexNotReadyError, PersonNotFoundError } from './intel-query.service';

export class DeadlineExceededError extends Error {}

/** What a failed IntelQuery call is answered with, and whether the refusal must be audited. */
export interface QueryOutcome {
  code: status;
  /** What the caller is told: never internal error text. */
  message: string;
  /** The fields named, for the audit (validation refusals). */
  errors: RefusedField[];
  /**
   * True for a refusal (the caller's input, identity or rate): appended to the audit chain at
   * the edge. False for a failure of the hub's own (INTERNAL, UNAVAILABLE, a passed deadline),
   * and for an error already audited where it arose.
   */
  audit: boolean;
}

/** Refusals: answered because of the call itself, not because of the hub's state. */
const REFUSALS = new Set<status>([
  status.INVALID_ARGUMENT,
  status.UNAUTHENTICATED,
  status.PERMISSION_DENIED,
  status.RESOURCE_EXHAUSTED,
  status.FAILED_PRECONDITION,
  status.NOT_FOUND,
]);

/** Pure: maps an error to its gRPC answer. Anything unknown is INTERNAL, with no text leaked. */
export function classifyQueryError(err: unknown): QueryOutcome {
  const [code, message, errors] = codeOf(err);
  const audit = REFUSALS.has(code) && !wasAudited(err);
  return { code, message, errors, audit };
}

function codeOf(err: unknown): [status, string, RefusedField[]] {
  if (err instanceof RecordValidationError)
    return [status.INVALID_ARGUMENT, err.message, err.errors];
  if (err instanceof InvalidAlertIdError)
    return [status.INVALID_ARGUMENT, err.message, [fieldOf(err.message)]];
  if (err instanceof UnauthenticatedError)
    return [status.UNAUTHENTICATED, err.message, [{ field: '(caller)', message: err.message }]];
  if (err instanceof PersonNotFoundError) return [status.NOT_FOUND, err.message, []];
  if (err instanceof AlertNotFoundError)
    return [status.NOT_FOUND, err.message, [fieldOf(err.message)]];
  if (err instanceof IndexNotReadyError) return [status.UNAVAILABLE, err.message, []];
  if (err instanceof DeadlineExceededError) return [status.DEADLINE_EXCEEDED, err.message, []];
  // The audit must be durable before any answer: without the database there is none. Retryable.
  if (isDatabaseUnavailable(err))
    return [
      status.UNAVAILABLE,
      'the national index is unavailable (its database); retry shortly',
      [],
    ];
  return [status.INTERNAL, 'internal error; the call was not answered', []];
}

function fieldOf(message: string): RefusedField {
  const i = message.indexOf(':');
  return i > 0
    ? { field: message.slice(0, i), message: message.slice(i + 1).trim() }
    : { field: '', message };
}
