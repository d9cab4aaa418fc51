import type { Hash } from 'node:crypto';

/**
 * Length-prefixed concatenation: every field is 4 bytes of big-endian length then its bytes, so
 * no two different field lists encode to the same bytes ("ab"+"c" is not "a"+"bc").
 */
export function framed(domain: string, fields: ReadonlyArray<string | Buffer | null>): Buffer {
  const parts: Buffer[] = [frame(Buffer.from(domain, 'utf8'))];
  for (const f of fields) {
    if (f === null) {
      // An absent field (a tombstone's value) is told apart from an empty one.
      parts.push(Buffer.from([0]));
      continue;
    }
    parts.push(Buffer.from([1]), frame(typeof f === 'string' ? Buffer.from(f, 'utf8') : f));
  }
  return Buffer.concat(parts);
}

/** The bytes `framed` returns, fed to a hash as they go: no copy of a large field. */
export function hashFramed(
  hash: Hash,
  domain: string,
  fields: ReadonlyArray<string | Buffer | null>,
): Hash {
  hash.update(frame(Buffer.from(domain, 'utf8')));
  for (const f of fields) {
    if (f === null) {
      hash.update(ABSENT);
      continue;
    }
    const b = typeof f === 'string' ? Buffer.from(f, 'utf8') : f;
    const head = Buffer.allocUnsafe(5);
    head[0] = 1;
    head.writeUInt32BE(b.length, 1);
    hash.update(head).update(b);
  }
  return hash;
}

const ABSENT = Buffer.from([0]);

function frame(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}
