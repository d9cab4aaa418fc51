import { X509Certificate } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * When the first certificate in a PEM bundle stops being valid, in seconds since the epoch
 * (a chain or a CA bundle expires with its earliest member). Undefined when the bundle holds no
 * certificate. Pure.
 */
export function earliestNotAfter(pem: Buffer | string): number | undefined {
  const blocks = pem.toString('utf8').match(PEM_BLOCK) ?? [];
  let earliest: number | undefined;
  for (const block of blocks) {
    const notAfter = Math.floor(Date.parse(new X509Certificate(block).validTo) / 1000);
    if (earliest === undefined || notAfter < earliest) earliest = notAfter;
  }
  return earliest;
}

/** The gRPC security a service runs with (structurally libs/config's GrpcSecurity). */
export type CertificateSource = { mode: 'mtls'; ca: Buffer; cert: Buffer } | { mode: 'plaintext' };

/**
 * `tls_certificate_not_after_seconds{role}`: when this service's gRPC certificate chain
 * (`server`) and the CA bundle it trusts for clients (`ca`) expire, for the "certificate
 * expiring" alert (deploy/monitoring). Only an expiry time, never a subject or serial number.
 * Nothing is registered in plaintext development mode (there is no certificate).
 */
export function registerCertificateExpiry(registry: Registry, security: CertificateSource): void {
  if (security.mode !== 'mtls') return;
  const gauge = new Gauge({
    name: 'tls_certificate_not_after_seconds',
    help: 'When the certificate expires (server: the gRPC server certificate chain; ca: the client CA bundle), seconds since the epoch',
    labelNames: ['role'],
    registers: [registry],
  });
  for (const [role, pem] of [
    ['server', security.cert],
    ['ca', security.ca],
  ] as const) {
    const notAfter = earliestNotAfter(pem);
    if (notAfter !== undefined) gauge.set({ role }, notAfter);
  }
}
