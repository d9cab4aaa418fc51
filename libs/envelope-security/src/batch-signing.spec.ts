import { sign } from 'node:crypto';
import {
  HEADER_SIGNATURE,
  HEADER_SIGNATURE_LEAF,
  HEADER_SIGNATURE_PROOF,
  HEADER_SIGNING_KEY_ID,
  VerifiedRoots,
  batchSignatureHeaders,
  buildSignerRegistry,
  eventLeaf,
  generateSigningKeyPair,
  makeSigner,
  merkleTree,
  nodeHash,
  rootSignatureDigest,
  signatureDigest,
  signatureHeaders,
  verifyRecord,
  type SignedRecord,
} from './index';

const norfolk = generateSigningKeyPair();
const met = generateSigningKeyPair();
const registry = buildSignerRegistry([
  { forceCode: '36', keyId: 'k1', pem: norfolk.publicKeyPem },
  { forceCode: '01', keyId: 'k1', pem: met.publicKeyPem },
]);
const signer = makeSigner('36', 'k1', norfolk.privateKeyPem);

const records: SignedRecord[] = Array.from({ length: 11 }, (_, i) => ({
  topic: i % 3 === 0 ? 'intel.incident.v1' : 'intel.person.v1',
  key: `36:entity-${i}`,
  value: i === 7 ? null : Buffer.from(`an EventEnvelope, number ${i}`),
  eventId: `b1d7f0a2-9c1e-4d3b-8f55-6a7e2c1d0f${String(i).padStart(2, '0')}`,
}));

const refused = { ok: false, reason: 'bad-signature' };

