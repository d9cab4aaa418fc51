import fc from 'fast-check';
import { personRecord, reverseKeysDeep } from '@intel/testing';
import { contentHash, stableStringify } from './content-hash';

describe('stableStringify', () => {
  it('given objects with the same content in a different key order, then the output is identical', () => {
    expect(stableStringify({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe(
      stableStringify({ a: { c: 'x', d: [1, 2] }, b: 1 }),
    );
    expect(stableStringify({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('given an object property that is undefined, then it is left out as if absent', () => {
    expect(stableStringify({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(stableStringify({ a: 1, b: undefined })).toBe(stableStringify({ a: 1 }));
  });

  it('given null, then it is kept (null is a value, not an absence)', () => {
    expect(stableStringify({ a: null })).toBe('{"a":null}');
    expect(stableStringify({ a: null })).not.toBe(stableStringify({}));
  });

  it('given arrays, then order matters and undefined elements become null as in JSON', () => {
    expect(stableStringify([1, 2])).not.toBe(stableStringify([2, 1]));
    expect(stableStringify([undefined, 1])).toBe('[null,1]');
    expect(stableStringify(undefined)).toBe('null');
  });

  it('given scalars, then they serialise as JSON does', () => {
    expect(stableStringify('a"b')).toBe('"a\\"b"');
    expect(stableStringify(12.5)).toBe('12.5');
    expect(stableStringify(true)).toBe('true');
  });

  it('property: is valid JSON carrying the same content as JSON.stringify', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(stableStringify(v))).toStrictEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it('property: independent of key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(stableStringify(reverseKeysDeep(v))).toBe(stableStringify(v));
      }),
    );
  });
});

describe('contentHash', () => {
  it('given the same record serialised in a different key order, then the hash is the same', () => {
    const record = personRecord({ sourceRecordId: 'P1' });
    const reordered = reverseKeysDeep(record);

    expect(Object.keys(reordered as object)[0]).not.toBe(Object.keys(record)[0]);
    expect(contentHash(reordered).equals(contentHash(record))).toBe(true);
  });

  it('given an optional field present as undefined or absent, then the hash is the same', () => {
    const withUndefined = personRecord({ sourceRecordId: 'P1', registration: undefined });
    const { registration: _omitted, ...without } = withUndefined;

    expect(contentHash(without).equals(contentHash(withUndefined))).toBe(true);
  });

  it('given a changed field, then the hash changes', () => {
    const a = personRecord({ sourceRecordId: 'P1' });
    const b = personRecord({
      sourceRecordId: 'P1',
      dateOfBirth: { year: 1980, month: 5, day: 18 },
    });

    expect(contentHash(a).equals(contentHash(b))).toBe(false);
  });

  it('is a 32-byte SHA-256 digest of the stable serialisation', () => {
    const hash = contentHash({ a: 1 });

    expect(hash).toHaveLength(32);
    // sha256('{"a":1}')
    expect(hash.toString('hex')).toBe(
      '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862',
    );
  });
});
