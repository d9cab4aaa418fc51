import fc from 'fast-check';
import {
  GENESIS_HASH,
  canonicalJson,
  chainHash,
  normaliseAuditEntry,
  type AuditEntryInput,
  type AuditHashedFields,
} from './audit-entry';
import { reverseKeysDeep } from '@intel/testing';

const entry: AuditEntryInput = {
  at: new Date('2025-11-30T10:15:30.123Z'),
  callerForce: '36',
  callerName: 'PC 1234 Smith',
  action: 'CheckPerson',
  purposeCode: 'SAFEGUARDING',
  reason: 'Grooming referral 36/1234/25',
  operationRef: 'OP-ALDER',
  request: { surname: 'SMITH', dob: '1980-02-03' },
  response: { hits: [{ force: '46', handling: 'HIT_ONLY' }] },
  recipients: ['36', '46'],
};
const row: AuditHashedFields = { ...entry, seq: 7 };

describe('canonicalJson', () => {
  it('given the same content with keys in another order, then the text is identical and sorted', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,2]},"b":1}',
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(reverseKeysDeep(v))).toBe(canonicalJson(v));
      }),
    );
  });

  it('given JSON parsed back from its canonical text, then it canonicalises to the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it('given a Date, undefined members or a top-level undefined, then it writes what JSON would', () => {
    expect(canonicalJson({ when: new Date('2025-01-02T03:04:05.006Z'), gone: undefined })).toBe(
      '{"when":"2025-01-02T03:04:05.006Z"}',
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });

  it('given arrays, then their order is kept (it is content)', () => {
    expect(canonicalJson(['46', '36'])).not.toBe(canonicalJson(['36', '46']));
  });
});

describe('chainHash', () => {
  it('given a row, then it is a hex sha256 that depends on nothing but its inputs', () => {
    const hash = chainHash(GENESIS_HASH, row);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, { ...row, request: reverseKeysDeep(row.request) })).toBe(hash);
  });

  it.each<[string, Partial<AuditHashedFields>]>([
    ['seq', { seq: 8 }],
    ['at', { at: new Date('2025-11-30T10:15:30.124Z') }],
    ['callerForce', { callerForce: '46' }],
    ['callerName', { callerName: 'PC 1235 Smith' }],
    ['action', { action: 'CheckIncident' }],
    ['purposeCode', { purposeCode: 'PREVENTION' }],
    ['reason', { reason: 'Grooming referral 36/1234/26' }],
    ['operationRef', { operationRef: 'OP-BIRCH' }],
    ['request', { request: { surname: 'SMYTH', dob: '1980-02-03' } }],
    ['response', { response: { hits: [] } }],
    ['recipients', { recipients: ['46', '36'] }],
  ])('given %s changed, then the hash changes', (_field, change) => {
    expect(chainHash(GENESIS_HASH, { ...row, ...change })).not.toBe(chainHash(GENESIS_HASH, row));
  });

  it('given another previous hash, then the hash changes', () => {
    expect(chainHash('f'.repeat(64), row)).not.toBe(chainHash(GENESIS_HASH, row));
  });
});

describe('normaliseAuditEntry', () => {
  it('given Dates and undefined inside request and response, then they become what jsonb returns', () => {
    const n = normaliseAuditEntry({
      ...entry,
      request: { since: new Date('2024-01-01T00:00:00.000Z'), page: undefined },
      response: undefined,
    });
    expect(n.request).toEqual({ since: '2024-01-01T00:00:00.000Z' });
    expect(n.response).toBeNull();
    expect(n.at).toEqual(entry.at);
    expect(n.at).not.toBe(entry.at);
  });

  it.each<[string, Partial<AuditEntryInput>]>([
    ['an invalid date', { at: new Date(Number.NaN) }],
    ['a NUL in a text field', { reason: 'a\u0000b' }],
    ['a NUL inside the request', { request: { q: 'a\u0000b' } }],
    ['an unpaired surrogate in a key', { response: { ['\uD800']: 1 } }],
    ['an unpaired surrogate in a recipient', { recipients: ['\uDC00'] }],
    ['a non-string text field', { callerForce: 36 as unknown as string }],
    ['a BigInt in the request', { request: { n: 1n } }],
  ])('given %s, then it is refused before it can fail a whole group', (_what, change) => {
    expect(() => normaliseAuditEntry({ ...entry, ...change })).toThrow();
  });

  it('given paired surrogates (an emoji), then they are accepted', () => {
    expect(normaliseAuditEntry({ ...entry, reason: 'chat 😀' }).reason).toBe('chat 😀');
  });
});
