import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { auditPersonIds } from './audit-person-ids';

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
 * Deterministic (sorted keys) and strict: what JSON cannot hold faithfully (NaN, Infinity,
 * BigInt, functions, symbols, cycles) throws instead of being written as something else.
 */
const stringify = configure({ deterministic: true, strict: true, circularValue: Error });

/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit), no whitespace, `toJSON` honoured
 * (a Date becomes its ISO string), `undefined` members dropped (`null` in arrays), and a
 * top-level `undefined` written as `null`. Numbers and strings are written as `JSON.stringify`
 * writes them, which is what lets a value read back from jsonb (which reorders keys and drops
 * whitespace) canonicalise to the same text. Throws on cycles, BigInt, NaN, Infinity, functions
 * and symbols. Every chain ever written must verify: the text is byte for byte what
 * json-stable-stringify, which wrote the first rows, writes for JSON (a test holds it to that).
 */
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

/**
 * sha256 (hex) over the previous row's hash followed by the canonical JSON of every field the
 * row holds, so changing any field, the order of rows, or the link breaks the chain.
 */
export function chainHash(prevHash: string, row: AuditHashedFields): string {
  return chainHashOfCanonical(
    prevHash,
    row,
    canonicalJson(row.request),
    canonicalJson(row.response),
  );
}

/**
 * chainHash with the request and response already in canonical JSON (an appender has them from
 * prepareAuditEntry): the text hashed is the same, written without walking them again.
 */
export function chainHashOfCanonical(
  prevHash: string,
  row: Omit<AuditHashedFields, 'request' | 'response'>,
  requestJson: string,
  responseJson: string,
): string {
  // canonicalJson of the fields object, written out: keys in sorted order.
  const text =
    `{"action":${JSON.stringify(row.action)}` +
    `,"at":${JSON.stringify(row.at.toISOString())}` +
    `,"callerForce":${JSON.stringify(row.callerForce)}` +
    `,"callerName":${JSON.stringify(row.callerName)}` +
    `,"operationRef":${JSON.stringify(row.operationRef)}` +
    `,"purposeCode":${JSON.stringify(row.purposeCode)}` +
    `,"reason":${JSON.stringify(row.reason)}` +
    `,"recipients":${canonicalJson(row.recipients)}` +
    `,"request":${requestJson}` +
    `,"response":${responseJson}` +
    `,"seq":${canonicalJson(row.seq)}}`;
  return createHash('sha256').update(prevHash).update(text).digest('hex');
}

/**
 * An entry ready to chain: its fields checked, and its request and response in canonical JSON,
 * written once (that text is what the hash covers and what is stored).
 */
export interface NormalisedAuditEntry extends Omit<AuditEntryInput, 'request' | 'response'> {
  requestJson: string;
  responseJson: string;
  /** The persons the request and response name (auditPersonIds): stored, not hashed. */
  personIds: string[];
}

/**
 * The entry as it will read back from PostgreSQL: request and response written as canonical
 * JSON (Dates inside them become ISO strings, undefined members go), so the hash computed before
 * the insert is the hash recomputed on verification. Throws on what PostgreSQL would refuse or silently change
 * (NUL characters, unpaired surrogates, an invalid date, non-string text fields), so one bad
 * entry is refused on its own instead of failing every entry committed with it.
 */
export function normaliseAuditEntry(entry: AuditEntryInput): NormalisedAuditEntry {
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
  const normalised = {
    at: new Date(entry.at.getTime()),
    ...text,
    recipients: [...entry.recipients],
  };
  assertStorable(normalised, 'audit entry');
  const requestJson = canonicalJson(entry.request);
  const responseJson = canonicalJson(entry.response);
  assertStorableJson(requestJson, 'audit entry.request');
  assertStorableJson(responseJson, 'audit entry.response');
  // Field by field, not spread: an entry is made per consultation, on the answer's path.
  return {
    at: normalised.at,
    callerForce: text.callerForce,
    callerName: text.callerName,
    action: text.action,
    purposeCode: text.purposeCode,
    reason: text.reason,
    operationRef: text.operationRef,
    recipients: normalised.recipients,
    requestJson,
    responseJson,
    personIds: auditPersonIds(requestJson, responseJson),
  };
}

/**
 * In JSON text a NUL is written `\u0000` and an unpaired surrogate `\udXXX` (JSON.stringify's
 * well-formed output; paired surrogates are written as they are); an escape counts only after an
 * even run of backslashes.
 */
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;

/** assertStorable on canonical JSON text, without parsing it unless there is something to name. */
function assertStorableJson(json: string, path: string): void {
  // Most entries hold no escape at all: nothing to look for (the pattern needs one).
  if (!json.includes('\\u') || !UNSTORABLE_ESCAPE.test(json)) return;
  assertStorable(JSON.parse(json) as unknown, path);
  throw new TypeError(`${path}: contains a NUL character or an unpaired surrogate`);
}

// PostgreSQL text and jsonb cannot hold U+0000; the driver would replace an unpaired surrogate
// with U+FFFD (text) or jsonb rejects it: either way the stored row would not match its hash.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Text without a NUL or any surrogate (most text) needs no closer look. */
// eslint-disable-next-line no-control-regex -- the NUL is what it looks for
const NUL_OR_SURROGATE = /[\u0000\uD800-\uDFFF]/;

function assertStorable(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (
      NUL_OR_SURROGATE.test(value) &&
      (value.includes('\u0000') || UNPAIRED_SURROGATE.test(value))
    ) {
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
