import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { framed, hashFramed } from './encoding';
import { isKeyId } from './key-ids';
import { verifiedRootKey, type VerifiedRoots } from './verified-roots';
import {
  HASH_BYTES,
  MAX_PROOF_HASHES,
  LEAF_HASH_PREFIX,
  MAX_TREE_LEAVES,
  merkleTree,
  rootFromProof,
} from './merkle';

/** Kafka headers that carry an event's signature (the value stays a plain EventEnvelope). */
export const HEADER_SIGNER = 'intel-signer';
export const HEADER_SIGNING_KEY_ID = 'intel-signing-key-id';
export const HEADER_SIGNATURE = 'intel-signature';
/**
 * A batch signature (the relay's): `intel-signature` signs the root of a Merkle tree over the
 * batch's events; these say where this event's leaf sits (`<index>/<size>`) and its audit path
 * (base64 of the sibling hashes, bottom up; empty for a batch of one).
 */
export const HEADER_SIGNATURE_LEAF = 'intel-signature-leaf';
export const HEADER_SIGNATURE_PROOF = 'intel-signature-proof';

/** Signatures of another purpose or version can never be taken for an event signature. */
const SIGNATURE_DOMAIN = 'intel.v1/event-signature';
/** A batch root's signature is over another domain: never taken for an event's, nor back. */
const ROOT_SIGNATURE_DOMAIN = 'intel.v1/event-batch-root';
/** What a leaf hashes (after RFC 6962's 0x00 leaf prefix). */
const LEAF_DOMAIN = 'intel.v1/event-leaf';
const LEAF_PREFIX = Buffer.from([LEAF_HASH_PREFIX]);

const LEAF_POSITION = /^(0|[1-9]\d{0,5})\/([1-9]\d{0,5})$/;
/** The longest audit path's header: MAX_PROOF_HASHES hashes in base64. */
const MAX_PROOF_HEADER = Math.ceil((MAX_PROOF_HASHES * HASH_BYTES) / 3) * 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** What a signature covers: the record exactly as it travels. */
export interface SignedRecord {
  topic: string;
  key: string;
  /** The EventEnvelope bytes; null for a tombstone. */
  value: Buffer | null;
  /** The event id header: the only thing that names a tombstone. */
  eventId: string;
}

/** One force's signing key, from its configuration. */
export interface EventSigner {
  forceCode: string;
  keyId: string;
  privateKey: KeyObject;
}

/** The forces' public keys the hub trusts: force code → key id → Ed25519 public key. */
export type SignerRegistry = ReadonlyMap<string, ReadonlyMap<string, KeyObject>>;

export type Verification =
  | { ok: true; forceCode: string; keyId: string }
  | {
      ok: false;
      reason: 'unsigned' | 'unknown-force' | 'unknown-key' | 'bad-signature' | 'force-mismatch';
      detail: string;
    };

/**
 * The digest an event signature is made over: domain, signing force, key id, topic, Kafka key,
 * event id and value. Changing any of them (another force's key prefix, another topic, one byte
 * of the envelope, a replay under a new event id) breaks the signature.
 */
export function signatureDigest(forceCode: string, keyId: string, r: SignedRecord): Buffer {
  return createHash('sha256')
    .update(framed(SIGNATURE_DOMAIN, [forceCode, keyId, r.topic, r.key, r.eventId, r.value]))
    .digest();
}

/**
 * A batch leaf: RFC 6962's leaf hash (merkle.ts, `leafHash`) of the record exactly as it travels
 * (the root's signature names force and key), hashed without copying the value.
 */
export function eventLeaf(r: SignedRecord): Buffer {
  return hashFramed(createHash('sha256').update(LEAF_PREFIX), LEAF_DOMAIN, [
    r.topic,
    r.key,
    r.eventId,
    r.value,
  ]).digest();
}

/** What a batch root's signature is made over: domain, signing force, key id, tree size, root. */
export function rootSignatureDigest(
  forceCode: string,
  keyId: string,
  size: number,
  root: Buffer,
): Buffer {
  return createHash('sha256')
    .update(framed(ROOT_SIGNATURE_DOMAIN, [forceCode, keyId, String(size), root]))
    .digest();
}

export function signingKeyFromPem(pem: string | Buffer): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the event signing key is not Ed25519');
  return key;
}

export function verifyingKeyFromPem(pem: string | Buffer): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error('a force verification key is not Ed25519');
  return key;
}

export function makeSigner(forceCode: string, keyId: string, pem: string | Buffer): EventSigner {
  if (!isKeyId(keyId)) throw new Error(`invalid signing key id ${JSON.stringify(keyId)}`);
  return { forceCode, keyId, privateKey: signingKeyFromPem(pem) };
}

/** The headers to add to a record so the hub can tell which force produced it. */
export function signatureHeaders(signer: EventSigner, r: SignedRecord): Record<string, string> {
  const sig = sign(null, signatureDigest(signer.forceCode, signer.keyId, r), signer.privateKey);
  return {
    [HEADER_SIGNER]: signer.forceCode,
    [HEADER_SIGNING_KEY_ID]: signer.keyId,
    [HEADER_SIGNATURE]: sig.toString('base64'),
  };
}

