import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSealingKeyPair, generateSigningKeyPair } from './keys';
import { isKeyId } from './key-ids';

/**
 * Where a generated key set puts each file (`npm run cli -- keys generate`, the test harness):
 * each force node gets its private signing key and the hub's public sealing key; the hub gets
 * the directory of forces' public keys and the directory of its own private sealing keys.
 */
export const keySetLayout = {
  forceSigningKey: (dir: string, forceCode: string, keyId: string) =>
    join(dir, 'forces', `${forceCode}.${keyId}.key.pem`),
  /** The hub's registry: `<forceCode>.<keyId>.pub.pem` per force key. */
  hubTrustDir: (dir: string) => join(dir, 'hub', 'force-keys'),
  /** The hub's private sealing keys: `<keyId>.key.pem`. */
  hubSealingDir: (dir: string) => join(dir, 'hub', 'sealing-keys'),
  hubSealingPublicKey: (dir: string, keyId: string) => join(dir, 'forces', `hub.${keyId}.pub.pem`),
};

function writePrivate(path: string, pem: string): void {
  writeFileSync(path, pem, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Adds a new signing key for a force (a first key, or a rotation: older keys stay). */
export function writeForceKey(dir: string, forceCode: string, keyId: string): void {
  if (!isKeyId(keyId)) throw new Error(`invalid key id ${JSON.stringify(keyId)}`);
  mkdirSync(join(dir, 'forces'), { recursive: true, mode: 0o700 });
  mkdirSync(keySetLayout.hubTrustDir(dir), { recursive: true, mode: 0o700 });
  const pair = generateSigningKeyPair();
  writePrivate(keySetLayout.forceSigningKey(dir, forceCode, keyId), pair.privateKeyPem);
  writeFileSync(
    join(keySetLayout.hubTrustDir(dir), `${forceCode}.${keyId}.pub.pem`),
    pair.publicKeyPem,
  );
}

/** Adds a new hub sealing key (a first key, or a rotation: older ones stay to open old events). */
export function writeHubSealingKey(dir: string, keyId: string): void {
  if (!isKeyId(keyId)) throw new Error(`invalid key id ${JSON.stringify(keyId)}`);
  mkdirSync(join(dir, 'forces'), { recursive: true, mode: 0o700 });
  mkdirSync(keySetLayout.hubSealingDir(dir), { recursive: true, mode: 0o700 });
  const pair = generateSealingKeyPair();
  writePrivate(join(keySetLayout.hubSealingDir(dir), `${keyId}.key.pem`), pair.privateKeyPem);
  writeFileSync(keySetLayout.hubSealingPublicKey(dir, keyId), pair.publicKeyPem);
}
