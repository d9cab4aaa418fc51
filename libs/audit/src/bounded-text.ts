import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { canonicalJson } from './audit-entry';

/**
 * Characters written into the audit as a visible `\uXXXX` escape instead of themselves: what
 * PostgreSQL cannot store (NUL, an unpaired surrogate), C0 and C1 controls (a terminal or log
 * viewer would act on them), and the bidirectional formatting characters (U+061C, U+200E/F,
 * U+202A–U+202E, U+2066–U+2069) that make a line read differently from what it holds. Tab and
 * newline are escaped too: an audit field is one line.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const hex4 = (c: string) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;

/** `text` with every unsafe character (above) written as a visible `\uXXXX` escape. */
export function escapeUnsafeText(text: string): string {
  return text.replace(UNSAFE, hex4);
}

/** Cuts at `max` UTF-16 code units without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

/**
 * Any value received from a caller, as text safe to store in one audit field: strings as they
 * are, anything else (a number where an enum was expected, an object) as its JSON; unsafe
 * characters escaped, then cut to `max` characters with `…[+N]` saying how many more there were.
 */
export function boundedText(value: unknown, max: number): string {
  const text =
    value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : lenientJson(value);
  const escaped = escapeUnsafeText(text);
  if (escaped.length <= max) return escaped;
  const kept = cut(escaped, max);
  return `${kept}…[+${escaped.length - kept.length}]`;
}

/**
 * A refused request as the audit keeps it: the first `cap` characters of its canonical JSON
 * (unsafe characters escaped), and the SHA-256 and UTF-8 size of the whole canonical text, so
 * that a copy of the request produced later can be proven to be the one refused, without
 * storing megabytes a caller chose to send.
 */
export interface BoundedRequest {
  /** Hex SHA-256 of the whole canonical JSON (UTF-8). */
  sha256: string;
  /** UTF-8 bytes of the whole canonical JSON. */
  bytes: number;
  /** The whole text did not fit in `json`. */
  truncated: boolean;
  /** The canonical JSON, escaped, at most `cap` characters (plus the escapes' own length). */
  json: string;
}

/** Characters of a refused request's canonical JSON kept in the audit. */
export const REFUSED_REQUEST_CAP = 4096;

export function boundedRequest(raw: unknown, cap = REFUSED_REQUEST_CAP): BoundedRequest {
  const text = lenientJson(raw);
  const bytes = Buffer.byteLength(text, 'utf8');
  const kept = cut(text, cap);
  return {
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    bytes,
    truncated: kept.length < text.length,
    json: escapeUnsafeText(kept),
  };
}

/** Canonical JSON where it can be written; otherwise a deterministic best effort that never throws. */
const lenient = configure({ deterministic: true, bigint: true, circularValue: '[Circular]' });
function lenientJson(value: unknown): string {
  try {
    return canonicalJson(value);
  } catch {
    try {
      return lenient(value) ?? 'null';
    } catch {
      return '"[unserialisable]"';
    }
  }
}
