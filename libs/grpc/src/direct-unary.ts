import type { Metadata, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';

/**
 * A unary method served by grpc-js straight into its Nest controller (`PortAwareGrpcServer`'s
 * `directUnary`): the controller's method with the arguments Nest would give it (the decoded
 * request, the call's metadata, the call itself), resolving with the response.
 */
export type DirectUnary = (
  request: unknown,
  metadata: Metadata,
  call: ServerUnaryCall<unknown, unknown>,
) => Promise<unknown>;

/**
 * The error grpc-js is handed for a rejected call, as Nest's RPC exception filter hands it: an
 * `RpcException`'s error object (`{ code, message }`: that status, that message), anything else
 * an unnamed internal error (grpc-js answers UNKNOWN), so that a method answers the same
 * statuses served either way.
 */
export function grpcErrorOf(err: unknown): object {
  if (err instanceof RpcException) {
    const e = err.getError();
    return e !== null && typeof e === 'object' ? e : { status: 'error', message: e };
  }
  return { status: 'error', message: 'Internal server error' };
}

/** grpc-js's unary handler for a direct method: no RxJS, interceptors, pipes or filters between. */
export function directUnaryHandler(
  fn: DirectUnary,
): (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => void {
  return (call, callback) => {
    let answer: Promise<unknown>;
    try {
      answer = fn(call.request, call.metadata, call);
    } catch (err) {
      answer = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    answer.then(
      (response) => callback(null, response),
      (err: unknown) => callback(grpcErrorOf(err) as Parameters<typeof callback>[0]),
    );
  };
}
