import { status } from '@intel/grpc';

/** What a gRPC call's failure carries (grpc-js ServiceError). */
interface ServiceErrorLike {
  code: number;
  details: string;
}

function isServiceError(err: unknown): err is ServiceErrorLike {
  return (
    err instanceof Error &&
    typeof (err as Partial<ServiceErrorLike>).code === 'number' &&
    typeof (err as Partial<ServiceErrorLike>).details === 'string'
  );
}

/**
 * The line an operator sees when a command fails. A service's refusal (INVALID_ARGUMENT naming
 * the field, UNAVAILABLE, PERMISSION_DENIED …) is an answer, not a crash: it is shown as the
 * status and the service's message, without a stack trace. Anything else is a fault of the
 * command itself and keeps its stack for the bug report.
 */
export function describeCliError(err: unknown): string {
  if (isServiceError(err)) {
    const name = status[err.code] ?? `status ${err.code}`;
    return `error: ${name}: ${err.details}`;
  }
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
