import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { verifyingKeyFromPem, type SignerRegistry } from './signing';
import { sealingKeyFromPem, type SealingKey } from './sealing';
import { isKeyId } from './key-ids';

export interface PemKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A force's event signing key pair (Ed25519; PKCS#8 and SPKI PEM). */
export function generateSigningKeyPair(): PemKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The hub's sealing key pair (X25519; PKCS#8 and SPKI PEM). */
export function generateSealingKeyPair(): PemKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface PublicKeyEntry {
  forceCode: string;
  keyId: string;
  pem: string | Buffer;
}

/** The hub's registry of forces' verification keys; throws at boot on any unusable key. */
export function buildSignerRegistry(entries: readonly PublicKeyEntry[]): SignerRegistry {
  const registry = new Map<string, Map<string, KeyObject>>();
  for (const e of entries) {
    if (!isKeyId(e.keyId)) throw new Error(`invalid key id ${JSON.stringify(e.keyId)}`);
    let keys = registry.get(e.forceCode);
    if (!keys) registry.set(e.forceCode, (keys = new Map<string, KeyObject>()));
    if (keys.has(e.keyId)) throw new Error(`force ${e.forceCode} has key ${e.keyId} twice`);
    keys.set(e.keyId, verifyingKeyFromPem(e.pem));
  }
  return registry;
}

/** The hub's sealing keys by key id; throws at boot on any unusable key. */
export function buildSealingKeys(
  entries: ReadonlyArray<{ keyId: string; pem: string | Buffer }>,
): ReadonlyMap<string, SealingKey> {
  const keys = new Map<string, SealingKey>();
  for (const e of entries) {
    if (keys.has(e.keyId)) throw new Error(`hub sealing key ${e.keyId} is given twice`);
    keys.set(e.keyId, sealingKeyFromPem(e.keyId, e.pem));
  }
  return keys;
}
