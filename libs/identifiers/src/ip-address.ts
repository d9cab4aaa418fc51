/**
 * IP addresses (docs/domain.md, "Identifiers": an IP address with the time it was seen — the time belongs to the record
 * that carries the address). Pure: no DNS, no reverse lookups.
 */
import { isIP } from 'node:net';
import { invalid, ok, type Parsed } from './result';

// ::ffff:0:0/96, IPv4-mapped IPv6 (RFC 4291 §2.5.5.2), as serialised by the URL parser.
const IPV4_MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * Returns the canonical text of an IPv4 or IPv6 address. IPv4 must be dotted-decimal without
 * leading zeros (as `isIP` requires). IPv6 is serialised by the WHATWG URL parser, whose IPv6
 * serializer implements RFC 5952 §4: lower-case hex, no leading zeros, the first longest run of
 * two or more zero groups compressed to `::`. An IPv4-mapped address becomes plain IPv4: it is the
 * same endpoint, and dual-stack servers log IPv4 clients in that form.
 */
export function normaliseIpAddress(input: string): Parsed<string> {
  const text = input.trim();
  const version = isIP(text);
  if (version === 0) {
    return invalid('not an IPv4 or IPv6 address');
  }
  if (version === 4) {
    return ok(text);
  }
  if (text.includes('%')) {
    return invalid('IPv6 zone index is meaningful only on one host; omit it');
  }
  const compressed = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const mapped = IPV4_MAPPED.exec(compressed);
  if (!mapped) {
    return ok(compressed);
  }
  const high = parseInt(mapped[1] ?? '', 16);
  const low = parseInt(mapped[2] ?? '', 16);
  return ok(`${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`);
}
