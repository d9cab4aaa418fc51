import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, normaliseAuditEntry } from './audit-entry';
import { boundedRequest, boundedText, escapeUnsafeText } from './bounded-text';

const entry = {
  at: new Date('2025-11-30T10:15:30.123Z'),
  callerForce: '36',
  callerName: 'x',
  action: 'CheckPerson',
  purposeCode: '',
  reason: '',
  operationRef: '',
  request: null,
  response: null,
  recipients: [],
};

describe('escapeUnsafeText', () => {
  it.each<[string, string, string]>([
    ['a NUL', 'a\u0000b', 'a\\u0000b'],
    ['a bell and a newline', 'a\u0007\nb', 'a\\u0007\\u000ab'],
    ['a C1 control', 'a\u0085b', 'a\\u0085b'],
    ['a right-to-left override', '\u202Eevil', '\\u202eevil'],
    ['an isolate', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['an unpaired high surrogate', 'a\uD800b', 'a\\ud800b'],
    ['an unpaired low surrogate', 'a\uDC00', 'a\\udc00'],
    ['an emoji (a surrogate pair)', 'chat 😀', 'chat 😀'],
    ['plain text with accents', 'Zoë O’Brien', 'Zoë O’Brien'],
  ])('given %s, then it is written visibly', (_what, input, expected) => {
    expect(escapeUnsafeText(input)).toBe(expected);
  });

  it('given any text, then the result is always storable in an audit entry', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const reason = escapeUnsafeText(s);
        expect(() =>
          normaliseAuditEntry({ ...entry, reason, request: { s: reason } }),
        ).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe('boundedText', () => {
  it('given a number where text was expected, then it is written as its JSON', () => {
    expect(boundedText(99, 64)).toBe('99');
    expect(boundedText(undefined, 64)).toBe('');
  });

  it('given text longer than the bound, then it is cut and says how much more there was', () => {
    expect(boundedText('a'.repeat(100), 10)).toBe(`${'a'.repeat(10)}…[+90]`);
  });

  it('given a surrogate pair at the cut, then it is not split', () => {
    expect(boundedText(`${'a'.repeat(9)}😀bbb`, 10)).toBe(`${'a'.repeat(9)}…[+5]`);
  });
});

describe('boundedRequest', () => {
  it('given a 4 MB request, then a few kilobytes are kept with the digest and size of the whole', () => {
    const raw = {
      names: Array.from({ length: 40_000 }, (_, i) => ({ family: `F${i}`.repeat(20) })),
    };
    const text = canonicalJson(raw);
    const b = boundedRequest(raw, 4096);
    expect(b.bytes).toBe(Buffer.byteLength(text));
    expect(b.bytes).toBeGreaterThan(4_000_000);
    expect(b.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(b).toMatchObject({ truncated: true });
    expect(b.json).toBe(text.slice(0, 4096));
    expect(Buffer.byteLength(canonicalJson(b))).toBeLessThan(5000);
  });

  it('given a small request, then it is kept whole', () => {
    const b = boundedRequest({ reason: 'why' });
    expect(b).toMatchObject({ truncated: false, json: '{"reason":"why"}', bytes: 16 });
  });

  it('given what canonical JSON refuses (a BigInt, a cycle), then it still writes something', () => {
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic.self = cyclic;
    expect(() => boundedRequest(cyclic)).not.toThrow();
    expect(boundedRequest(cyclic).json).toContain('"n":1');
  });

  it('given any JSON, including hostile text, then the bounded form is storable and bounded', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (v) => {
        const b = boundedRequest(v, 256);
        expect(b.json.length).toBeLessThanOrEqual(256 * 6);
        expect(() => normaliseAuditEntry({ ...entry, request: { refused: b } })).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
