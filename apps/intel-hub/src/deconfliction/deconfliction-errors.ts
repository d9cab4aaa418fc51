import { status } from '@intel/grpc';
import { isDatabaseUnavailable } from '@intel/db';
import { RecordValidationError } from '@intel/records';
import { PermissionDeniedError, UnauthenticatedError } from '@intel/security';

/** The unit has no such active registration or notice (another unit's counts as none). */
export class RegistrationNotFoundError extends Error {}
/** This hub does not lead (or has not loaded the registrations yet): retry. */
export class DeconflictionUnavailableError extends Error {}
/** The unit made too many registrations (each is a probe of what forces hold). */
export class RegistrationRateLimitedError extends Error {}

export interface DeconflictionOutcome {
  code: status;
  message: string;
  /** The refused fields (names and messages only, never values). */
  fields: string[];
}

/**
 * The gRPC status of a failed deconfliction call. Messages name fields and say nothing about
 * what the service holds: another unit's registration or notice is NOT_FOUND exactly like one
 * that never existed. Pure.
 */
export function deconflictionOutcome(err: unknown): DeconflictionOutcome {
  if (err instanceof RecordValidationError)
    return {
      code: status.INVALID_ARGUMENT,
      message: err.message,
      fields: err.errors.map((e) => e.field),
    };
  if (err instanceof UnauthenticatedError)
    return { code: status.UNAUTHENTICATED, message: err.message, fields: ['(caller)'] };
  if (err instanceof PermissionDeniedError)
    return { code: status.PERMISSION_DENIED, message: err.message, fields: ['(caller)'] };
  if (err instanceof RegistrationNotFoundError)
    return { code: status.NOT_FOUND, message: err.message, fields: [] };
  if (err instanceof RegistrationRateLimitedError)
    return { code: status.RESOURCE_EXHAUSTED, message: err.message, fields: [] };
  if (err instanceof DeconflictionUnavailableError)
    return { code: status.UNAVAILABLE, message: err.message, fields: [] };
  if (isDatabaseUnavailable(err))
    return {
      code: status.UNAVAILABLE,
      message: 'deconfliction is unavailable; retry shortly',
      fields: [],
    };
  return {
    code: status.INTERNAL,
    message: 'internal error; the call was not answered',
    fields: [],
  };
}
