import type { Metadata } from '@grpc/grpc-js';
import type { GrpcSecurity } from '@intel/config';

/** Who is calling: the system named by its client certificate, and the force it belongs to. */
export interface CallerIdentity {
  /** Certificate subject CN, e.g. "norfolk-custody" (or "plaintext-dev"). */
  system: string;
  /** PNC force code from the certificate's OU "force-NN" (or O "NN"), when present. */
  forceCode: string | undefined;
  /** How the identity was established. */
  via: 'mtls' | 'plaintext-dev';
}

export class UnauthenticatedError extends Error {}

interface PeerCertificate {
  subject?: Record<string, string | string[] | undefined>;
}

/** Something with grpc-js's getAuthContext() (every server call object has it). */
export interface AuthContextCarrier {
  getAuthContext?: () => { sslPeerCertificate?: PeerCertificate } | undefined;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Reads the caller from the verified client certificate (the TLS handshake already checked it
 * against our CA). In the explicit plaintext development mode the caller may name itself in
 * the `x-dev-caller` and `x-dev-force` metadata; that mode is announced loudly at start-up.
 */
export function callerIdentity(
  security: GrpcSecurity,
  call: AuthContextCarrier | undefined,
  metadata?: Metadata,
): CallerIdentity {
  if (security.mode === 'plaintext') {
    const system = String(metadata?.get('x-dev-caller')[0] ?? 'plaintext-dev');
    const force = metadata?.get('x-dev-force')[0];
    return { system, forceCode: force ? String(force) : undefined, via: 'plaintext-dev' };
  }
  const cert = call?.getAuthContext?.()?.sslPeerCertificate;
  const cn = first(cert?.subject?.['CN']);
  if (!cn)
    throw new UnauthenticatedError('a client certificate naming the calling system is required');
  const ou = first(cert?.subject?.['OU']);
  const o = first(cert?.subject?.['O']);
  const forceCode =
    /^force-(\d{2})$/.exec(ou ?? '')?.[1] ?? (/^\d{2}$/.test(o ?? '') ? o : undefined);
  return { system: cn, forceCode, via: 'mtls' };
}
