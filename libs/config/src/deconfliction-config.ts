import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The keys of covert-persona deconfliction's keyed hashes (docs/security.md, "Covert-persona
 * deconfliction"): HMAC-SHA256 keys held outside PostgreSQL, so a copy of the database alone
 * cannot test a guessed username against the registered personas.
 */
export const deconflictionEnvSchema = z.object({
  /** `keyId:base64,keyId:base64…`, the first the current key; prefer the _FILE form. */
  HUB_DECONFLICTION_KEYS: z.string().min(1).optional(),
  /** A file (a mounted secret) holding the same list (commas or new lines between entries). */
  HUB_DECONFLICTION_KEYS_FILE: z.string().min(1).optional(),
});

type DeconflictionEnv = z.infer<typeof deconflictionEnvSchema>;

export interface DeconflictionKey {
  keyId: string;
  key: Buffer;
}

export interface DeconflictionConfig {
  /** Every configured key, the current (used for new registrations) first. */
  keys: DeconflictionKey[];
  /**
   * True when no key was configured and the plaintext development mode derived a fixed, public
   * one (announced loudly at start): digests under it protect nothing.
   */
  devKey: boolean;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const MIN_KEY_BYTES = 32;
/** The development key: derived from a public constant, the same at every start. */
const DEV_KEY_ID = 'dev';
const DEV_KEY_SEED = 'intel-platform plaintext development deconfliction key (not a secret)';

/**
 * Parses `keyId:base64` entries (commas or new lines between them; the first is current). Pure.
 * Throws with a message naming the variable, never the key material.
 */
export function parseDeconflictionKeys(text: string, source: string): DeconflictionKey[] {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new Error(`${source}: no keys`);
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const keyId = colon < 0 ? '' : entry.slice(0, colon);
    const b64 = colon < 0 ? '' : entry.slice(colon + 1);
    if (!KEY_ID.test(keyId))
      throw new Error(
        `${source}: entry ${i + 1} must be keyId:base64 (keyId 1-32 of A-Z a-z 0-9 _ -)`,
      );
    if (seen.has(keyId)) throw new Error(`${source}: key id ${keyId} is listed twice`);
    seen.add(keyId);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
      throw new Error(`${source}: key ${keyId} is not base64`);
    const key = Buffer.from(b64, 'base64');
    if (key.length < MIN_KEY_BYTES)
      throw new Error(`${source}: key ${keyId} must be at least ${MIN_KEY_BYTES} bytes`);
    return { keyId, key };
  });
}

/** One source of keys at most; none is an error unless gRPC runs in plaintext development mode. */
export function requireDeconflictionKeys(
  env: DeconflictionEnv & { GRPC_INSECURE_PLAINTEXT: boolean },
  ctx: z.RefinementCtx,
): void {
  if (env.HUB_DECONFLICTION_KEYS && env.HUB_DECONFLICTION_KEYS_FILE)
    ctx.addIssue({
      code: 'custom',
      path: ['HUB_DECONFLICTION_KEYS'],
      message: 'set HUB_DECONFLICTION_KEYS or HUB_DECONFLICTION_KEYS_FILE, not both',
    });
  if (
    !env.HUB_DECONFLICTION_KEYS &&
    !env.HUB_DECONFLICTION_KEYS_FILE &&
    !env.GRPC_INSECURE_PLAINTEXT
  )
    ctx.addIssue({
      code: 'custom',
      path: ['HUB_DECONFLICTION_KEYS_FILE'],
      message:
        'HUB_DECONFLICTION_KEYS_FILE (or HUB_DECONFLICTION_KEYS) is required: keyId:base64 HMAC keys, 32+ bytes, held outside the database',
    });
}

export function deconflictionConfig(
  e: DeconflictionEnv & { GRPC_INSECURE_PLAINTEXT: boolean },
): DeconflictionConfig {
  if (e.HUB_DECONFLICTION_KEYS_FILE)
    return {
      keys: parseDeconflictionKeys(
        readFileSync(e.HUB_DECONFLICTION_KEYS_FILE, 'utf8'),
        'HUB_DECONFLICTION_KEYS_FILE',
      ),
      devKey: false,
    };
  if (e.HUB_DECONFLICTION_KEYS)
    return {
      keys: parseDeconflictionKeys(e.HUB_DECONFLICTION_KEYS, 'HUB_DECONFLICTION_KEYS'),
      devKey: false,
    };
  // Only reachable in plaintext development mode (requireDeconflictionKeys).
  return {
    keys: [{ keyId: DEV_KEY_ID, key: createHash('sha256').update(DEV_KEY_SEED).digest() }],
    devKey: true,
  };
}
