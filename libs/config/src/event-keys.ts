import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isForceCode } from './force-codes';

/**
 * Keys that bind events to their force (docs/security.md, "Events bound to their force"). Read
 * once at boot; key files are generated per deployment (`npm run cli -- keys generate`), never
 * committed.
 */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const keyId = z.string().regex(KEY_ID, 'a key id is 1-32 letters, digits, _ or -');

/** A force node signs every event and seals handling-code-C states for the hub. */
export const forceNodeEventKeysEnvSchema = z.object({
  /** PEM (PKCS#8) Ed25519 private key: this force's event signing key. */
  EVENT_SIGNING_KEY_FILE: z.string().min(1, 'EVENT_SIGNING_KEY_FILE is required (PEM path)'),
  /** Its id, as registered at the hub (`<forceCode>.<keyId>.pub.pem`). */
  EVENT_SIGNING_KEY_ID: keyId,
  /** PEM (SPKI) X25519 public key of the hub: handling-code-C states are sealed for it. */
  HUB_SEALING_PUBLIC_KEY_FILE: z
    .string()
    .min(1, 'HUB_SEALING_PUBLIC_KEY_FILE is required (PEM path)'),
  HUB_SEALING_KEY_ID: keyId,
});

/** The hub verifies every event against its registry and opens sealed states. */
export const hubEventKeysEnvSchema = z.object({
  /** Directory of forces' public keys: `<forceCode>.<keyId>.pub.pem` (Ed25519, SPKI PEM). */
  HUB_FORCE_KEYS_DIR: z.string().min(1, 'HUB_FORCE_KEYS_DIR is required (directory)'),
  /** Directory of the hub's private sealing keys: `<keyId>.key.pem` (X25519, PKCS#8 PEM). */
  HUB_SEALING_KEYS_DIR: z.string().min(1, 'HUB_SEALING_KEYS_DIR is required (directory)'),
  /** An entity's version may move at most this far past the stored one in one event. */
  HUB_MAX_VERSION_STEP: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .default(100_000),
});

export interface ForceNodeEventKeys {
  signingKeyId: string;
  signingKeyPem: Buffer;
  hubSealingKeyId: string;
  hubSealingPublicKeyPem: Buffer;
}

export interface HubEventKeys {
  forceKeys: Array<{ forceCode: string; keyId: string; pem: Buffer }>;
  sealingKeys: Array<{ keyId: string; pem: Buffer }>;
  maxVersionStep: number;
}

export function forceNodeEventKeys(
  e: z.output<typeof forceNodeEventKeysEnvSchema>,
): ForceNodeEventKeys {
  return {
    signingKeyId: e.EVENT_SIGNING_KEY_ID,
    signingKeyPem: readFileSync(e.EVENT_SIGNING_KEY_FILE),
    hubSealingKeyId: e.HUB_SEALING_KEY_ID,
    hubSealingPublicKeyPem: readFileSync(e.HUB_SEALING_PUBLIC_KEY_FILE),
  };
}

function pemFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .sort();
}

export function hubEventKeys(e: z.output<typeof hubEventKeysEnvSchema>): HubEventKeys {
  const forceKeys = pemFiles(e.HUB_FORCE_KEYS_DIR).map((file) => {
    const m = /^(\d{2})\.([A-Za-z0-9_-]{1,32})\.pub\.pem$/.exec(file);
    if (!m || !isForceCode(m[1] as string))
      throw new Error(
        `HUB_FORCE_KEYS_DIR: ${JSON.stringify(file)} is not <forceCode>.<keyId>.pub.pem for a known PNC force code`,
      );
    return {
      forceCode: m[1] as string,
      keyId: m[2] as string,
      pem: readFileSync(join(e.HUB_FORCE_KEYS_DIR, file)),
    };
  });
  const sealingKeys = pemFiles(e.HUB_SEALING_KEYS_DIR).map((file) => {
    const m = /^([A-Za-z0-9_-]{1,32})\.key\.pem$/.exec(file);
    if (!m) throw new Error(`HUB_SEALING_KEYS_DIR: ${JSON.stringify(file)} is not <keyId>.key.pem`);
    return { keyId: m[1] as string, pem: readFileSync(join(e.HUB_SEALING_KEYS_DIR, file)) };
  });
  if (sealingKeys.length === 0)
    throw new Error('HUB_SEALING_KEYS_DIR holds no <keyId>.key.pem: the hub cannot open C states');
  return { forceKeys, sealingKeys, maxVersionStep: e.HUB_MAX_VERSION_STEP };
}
