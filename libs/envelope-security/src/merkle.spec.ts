import { createHash } from 'node:crypto';
import {
  MAX_PROOF_HASHES,
  MAX_TREE_LEAVES,
  leafHash,
  merkleTree,
  nodeHash,
  rootFromProof,
} from './merkle';

// RFC 6962 2.1, written as the RFC states it (recursive), to check the bottom-up build against.
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));
function mth(d: Buffer[]): Buffer {
  if (d.length === 1) return sha(Buffer.from([0]), d[0] as Buffer);
  const k = split(d.length);
  return sha(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k
    ? [...path(m, d.slice(0, k)), mth(d.slice(k))]
    : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

const data = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`event ${i}`));

describe('Merkle tree (RFC 6962)', () => {
  it('builds the RFC root and audit paths for every size up to 40, and each path verifies', () => {
    for (let n = 1; n <= 40; n++) {
      const d = data(n);
      const tree = merkleTree(d.map(leafHash));
      expect(tree.root.equals(mth(d))).toBe(true);
      for (let i = 0; i < n; i++) {
        const proof = tree.proofs[i] as Buffer[];
        expect(proof.map((b) => b.toString('hex'))).toEqual(
          path(i, d).map((b) => b.toString('hex')),
        );
        expect(rootFromProof(leafHash(d[i] as Buffer), i, n, proof)?.equals(tree.root)).toBe(true);
      }
    }
  });

  it('a batch of one is its own leaf with an empty path', () => {
    const leaf = leafHash(Buffer.from('alone'));
    const tree = merkleTree([leaf]);
    expect(tree.root.equals(leaf)).toBe(true);
    expect(tree.proofs).toEqual([[]]);
    expect(rootFromProof(leaf, 0, 1, [])?.equals(leaf)).toBe(true);
  });

  it('refuses a truncated, padded, reordered or resized path, or an index outside the tree', () => {
    const d = data(13);
    const tree = merkleTree(d.map(leafHash));
    const leaf = leafHash(d[5] as Buffer);
    const proof = tree.proofs[5] as Buffer[];
    expect(rootFromProof(leaf, 5, 13, proof)?.equals(tree.root)).toBe(true);
    expect(rootFromProof(leaf, 5, 13, proof.slice(0, -1))).toBeUndefined();
    expect(rootFromProof(leaf, 5, 13, [...proof, tree.root])).toBeUndefined();
    expect(rootFromProof(leaf, 5, 13, [...proof].reverse())?.equals(tree.root)).not.toBe(true);
    expect(rootFromProof(leaf, 4, 13, proof)?.equals(tree.root)).not.toBe(true);
    expect(rootFromProof(leaf, 13, 13, proof)).toBeUndefined();
    expect(rootFromProof(leaf, -1, 13, proof)).toBeUndefined();
    // A size whose tree puts leaf 5 at another depth does not fit the path. (Sizes of the same
    // shape, 13 and 14 here, do: the root's signature covers the size, batch-signing.spec.ts.)
    expect(rootFromProof(leaf, 5, 6, proof)).toBeUndefined();
    expect(rootFromProof(leaf, 5, 40, proof)).toBeUndefined();
    expect(rootFromProof(leaf, 5, 13, [proof[0]?.subarray(0, 31) as Buffer])).toBeUndefined();
  });

  it('never takes a leaf for an inner node (no second preimage between them)', () => {
    const d = data(4);
    const tree = merkleTree(d.map(leafHash));
    const l0 = leafHash(d[0] as Buffer);
    const l1 = leafHash(d[1] as Buffer);
    const inner = nodeHash(l0, l1);
    // The bytes an inner node hashes, presented as a leaf's data, hash to something else.
    expect(leafHash(Buffer.concat([l0, l1])).equals(inner)).toBe(false);
    // And the inner node offered as a leaf of a 2-leaf tree leads to the 4-leaf root, but only
    // under the size 2, which the root's signature does not cover (signing.spec.ts).
    const shortened = rootFromProof(inner, 0, 2, [(tree.proofs[0] as Buffer[])[1] as Buffer]);
    expect(shortened?.equals(tree.root)).toBe(true);
    expect(rootFromProof(inner, 0, 4, [(tree.proofs[0] as Buffer[])[1] as Buffer])).toBeUndefined();
  });

  it('bounds the tree and the path', () => {
    expect(() => merkleTree([])).toThrow();
    const leaf = leafHash(Buffer.from('x'));
    expect(rootFromProof(leaf, 0, MAX_TREE_LEAVES + 1, [])).toBeUndefined();
    const long = Array.from({ length: MAX_PROOF_HASHES + 1 }, () => leaf);
    expect(rootFromProof(leaf, 0, MAX_TREE_LEAVES, long)).toBeUndefined();
  });
});
