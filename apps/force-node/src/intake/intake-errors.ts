import type { Metadata } from '@grpc/grpc-js';
import type { ForceNodeConfig } from '@intel/config';
import { rpcError, status } from '@intel/grpc';
import { RecordValidationError } from '@intel/records';
import {
  PermissionDeniedError,
  UnauthenticatedError,
  ownForceCaller,
  type AuthContextCarrier,
} from '@intel/security';
import type { RpcException } from '@nestjs/microservices';
import type { FailureReporter } from './failure-reporter';
import { BatchCancelledError, BatchTooLargeError, PreconditionError } from './intake.service';
import { RecordNotFoundError } from './withdrawal.service';

/**
 * The calling system as `NN/system` for the logs and the record log, once it is known to belong
 * to this node's force (PERMISSION_DENIED otherwise, UNAUTHENTICATED without a usable name).
 */
export function identify(
  config: ForceNodeConfig,
  call: AuthContextCarrier | undefined,
  metadata: Metadata | undefined,
): string {
  return ownForceCaller(config.forceCode, config.grpc.security, call, metadata);
}

/**
 * Domain errors to gRPC status codes. Anything unexpected is reported (logged with a reference
 * id and counted) and answered without its text: UNAVAILABLE "retry it" only when the database
 * could not be reached (retrying helps; nothing was stored), otherwise INTERNAL with the
 * reference id.
 */
export function toRpcError(err: unknown, failures: FailureReporter, rpc: string): RpcException {
  if (err instanceof RecordValidationError) return rpcError(status.INVALID_ARGUMENT, err.message);
  if (err instanceof PreconditionError) return rpcError(status.FAILED_PRECONDITION, err.message);
  if (err instanceof RecordNotFoundError) return rpcError(status.NOT_FOUND, err.message);
  if (err instanceof UnauthenticatedError) return rpcError(status.UNAUTHENTICATED, err.message);
  if (err instanceof PermissionDeniedError) return rpcError(status.PERMISSION_DENIED, err.message);
  if (err instanceof BatchTooLargeError) return rpcError(status.RESOURCE_EXHAUSTED, err.message);
  if (err instanceof BatchCancelledError) return rpcError(status.CANCELLED, err.message);
  const { kind, ref } = failures.report(err, { rpc });
  if (kind === 'retryable')
    return rpcError(
      status.UNAVAILABLE,
      `the database is unavailable; nothing was stored, retry it (reference ${ref})`,
    );
  return rpcError(
    status.INTERNAL,
    `internal error (reference ${ref}); nothing was stored and retrying the same request will not help`,
  );
}