/**
 * The headers of every record of a batch, in order: one Ed25519 signature over the root of a
 * Merkle tree of the records' leaves, and each record's position and audit path, so each record
 * still verifies alone (on the DLQ, on replay, for a consumer that sees one message). A batch
 * larger than a tree may be is cut into trees of MAX_TREE_LEAVES.
 */
export function batchSignatureHeaders(
  signer: EventSigner,
  records: readonly SignedRecord[],
): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (let from = 0; from < records.length; from += MAX_TREE_LEAVES) {
    const chunk = records.slice(from, from + MAX_TREE_LEAVES);
    const tree = merkleTree(chunk.map(eventLeaf));
    const digest = rootSignatureDigest(signer.forceCode, signer.keyId, chunk.length, tree.root);
    const signature = sign(null, digest, signer.privateKey).toString('base64');
    tree.proofs.forEach((proof, i) =>
      out.push({
        [HEADER_SIGNER]: signer.forceCode,
        [HEADER_SIGNING_KEY_ID]: signer.keyId,
        [HEADER_SIGNATURE]: signature,
        [HEADER_SIGNATURE_LEAF]: `${i}/${chunk.length}`,
        [HEADER_SIGNATURE_PROOF]: Buffer.concat(proof).toString('base64'),
      }),
    );
  }
  return out;
}

const badSignature = (forceCode: string, keyId: string): Verification => ({
  ok: false,
  reason: 'bad-signature',
  detail: `the signature does not verify with force ${forceCode}'s key ${keyId}`,
});

/** Parses a batch signature's position and audit path; undefined when malformed or too long. */
function parseProof(
  position: string,
  proofHeader: string,
): { index: number; size: number; proof: Buffer[] } | undefined {
  const m = LEAF_POSITION.exec(position);
  if (!m) return undefined;
  if (proofHeader.length > MAX_PROOF_HEADER || !BASE64.test(proofHeader)) return undefined;
  const bytes = Buffer.from(proofHeader, 'base64');
  if (bytes.length % HASH_BYTES !== 0) return undefined;
  const proof: Buffer[] = [];
  for (let o = 0; o < bytes.length; o += HASH_BYTES) proof.push(bytes.subarray(o, o + HASH_BYTES));
  return { index: Number(m[1]), size: Number(m[2]), proof };
}

/**
 * A batch signature: the record's leaf and audit path must lead to a root of the signed size
 * whose signature verifies. A root whose exact signature verified before (by this key, at this
 * size) is taken from `verified` without verifying it again; only a verified one is ever added.
 */
function verifyBatchSignature(
  key: KeyObject,
  forceCode: string,
  keyId: string,
  r: SignedRecord,
  headers: Readonly<Record<string, string>>,
  signature: string,
  verified: VerifiedRoots | undefined,
): boolean {
  const p = parseProof(headers[HEADER_SIGNATURE_LEAF] ?? '', headers[HEADER_SIGNATURE_PROOF] ?? '');
  if (!p) return false;
  const root = rootFromProof(eventLeaf(r), p.index, p.size, p.proof);
  if (!root) return false;
  const cacheKey = verifiedRootKey(forceCode, keyId, p.size, root, signature);
  if (verified?.has(cacheKey)) return true;
  const sig = Buffer.from(signature, 'base64');
  if (
    sig.length !== 64 ||
    !verify(null, rootSignatureDigest(forceCode, keyId, p.size, root), key, sig)
  )
    return false;
  verified?.add(cacheKey);
  return true;
}

/**
 * Checks a consumed record's signature against the registry, and that the Kafka key belongs to
 * the signing force (`<forceCode>:…`). Says which check failed; never why in terms of content.
 * A batch signature (`intel-signature-leaf` present) is checked through its audit path; a record
 * without one carries a signature of its own (the scheme before batch signatures).
 */
export function verifyRecord(
  registry: SignerRegistry,
  r: SignedRecord,
  headers: Readonly<Record<string, string>>,
  verified?: VerifiedRoots,
): Verification {
  const forceCode = headers[HEADER_SIGNER];
  const keyId = headers[HEADER_SIGNING_KEY_ID];
  const signature = headers[HEADER_SIGNATURE];
  if (!forceCode || !keyId || !signature)
    return { ok: false, reason: 'unsigned', detail: 'the event carries no signature' };
  const keys = registry.get(forceCode);
  if (!keys)
    return {
      ok: false,
      reason: 'unknown-force',
      detail: `no key is registered for force ${JSON.stringify(forceCode.slice(0, 8))}`,
    };
  const key = keys.get(keyId);
  if (!key)
    return {
      ok: false,
      reason: 'unknown-key',
      detail: `force ${forceCode} has no key ${JSON.stringify(keyId.slice(0, 40))}`,
    };
  if (headers[HEADER_SIGNATURE_LEAF] !== undefined) {
    if (!verifyBatchSignature(key, forceCode, keyId, r, headers, signature, verified))
      return badSignature(forceCode, keyId);
  } else {
    const sig = Buffer.from(signature, 'base64');
    if (sig.length !== 64 || !verify(null, signatureDigest(forceCode, keyId, r), key, sig))
      return badSignature(forceCode, keyId);
  }
  if (!r.key.startsWith(`${forceCode}:`))
    return {
      ok: false,
      reason: 'force-mismatch',
      detail: `signed by force ${forceCode} but keyed for another force`,
    };
  return { ok: true, forceCode, keyId };
}
