import { createHash } from 'node:crypto';

/**
 * A Merkle tree as RFC 6962 (2.1) / RFC 9162 (2.1) define it, over SHA-256: a leaf hashes as
 * SHA-256(0x00 || data), an inner node as SHA-256(0x01 || left || right), so a leaf can never
 * be taken for a node (no second preimage between them); a tree of n leaves splits at the
 * largest power of two below n. Built bottom-up: a level's last node without a sibling moves
 * up unchanged, which gives the same tree and the same audit paths.
 */
export const HASH_BYTES = 32;

/** The largest tree a root may cover, so an audit path is at most MAX_PROOF_HASHES long. */
export const MAX_PROOF_HASHES = 16;
export const MAX_TREE_LEAVES = 2 ** MAX_PROOF_HASHES;

export const LEAF_HASH_PREFIX = 0;
const LEAF = Buffer.from([LEAF_HASH_PREFIX]);

export function leafHash(data: Buffer): Buffer {
  return createHash('sha256').update(LEAF).update(data).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  const b = Buffer.allocUnsafe(1 + left.length + right.length);
  b[0] = 1;
  left.copy(b, 1);
  right.copy(b, 1 + left.length);
  return createHash('sha256').update(b).digest();
}

export interface MerkleTree {
  root: Buffer;
  /** The audit path of each leaf, from its sibling up to the root's child. */
  proofs: Buffer[][];
}

/** The root and every leaf's audit path of a tree over the given leaf hashes (one at least). */
export function merkleTree(leaves: readonly Buffer[]): MerkleTree {
  const n = leaves.length;
  if (n === 0 || n > MAX_TREE_LEAVES)
    throw new Error(`a tree holds 1 to ${MAX_TREE_LEAVES} leaves, not ${n}`);
  const proofs: Buffer[][] = leaves.map(() => []);
  // Which leaves sit under each node of the current level (contiguous ranges).
  let level: Buffer[] = [...leaves];
  let start = leaves.map((_, i) => i);
  while (level.length > 1) {
    const next: Buffer[] = [];
    const nextStart: number[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer;
      const right = level[i + 1];
      const from = start[i] as number;
      if (right === undefined) {
        next.push(left);
      } else {
        const to = i + 2 < level.length ? (start[i + 2] as number) : n;
        const mid = start[i + 1] as number;
        for (let j = from; j < mid; j++) (proofs[j] as Buffer[]).push(right);
        for (let j = mid; j < to; j++) (proofs[j] as Buffer[]).push(left);
        next.push(nodeHash(left, right));
      }
      nextStart.push(from);
    }
    level = next;
    start = nextStart;
  }
  return { root: level[0] as Buffer, proofs };
}

/**
 * The root an audit path leads to from a leaf at `index` of a tree of `size` leaves (RFC 9162
 * 2.1.3.2), or undefined when the path cannot belong to that position: too short, too long
 * (a truncated or padded proof), an index outside the tree, a hash of the wrong length.
 */
export function rootFromProof(
  leaf: Buffer,
  index: number,
  size: number,
  proof: readonly Buffer[],
): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size)) return undefined;
  if (index < 0 || index >= size || size > MAX_TREE_LEAVES) return undefined;
  if (proof.length > MAX_PROOF_HASHES) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== HASH_BYTES || sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}