describe('batch signatures (one Ed25519 signature over a Merkle root)', () => {
  const headers = batchSignatureHeaders(signer, records);

  it('signs the batch once, and every record verifies alone, without a cache', () => {
    expect(new Set(headers.map((h) => h[HEADER_SIGNATURE])).size).toBe(1);
    records.forEach((r, i) => {
      expect(verifyRecord(registry, r, headers[i] as Record<string, string>)).toEqual({
        ok: true,
        forceCode: '36',
        keyId: 'k1',
      });
    });
  });

  it('a batch of one: an empty audit path', () => {
    const [h] = batchSignatureHeaders(signer, [records[0] as SignedRecord]);
    expect(h?.[HEADER_SIGNATURE_PROOF]).toBe('');
    expect(h?.[HEADER_SIGNATURE_LEAF]).toBe('0/1');
    expect(verifyRecord(registry, records[0] as SignedRecord, h as Record<string, string>).ok).toBe(
      true,
    );
  });

  it('refuses a record whose value, key, topic or event id changed, or that became a tombstone', () => {
    const r = records[4] as SignedRecord;
    const h = headers[4] as Record<string, string>;
    const value = r.value as Buffer;
    for (let i = 0; i < value.length; i++) {
      const tampered = Buffer.from(value);
      tampered[i] = (tampered[i] as number) ^ 0x01;
      expect(verifyRecord(registry, { ...r, value: tampered }, h)).toMatchObject(refused);
    }
    for (const moved of [
      { ...r, key: '36:another-nominal' },
      { ...r, topic: 'intel.incident.v1' },
      { ...r, topic: 'intel.priority.v1' },
      { ...r, eventId: 'c1d7f0a2-9c1e-4d3b-8f55-6a7e2c1d0f99' },
      { ...r, value: null },
      { ...r, value: Buffer.alloc(0) },
    ])
      expect(verifyRecord(registry, moved, h)).toMatchObject(refused);
  });

  it("refuses one record's proof on another record of the same batch (replaying a position)", () => {
    expect(
      verifyRecord(registry, records[2] as SignedRecord, headers[3] as Record<string, string>),
    ).toMatchObject(refused);
    // Its own proof at another position does not lead to the root either.
    const h = { ...(headers[2] as Record<string, string>), [HEADER_SIGNATURE_LEAF]: '3/11' };
    expect(verifyRecord(registry, records[2] as SignedRecord, h)).toMatchObject(refused);
  });

  it('refuses a truncated, padded or resized proof', () => {
    const r = records[5] as SignedRecord;
    const h = headers[5] as Record<string, string>;
    const proof = Buffer.from(h[HEADER_SIGNATURE_PROOF] as string, 'base64');
    for (const bad of <Array<Record<string, string>>>[
      { [HEADER_SIGNATURE_PROOF]: proof.subarray(0, proof.length - 32).toString('base64') },
      { [HEADER_SIGNATURE_PROOF]: proof.subarray(0, proof.length - 1).toString('base64') },
      {
        [HEADER_SIGNATURE_PROOF]: Buffer.concat([proof, proof.subarray(0, 32)]).toString('base64'),
      },
      { [HEADER_SIGNATURE_PROOF]: '' },
      { [HEADER_SIGNATURE_LEAF]: '5/12' },
      { [HEADER_SIGNATURE_LEAF]: '5/10' },
      { [HEADER_SIGNATURE_LEAF]: '11/11' },
      { [HEADER_SIGNATURE_LEAF]: '05/11' },
      { [HEADER_SIGNATURE_LEAF]: '5' },
      { [HEADER_SIGNATURE_LEAF]: '' },
    ])
      expect(verifyRecord(registry, r, { ...h, ...bad })).toMatchObject(refused);
  });

  it('refuses an inner node passed off as a leaf of a smaller tree (second preimage)', () => {
    // A forger who knows the tree offers, for a 2-leaf "batch", the inner node over leaves 0
    // and 1 as a leaf: it leads to the signed root, but the root's signature covers size 11.
    const leaves = records.map(eventLeaf);
    const tree = merkleTree(leaves);
    const inner = nodeHash(leaves[0] as Buffer, leaves[1] as Buffer);
    const fourth = (tree.proofs[0] as Buffer[])[1] as Buffer;
    expect(nodeHash(inner, fourth).equals(merkleTree(leaves.slice(0, 4)).root)).toBe(true);
    // No record's leaf is the inner node: its bytes as a record hash to another leaf.
    const asRecord: SignedRecord = { topic: '', key: '36:x', eventId: '', value: inner };
    expect(eventLeaf(asRecord).equals(inner)).toBe(false);
    const h = { ...(headers[0] as Record<string, string>), [HEADER_SIGNATURE_LEAF]: '0/2' };
    expect(verifyRecord(registry, asRecord, h)).toMatchObject(refused);
  });

  it("refuses a batch signed with Met's key claiming Norfolk, and Met's own key on Norfolk's records", () => {
    const forged = batchSignatureHeaders(makeSigner('36', 'k1', met.privateKeyPem), records);
    expect(
      verifyRecord(registry, records[1] as SignedRecord, forged[1] as Record<string, string>),
    ).toMatchObject(refused);
    const byMet = batchSignatureHeaders(makeSigner('01', 'k1', met.privateKeyPem), records);
    expect(
      verifyRecord(registry, records[1] as SignedRecord, byMet[1] as Record<string, string>),
    ).toMatchObject({ ok: false, reason: 'force-mismatch' });
  });

  it('never takes a root signature for an event signature, nor an event signature for a root', () => {
    const r = records[0] as SignedRecord;
    // A batch of one: its root is its leaf. Its signature, stripped of the batch headers,
    // does not verify as an event signature...
    const [one] = batchSignatureHeaders(signer, [r]);
    const {
      [HEADER_SIGNATURE_LEAF]: _l,
      [HEADER_SIGNATURE_PROOF]: _p,
      ...stripped
    } = one as Record<string, string>;
    expect(verifyRecord(registry, r, stripped)).toMatchObject(refused);
    // ... and an event signature, given batch headers, does not verify as a root's.
    const perEvent = signatureHeaders(signer, r);
    expect(
      verifyRecord(registry, r, {
        ...perEvent,
        [HEADER_SIGNATURE_LEAF]: '0/1',
        [HEADER_SIGNATURE_PROOF]: '',
      }),
    ).toMatchObject(refused);
    expect(
      rootSignatureDigest('36', 'k1', 1, eventLeaf(r)).equals(signatureDigest('36', 'k1', r)),
    ).toBe(false);
  });

  it('still accepts a per-event signature (the scheme before batches)', () => {
    const r = records[6] as SignedRecord;
    expect(verifyRecord(registry, r, signatureHeaders(signer, r)).ok).toBe(true);
  });

  it('refuses an enormous or malformed proof header before hashing it', () => {
    const r = records[5] as SignedRecord;
    const h = headers[5] as Record<string, string>;
    for (const proof of [
      Buffer.alloc(32 * 17).toString('base64'),
      'A'.repeat(10_000_000),
      '!!!!',
      `${h[HEADER_SIGNATURE_PROOF] as string}\n`,
    ])
      expect(verifyRecord(registry, r, { ...h, [HEADER_SIGNATURE_PROOF]: proof })).toMatchObject(
        refused,
      );
    for (const leaf of ['5/9999999', '9999999/9999999', '5/65537', '-1/11', '1e3/11'])
      expect(verifyRecord(registry, r, { ...h, [HEADER_SIGNATURE_LEAF]: leaf })).toMatchObject(
        refused,
      );
  });

  describe('the verified roots cache', () => {
    it('verifies a root once: the batch verifies with one entry', () => {
      const cache = new VerifiedRoots(8);
      records.forEach((r, i) =>
        expect(verifyRecord(registry, r, headers[i] as Record<string, string>, cache).ok).toBe(
          true,
        ),
      );
      expect(cache.size).toBe(1);
    });

    it('is never poisoned by a bad signature, and a cached root does not excuse another signature', () => {
      const cache = new VerifiedRoots(8);
      const r = records[3] as SignedRecord;
      const h = headers[3] as Record<string, string>;
      const other = sign(null, Buffer.from('anything else'), signer.privateKey).toString('base64');
      const bad = { ...h, [HEADER_SIGNATURE]: other };
      expect(verifyRecord(registry, r, bad, cache)).toMatchObject(refused);
      expect(cache.size).toBe(0);
      // The genuine root is cached; the same root under a wrong signature is still refused.
      expect(verifyRecord(registry, r, h, cache).ok).toBe(true);
      expect(verifyRecord(registry, r, bad, cache)).toMatchObject(refused);
      expect(verifyRecord(registry, r, { ...h, [HEADER_SIGNATURE]: 'AAAA' }, cache)).toMatchObject(
        refused,
      );
      // A cached root does not excuse a changed record, nor another key id or force.
      expect(verifyRecord(registry, { ...r, key: '36:other' }, h, cache)).toMatchObject(refused);
      const twoKeys = buildSignerRegistry([
        { forceCode: '36', keyId: 'k1', pem: norfolk.publicKeyPem },
        { forceCode: '36', keyId: 'k2', pem: met.publicKeyPem },
      ]);
      expect(
        verifyRecord(twoKeys, r, { ...h, [HEADER_SIGNING_KEY_ID]: 'k2' }, cache),
      ).toMatchObject(refused);
    });

    it('a retired key is refused even when its root is cached', () => {
      const cache = new VerifiedRoots(8);
      const r = records[3] as SignedRecord;
      const h = headers[3] as Record<string, string>;
      expect(verifyRecord(registry, r, h, cache).ok).toBe(true);
      const retired = buildSignerRegistry([
        { forceCode: '36', keyId: 'k2', pem: norfolk.publicKeyPem },
      ]);
      expect(verifyRecord(retired, r, h, cache)).toMatchObject({ reason: 'unknown-key' });
    });

    it('is bounded: the oldest root leaves first and is verified again', () => {
      const cache = new VerifiedRoots(2);
      const batches = [0, 1, 2].map((b) =>
        batchSignatureHeaders(
          signer,
          records.map((r) => ({ ...r, eventId: `${r.eventId}-${b}` })),
        ),
      );
      batches.forEach((hs, b) =>
        expect(
          verifyRecord(
            registry,
            {
              ...(records[0] as SignedRecord),
              eventId: `${(records[0] as SignedRecord).eventId}-${b}`,
            },
            hs[0] as Record<string, string>,
            cache,
          ).ok,
        ).toBe(true),
      );
      expect(cache.size).toBe(2);
      expect(() => new VerifiedRoots(0)).toThrow();
    });
  });
});
