import { createHash } from 'node:crypto';
import stableStringify from 'json-stable-stringify';

/**
 * One consultation or disclosure, as DPA 2018 s.62 requires it to be logged: who (force and
 * person), when, what was done, the justification (purpose and reason), what was asked, what
 * was returned, and to whom it was disclosed.
 */
export interface AuditEntryInput {
  at: Date;
  callerForce: string;
  callerName: string;
  /** The operation, e.g. `CheckPerson`. */
  action: string;
  purposeCode: string;
  reason: string;
  operationRef: string;
  /** What was asked (JSON-serialisable). */
  request: unknown;
  /** A JSON-serialisable summary of what was returned. */
  response: unknown;
  /** The forces told (the recipients of the disclosure). */
  recipients: string[];
}

/** A stored entry: its place in the chain (`seq` 1, 2, 3… without gaps) and its link hashes. */
export interface AuditRow extends AuditEntryInput {
  seq: number;
  /** `hash` of the row before (GENESIS_HASH for seq 1). */
  prevHash: string;
  /** Hex sha256 from chainHash. */
  hash: string;
}

/** Every field that the row's hash covers, apart from the previous hash it is chained to. */
export type AuditHashedFields = Omit<AuditRow, 'hash' | 'prevHash'>;

/** The prevHash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit), no whitespace, `toJSON` honoured
 * (a Date becomes its ISO string), `undefined` members dropped, and a top-level `undefined`
 * written as `null`. Numbers and strings are written as `JSON.stringify` writes them, which is
 * what lets a value read back from jsonb (which reorders keys and drops whitespace) canonicalise
 * to the same text. Throws on cycles and BigInt.
 */
export function canonicalJson(value: unknown): string {
  return stableStringify(value) ?? 'null';
}

/**
 * sha256 (hex) over the previous row's hash followed by the canonical JSON of every field the
 * row holds, so changing any field, the order of rows, or the link breaks the chain.
 */
export function chainHash(prevHash: string, row: AuditHashedFields): string {
  const fields = {
    seq: row.seq,
    at: row.at.toISOString(),
    callerForce: row.callerForce,
    callerName: row.callerName,
    action: row.action,
    purposeCode: row.purposeCode,
    reason: row.reason,
    operationRef: row.operationRef,
    request: row.request,
    response: row.response,
    recipients: row.recipients,
  };
  return createHash('sha256').update(prevHash).update(canonicalJson(fields)).digest('hex');
}

/**
 * The entry as it will read back from PostgreSQL: request and response reduced to plain JSON
 * values (Dates inside them become ISO strings), so the hash computed before the insert is the
 * hash recomputed on verification. Throws on what PostgreSQL would refuse or silently change
 * (NUL characters, unpaired surrogates, an invalid date, non-string text fields), so one bad
 * entry is refused on its own instead of failing every entry committed with it.
 */
export function normaliseAuditEntry(entry: AuditEntryInput): AuditEntryInput {
  if (!(entry.at instanceof Date) || Number.isNaN(entry.at.getTime())) {
    throw new TypeError('audit entry: at must be a valid Date');
  }
  const text = {
    callerForce: entry.callerForce,
    callerName: entry.callerName,
    action: entry.action,
    purposeCode: entry.purposeCode,
    reason: entry.reason,
    operationRef: entry.operationRef,
  };
  for (const [field, value] of Object.entries(text)) {
    if (typeof value !== 'string') throw new TypeError(`audit entry: ${field} must be a string`);
  }
  if (!Array.isArray(entry.recipients) || !entry.recipients.every((r) => typeof r === 'string')) {
    throw new TypeError('audit entry: recipients must be an array of strings');
  }
  const normalised: AuditEntryInput = {
    at: new Date(entry.at.getTime()),
    ...text,
    request: JSON.parse(canonicalJson(entry.request)) as unknown,
    response: JSON.parse(canonicalJson(entry.response)) as unknown,
    recipients: [...entry.recipients],
  };
  assertStorable(normalised, 'audit entry');
  return normalised;
}

// PostgreSQL text and jsonb cannot hold U+0000; the driver would replace an unpaired surrogate
// with U+FFFD (text) or jsonb rejects it: either way the stored row would not match its hash.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertStorable(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || UNPAIRED_SURROGATE.test(value)) {
      throw new TypeError(`${path}: contains a NUL character or an unpaired surrogate`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertStorable(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      assertStorable(k, `${path} key`);
      assertStorable(v, `${path}.${k}`);
    }
  }
}
