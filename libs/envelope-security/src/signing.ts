import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { framed } from './encoding';
import { isKeyId } from './key-ids';

/** Kafka headers that carry an event's signature (the value stays a plain EventEnvelope). */
export const HEADER_SIGNER = 'intel-signer';
export const HEADER_SIGNING_KEY_ID = 'intel-signing-key-id';
export const HEADER_SIGNATURE = 'intel-signature';

/** Signatures of another purpose or version can never be taken for an event signature. */
const SIGNATURE_DOMAIN = 'intel.v1/event-signature';

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
 * Checks a consumed record's signature against the registry, and that the Kafka key belongs to
 * the signing force (`<forceCode>:…`). Says which check failed; never why in terms of content.
 */
export function verifyRecord(
  registry: SignerRegistry,
  r: SignedRecord,
  headers: Readonly<Record<string, string>>,
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
  const sig = Buffer.from(signature, 'base64');
  if (sig.length !== 64 || !verify(null, signatureDigest(forceCode, keyId, r), key, sig))
    return {
      ok: false,
      reason: 'bad-signature',
      detail: `the signature does not verify with force ${forceCode}'s key ${keyId}`,
    };
  if (!r.key.startsWith(`${forceCode}:`))
    return {
      ok: false,
      reason: 'force-mismatch',
      detail: `signed by force ${forceCode} but keyed for another force`,
    };
  return { ok: true, forceCode, keyId };
}
