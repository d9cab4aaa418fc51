import { ServerCredentials } from '@grpc/grpc-js';
import type { GrpcSecurity } from '@intel/config';

/** Mutual TLS: the server presents its certificate and requires one from the client, signed by our CA. */
export function serverCredentials(security: GrpcSecurity): ServerCredentials {
  if (security.mode === 'plaintext') return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    security.ca,
    [{ cert_chain: security.cert, private_key: security.key }],
    true,
  );
}

export const PLAINTEXT_WARNING =
  '*** gRPC is running in PLAINTEXT development mode: no TLS, callers are NOT authenticated. ' +
  'Never use this setting with real data (unset GRPC_INSECURE_PLAINTEXT). ***';
