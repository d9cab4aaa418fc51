/**
 * E-mail addresses (docs/domain.md, "Identifiers": compared lower-cased). The check is structural, not
 * RFC 5322 in full: quoted local parts (which may contain `@` or spaces) are rejected, since they
 * do not occur in the data this system receives.
 */
import { invalid, ok, type Parsed } from './result';

// RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets.
const MAX_LENGTH = 254;
// RFC 5321 §4.5.3.1.1.
const MAX_LOCAL_LENGTH = 64;
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Trims and lower-cases an address and checks its shape. Dots and `+tags` are kept: they are
 * part of the address at most providers, so removing them here would change whose it is.
 */
export function normaliseEmail(input: string): Parsed<string> {
  const email = input.trim().toLowerCase();
  if (email.length === 0) {
    return invalid('e-mail address is empty');
  }
  if (email.length > MAX_LENGTH) {
    return invalid(`e-mail address is longer than ${MAX_LENGTH} characters`);
  }
  if (/\s/u.test(email)) {
    return invalid('e-mail address contains whitespace');
  }
  const parts = email.split('@');
  if (parts.length !== 2) {
    return invalid('e-mail address must contain exactly one @');
  }
  const [local = '', domain = ''] = parts;
  if (local.length === 0 || local.length > MAX_LOCAL_LENGTH) {
    return invalid(`e-mail local part must be 1 to ${MAX_LOCAL_LENGTH} characters`);
  }
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((label) => label.length === 0)) {
    return invalid('e-mail domain must be a dotted name such as example.com');
  }
  return ok(email);
}

/**
 * Key for matching only — never store or display it in place of the address. Drops a `+tag`
 * (sub-addressing, RFC 5233) at every provider and, for Gmail, also dots in the local part, which
 * Gmail ignores, and maps googlemail.com to gmail.com (the same mailboxes).
 */
export function emailMatchKey(input: string): Parsed<string> {
  const parsed = normaliseEmail(input);
  if (!parsed.ok) {
    return parsed;
  }
  const at = parsed.value.indexOf('@');
  let local = parsed.value.slice(0, at);
  let domain = parsed.value.slice(at + 1);
  // A leading '+' is the whole local part, not a tag.
  const plus = local.indexOf('+');
  if (plus > 0) {
    local = local.slice(0, plus);
  }
  if (GMAIL_DOMAINS.has(domain)) {
    domain = 'gmail.com';
    local = local.replaceAll('.', '') || local;
  }
  return ok(`${local}@${domain}`);
}
