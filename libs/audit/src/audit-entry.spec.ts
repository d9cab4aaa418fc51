import { createHash } from 'node:crypto';
import fc from 'fast-check';
import jsonStableStringify from 'json-stable-stringify';
import {
  GENESIS_HASH,
  canonicalJson,
  chainHash,
  chainHashOfCanonical,
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

  it('given any JSON value, then it writes exactly what json-stable-stringify (which wrote the first chains) writes', () => {
    const anyText = fc.string({ unit: 'binary' });
    const json = fc.jsonValue({ stringUnit: 'binary' });
    fc.assert(
      fc.property(fc.oneof(json, fc.dictionary(anyText, json)), (v) => {
        expect(canonicalJson(v)).toBe(jsonStableStringify(v));
      }),
      { numRuns: 500 },
    );
    for (const v of [{ 10: 1, 9: 2, é: 3, Z: [-0, 1e21, 'a\u2028'] }, [undefined, null], 'x']) {
      expect(canonicalJson(v)).toBe(jsonStableStringify(v));
    }
  });

  it.each<[string, unknown]>([
    ['NaN', { score: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a BigInt', { n: 1n }],
    ['a function', { f: () => 1 }],
    [
      'a cycle',
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
    ],
  ])('given %s, then it throws rather than write something else', (_what, v) => {
    expect(() => canonicalJson(v)).toThrow();
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

  it('given any row, then it is sha256 of the previous hash and the canonical JSON of every field', () => {
    const text = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.nat(),
          at: fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('2999-12-31') }),
          callerForce: text,
          callerName: text,
          action: text,
          purposeCode: text,
          reason: text,
          operationRef: text,
          request: fc.jsonValue({ stringUnit: 'binary' }),
          response: fc.jsonValue({ stringUnit: 'binary' }),
          recipients: fc.array(text),
        }),
        (r) => {
          const reference = createHash('sha256')
            .update(GENESIS_HASH)
            .update(canonicalJson({ ...r, at: r.at.toISOString() }))
            .digest('hex');
          expect(chainHash(GENESIS_HASH, r)).toBe(reference);
          expect(
            chainHashOfCanonical(
              GENESIS_HASH,
              r,
              canonicalJson(r.request),
              canonicalJson(r.response),
            ),
          ).toBe(reference);
        },
      ),
      { numRuns: 300 },
    );
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
    expect(JSON.parse(n.requestJson)).toEqual({ since: '2024-01-01T00:00:00.000Z' });
    expect(n.responseJson).toBe('null');
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

  it('given an entry, then its texts are the canonical JSON of its request and response', () => {
    const n = normaliseAuditEntry({ ...entry, request: { b: [1, { d: 2, c: 3 }], a: 'x' } });
    expect(n.requestJson).toBe('{"a":"x","b":[1,{"c":3,"d":2}]}');
    expect(n.responseJson).toBe(canonicalJson(entry.response));
  });

  it('given any JSON in request and response, then it is refused exactly when it holds a NUL or an unpaired surrogate', () => {
    const unstorable = (v: unknown): boolean =>
      typeof v === 'string'
        ? v.includes('\u0000') ||
          /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v)
        : Array.isArray(v)
          ? v.some(unstorable)
          : v !== null && typeof v === 'object'
            ? Object.entries(v).some(([k, x]) => unstorable(k) || unstorable(x))
            : false;
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('\\u0000', 'a\\', '\\\u0000', '\uD83D\uDE00', '\uDE00\uD83D'),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.constant(null),
        fc.array(tie('value')),
        fc.dictionary(text, tie('value')),
      ),
    })).value;
    fc.assert(
      fc.property(json, json, (request, response) => {
        const attempt = () => normaliseAuditEntry({ ...entry, request, response });
        if (unstorable(request) || unstorable(response)) expect(attempt).toThrow(/NUL/);
        else expect(attempt).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('given paired surrogates (an emoji), then they are accepted', () => {
    expect(normaliseAuditEntry({ ...entry, reason: 'chat 😀' }).reason).toBe('chat 😀');
  });

  it('given persons named in the request and response, then it lists them as they will be stored (toJSON applied, undefined dropped)', () => {
    const n = normaliseAuditEntry({
      ...entry,
      request: { personId: { toJSON: () => 'p-as-stored' }, nationalPersonId: undefined },
      response: { matches: [{ nationalPersonId: 'p2' }, { personId: 'p-as-stored' }] },
    });
    expect(n.personIds).toEqual(['p-as-stored', 'p2']);
    expect(normaliseAuditEntry(entry).personIds).toEqual([]);
  });
});
