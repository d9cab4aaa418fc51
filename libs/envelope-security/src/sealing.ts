import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { framed } from './encoding';
import { isKeyId } from './key-ids';

const AAD_DOMAIN = 'intel.v1/sealed-payload/aad';
const HKDF_INFO = Buffer.from('intel.v1/sealed-payload/aes-256-gcm', 'utf8');
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The hub's sealing key as a force node holds it: public only. */
export interface SealingRecipient {
  keyId: string;
  publicKey: KeyObject;
}

/** One of the hub's sealing keys (it keeps older ones to open what was sealed for them). */
export interface SealingKey {
  keyId: string;
  privateKey: KeyObject;
}

/** What travels: matches the SealedPayload message field for field. */
export interface Sealed {
  hubKeyId: string;
  /** Raw X25519 public key (32 bytes), fresh for every sealed payload. */
  ephemeralPublicKey: Buffer;
  nonce: Buffer;
  /** AES-256-GCM ciphertext followed by its 16-byte tag. */
  ciphertext: Buffer;
}

/** What a sealed payload is bound to: the same bytes opened under another event are refused. */
export interface SealingContext {
  topic: string;
  key: string;
  eventId: string;
  eventType: string;
  forceCode: string;
  version: number;
}

export class UnsealError extends Error {
  constructor(
    readonly reason: 'unknown-key' | 'malformed' | 'refused',
    message: string,
  ) {
    super(message);
    this.name = 'UnsealError';
  }
}

export function sealingAad(c: SealingContext): Buffer {
  return framed(AAD_DOMAIN, [
    c.topic,
    c.key,
    c.eventId,
    c.eventType,
    c.forceCode,
    String(c.version),
  ]);
}

function rawX25519(key: KeyObject): Buffer {
  const x = key.export({ format: 'jwk' }).x;
  if (!x) throw new Error('not an X25519 key');
  return Buffer.from(x, 'base64url');
}

function x25519FromRaw(raw: Buffer): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

function contentKey(shared: Buffer, ephemeral: Buffer, recipient: Buffer): Buffer {
  return Buffer.from(
    hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), HKDF_INFO, 32),
  );
}

export function sealingRecipientFromPem(keyId: string, pem: string | Buffer): SealingRecipient {
  if (!isKeyId(keyId)) throw new Error(`invalid hub sealing key id ${JSON.stringify(keyId)}`);
  const publicKey = createPublicKey(pem);
  if (publicKey.asymmetricKeyType !== 'x25519')
    throw new Error('the hub sealing public key is not X25519');
  return { keyId, publicKey };
}

export function sealingKeyFromPem(keyId: string, pem: string | Buffer): SealingKey {
  if (!isKeyId(keyId)) throw new Error(`invalid hub sealing key id ${JSON.stringify(keyId)}`);
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'x25519')
    throw new Error('a hub sealing private key is not X25519');
  return { keyId, privateKey };
}

/**
 * Encrypts for the hub only: X25519 with a fresh ephemeral key, HKDF-SHA256 to an AES-256-GCM
 * key, the context as associated data. Only the holder of the hub's private key can open it, and
 * only under the same topic, key, event id, type, force and version.
 */
export function seal(to: SealingRecipient, plaintext: Buffer, context: SealingContext): Sealed {
  const eph = generateKeyPairSync('x25519');
  const ephemeralPublicKey = rawX25519(eph.publicKey);
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: to.publicKey });
  const key = contentKey(shared, ephemeralPublicKey, rawX25519(to.publicKey));
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(sealingAad(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { hubKeyId: to.keyId, ephemeralPublicKey, nonce, ciphertext };
}

/** Opens a sealed payload; throws UnsealError (never with any of its content) when it cannot. */
export function unseal(
  keys: ReadonlyMap<string, SealingKey>,
  sealed: Sealed,
  context: SealingContext,
): Buffer {
  const own = keys.get(sealed.hubKeyId);
  if (!own)
    throw new UnsealError(
      'unknown-key',
      `sealed for hub key ${JSON.stringify(sealed.hubKeyId.slice(0, 40))}, which this hub does not hold`,
    );
  if (
    sealed.ephemeralPublicKey.length !== 32 ||
    sealed.nonce.length !== NONCE_BYTES ||
    sealed.ciphertext.length < TAG_BYTES
  )
    throw new UnsealError('malformed', 'the sealed payload is malformed');
  let ephemeral: KeyObject;
  let shared: Buffer;
  try {
    ephemeral = x25519FromRaw(sealed.ephemeralPublicKey);
    shared = diffieHellman({ privateKey: own.privateKey, publicKey: ephemeral });
  } catch {
    throw new UnsealError('malformed', 'the sealed payload has an invalid ephemeral key');
  }
  const recipient = rawX25519(createPublicKey(own.privateKey));
  const key = contentKey(shared, sealed.ephemeralPublicKey, recipient);
  const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_BYTES);
  const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce);
    decipher.setAAD(sealingAad(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new UnsealError('refused', 'the sealed payload does not open under this event');
  }
}
