import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';

/** gRPC errors as Nest RpcExceptions carrying a status code (nestjs sample 04-grpc). */
export function rpcError(code: status, message: string): RpcException {
  return new RpcException({ code, message });
}

export function invalidArgument(message: string): RpcException {
  return rpcError(status.INVALID_ARGUMENT, message);
}

export { status };
