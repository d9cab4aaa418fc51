/**
 * Batch roots whose signature the hub has verified, so the other records of a batch cost a few
 * hashes each rather than an Ed25519 verification. Keyed by everything the verification
 * covered (signer, key id, tree size, root and the signature's own bytes): a record with another
 * signature, even over a cached root, is verified afresh. Only a verified root is added, so a
 * bad signature never enters; bounded, the oldest entry leaves first.
 */
export class VerifiedRoots {
  private readonly entries = new Set<string>();

  constructor(readonly capacity = 4096) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new Error('the verified roots cache holds one root at least');
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(key: string): void {
    if (this.entries.has(key)) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.values().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.add(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

export function verifiedRootKey(
  forceCode: string,
  keyId: string,
  size: number,
  root: Buffer,
  signature: string,
): string {
  return JSON.stringify([forceCode, keyId, size, root.toString('hex'), signature]);
}
