import { createHash } from 'node:crypto';
import { framed, hashFramed } from './encoding';

describe('framed fields', () => {
  it('hashFramed hashes exactly the bytes framed builds', () => {
    for (const fields of [
      [],
      ['36', 'k1', 'intel.person.v1', Buffer.from('a value'), null],
      ['', Buffer.alloc(0), null, 'é', Buffer.alloc(70_000, 7)],
    ]) {
      const expected = createHash('sha256').update(framed('domain', fields)).digest();
      expect(hashFramed(createHash('sha256'), 'domain', fields).digest().equals(expected)).toBe(
        true,
      );
    }
  });

  it('tells apart a moved boundary, an absent field and an empty one', () => {
    const encode = (fields: Array<string | null>) => framed('d', fields).toString('hex');
    expect(encode(['ab', 'c'])).not.toBe(encode(['a', 'bc']));
    expect(encode([null])).not.toBe(encode(['']));
  });
});
