import type { Metadata } from '@grpc/grpc-js';
import { isForceCode, type GrpcSecurity } from '@intel/config';

/** Who is calling: the system named by its client certificate, and the force it belongs to. */
export interface CallerIdentity {
  /** Certificate subject CN, e.g. "norfolk-custody" (or the dev-mode name, "plaintext-dev"). */
  system: string;
  /** A known PNC force code from the certificate's OU "force-NN" (or x-dev-force), if any. */
  forceCode: string | undefined;
  /** How the identity was established. */
  via: 'mtls' | 'plaintext-dev';
}

/** The caller could not be identified (no certificate, or one that names no known force). */
export class UnauthenticatedError extends Error {}

/** The caller is identified, but as someone this service does not serve. */
export class PermissionDeniedError extends Error {}

interface PeerCertificate {
  subject?: Record<string, string | string[] | undefined>;
}

/** Something with grpc-js's getAuthContext() (every server call object has it). */
export interface AuthContextCarrier {
  getAuthContext?: () => { sslPeerCertificate?: PeerCertificate } | undefined;
}

/** A calling system's name: what may be written to logs and the audit as the caller. */
const SYSTEM_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;
const FORCE_OU = /^force-(\d{2})$/;

const NO_FORCE =
  'the caller must name a known PNC force (certificate OU=force-NN; in plaintext mode x-dev-force: NN)';
const BAD_SYSTEM =
  'the calling system name must be 1-64 letters, digits and . _ : @ - (certificate CN; in plaintext mode x-dev-caller)';

function single(v: string | string[] | undefined): string | undefined {
  // A subject with two OUs (or two CNs) is ambiguous: it names no one.
  if (Array.isArray(v)) return v.length === 1 ? v[0] : undefined;
  return v;
}

function header(metadata: Metadata | undefined, name: string): string | undefined {
  const values = metadata?.get(name) ?? [];
  if (values.length === 0) return undefined;
  if (values.length > 1 || typeof values[0] !== 'string') return '';
  return values[0];
}

/** The force a certificate OU (`force-NN`) names: only a known PNC force code counts. Pure. */
export function forceFromOu(ou: string | undefined): string | undefined {
  const code = FORCE_OU.exec(ou ?? '')?.[1];
  return code !== undefined && isForceCode(code) ? code : undefined;
}

/**
 * Reads the caller from the verified client certificate (the TLS handshake already checked it
 * against our CA): CN = calling system, OU = `force-NN` with NN a known PNC force code. There is
 * no fallback to `O=` or anything else: a certificate that names no known force by its OU names
 * no force. In the explicit plaintext development mode the caller names itself in the
 * `x-dev-caller` and `x-dev-force` metadata (announced loudly at start-up); the same rules apply
 * to those values, which are validated before anything writes them to a log or the audit.
 * Throws UnauthenticatedError when no calling system can be named; `forceCode` is undefined when
 * no known force is named (each service decides whether that is acceptable: none does today).
 */
export function callerIdentity(
  security: GrpcSecurity,
  call: AuthContextCarrier | undefined,
  metadata?: Metadata,
): CallerIdentity {
  if (security.mode === 'plaintext') {
    const system = header(metadata, 'x-dev-caller') ?? 'plaintext-dev';
    if (!SYSTEM_NAME.test(system)) throw new UnauthenticatedError(BAD_SYSTEM);
    const force = header(metadata, 'x-dev-force');
    const forceCode = force !== undefined && isForceCode(force) ? force : undefined;
    return { system, forceCode, via: 'plaintext-dev' };
  }
  const cert = call?.getAuthContext?.()?.sslPeerCertificate;
  const cn = single(cert?.subject?.['CN']);
  if (!cn)
    throw new UnauthenticatedError('a client certificate naming the calling system is required');
  if (!SYSTEM_NAME.test(cn)) throw new UnauthenticatedError(BAD_SYSTEM);
  return { system: cn, forceCode: forceFromOu(single(cert?.subject?.['OU'])), via: 'mtls' };
}

/**
 * The caller, who must belong to a known force (the hub: any force may query, as itself).
 * Throws UnauthenticatedError otherwise.
 */
export function forceCaller(
  security: GrpcSecurity,
  call: AuthContextCarrier | undefined,
  metadata?: Metadata,
): { force: string; system: string } {
  const id = callerIdentity(security, call, metadata);
  if (!id.forceCode) throw new UnauthenticatedError(NO_FORCE);
  return { force: id.forceCode, system: id.system };
}

/**
 * The caller of a force node, who must belong to the node's own force: a Met system may not
 * submit or withdraw Norfolk's records, whatever CA signed its certificate. The refusal says
 * which force the node serves and nothing about the caller. Returns `NN/system` for the logs
 * and the record log.
 */
export function ownForceCaller(
  ownForce: string,
  security: GrpcSecurity,
  call: AuthContextCarrier | undefined,
  metadata?: Metadata,
): string {
  const id = callerIdentity(security, call, metadata);
  if (id.forceCode !== ownForce)
    throw new PermissionDeniedError(`this node serves force ${ownForce}`);
  return `${id.forceCode}/${id.system}`;
}

const COVERT_OU = /^covert-(\d{2})$/;
const NOT_COVERT = 'this service serves covert units only';

/** The force whose covert unit a certificate OU (`covert-NN`) names: only a known PNC code. Pure. */
export function covertForceFromOu(ou: string | undefined): string | undefined {
  const code = COVERT_OU.exec(ou ?? '')?.[1];
  return code !== undefined && isForceCode(code) ? code : undefined;
}

/** A covert unit of a force: the force it belongs to, and its unit (the certificate's CN). */
export interface CovertUnit {
  force: string;
  /** The unit's system name (certificate CN; in plaintext mode x-dev-caller). */
  unit: string;
}

/**
 * The caller of the deconfliction service, who must be a covert unit of a known force: a
 * certificate with `OU=covert-NN` (NN a known PNC force code), CN = the unit's system name. A
 * covert unit's certificate is not a force system's: `forceFromOu` refuses `covert-NN`, so it
 * cannot query or submit intelligence, and a force system's `OU=force-NN` certificate cannot use
 * this service. In the plaintext development mode the caller names itself in `x-dev-caller` and
 * `x-dev-covert: NN` (x-dev-force does not count). Throws UnauthenticatedError when no calling
 * system can be named, PermissionDeniedError when it is not a covert unit; neither message says
 * anything about what the service holds.
 */
export function covertUnitCaller(
  security: GrpcSecurity,
  call: AuthContextCarrier | undefined,
  metadata?: Metadata,
): CovertUnit {
  if (security.mode === 'plaintext') {
    const unit = header(metadata, 'x-dev-caller');
    if (unit === undefined || !SYSTEM_NAME.test(unit)) throw new UnauthenticatedError(BAD_SYSTEM);
    const covert = header(metadata, 'x-dev-covert');
    const force = covert !== undefined && isForceCode(covert) ? covert : undefined;
    if (!force) throw new PermissionDeniedError(NOT_COVERT);
    return { force, unit };
  }
  const cert = call?.getAuthContext?.()?.sslPeerCertificate;
  const cn = single(cert?.subject?.['CN']);
  if (!cn)
    throw new UnauthenticatedError('a client certificate naming the calling system is required');
  if (!SYSTEM_NAME.test(cn)) throw new UnauthenticatedError(BAD_SYSTEM);
  const force = covertForceFromOu(single(cert?.subject?.['OU']));
  if (!force) throw new PermissionDeniedError(NOT_COVERT);
  return { force, unit: cn };
}
