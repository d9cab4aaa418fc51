import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORCES } from '@intel/config';
import {
  buildSealingKeys,
  buildSignerRegistry,
  keySetLayout,
  makeSigner,
  sealingRecipientFromPem,
  writeForceKey,
  writeHubSealingKey,
  type ForceEventKeys,
  type HubEventTrust,
} from '@intel/envelope-security';

/** The key id every test key carries. */
export const TEST_KEY_ID = 'test';

/**
 * Ephemeral event keys for one test run (never committed): a signing key per PNC force and a
 * hub sealing key, in a temporary directory removed when the process exits. startService hands
 * them to every force node and hub it starts; tests use the same keys to sign (or forge) events.
 */
export interface TestEventKeys {
  dir: string;
  /** The configuration a force node needs to sign and seal. */
  forceNodeEnv(forceCode: string): Record<string, string>;
  /** The configuration a hub needs to verify and open. */
  hubEnv(): Record<string, string>;
  /** What a force node holds, for tests that publish as a force. */
  forceKeys(forceCode: string): ForceEventKeys;
  /** What the hub holds, for tests that read as the hub. */
  hubTrust(): HubEventTrust;
}

let current: TestEventKeys | undefined;

export function testEventKeys(): TestEventKeys {
  if (current) return current;
  const dir = mkdtempSync(join(tmpdir(), 'intel-event-keys-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const codes = Object.keys(FORCES);
  for (const code of codes) writeForceKey(dir, code, TEST_KEY_ID);
  writeHubSealingKey(dir, TEST_KEY_ID);
  const hubPublic = keySetLayout.hubSealingPublicKey(dir, TEST_KEY_ID);
  // Deconfliction's HMAC key (a mounted secret in a deployment): fresh per test run.
  const deconflictionKeys = join(dir, 'deconfliction.keys');
  writeFileSync(deconflictionKeys, `${TEST_KEY_ID}:${randomBytes(32).toString('base64')}\n`, {
    mode: 0o600,
  });
  current = {
    dir,
    forceNodeEnv: (forceCode) => ({
      EVENT_SIGNING_KEY_FILE: keySetLayout.forceSigningKey(dir, forceCode, TEST_KEY_ID),
      EVENT_SIGNING_KEY_ID: TEST_KEY_ID,
      HUB_SEALING_PUBLIC_KEY_FILE: hubPublic,
      HUB_SEALING_KEY_ID: TEST_KEY_ID,
    }),
    hubEnv: () => ({
      HUB_FORCE_KEYS_DIR: keySetLayout.hubTrustDir(dir),
      HUB_SEALING_KEYS_DIR: keySetLayout.hubSealingDir(dir),
      HUB_DECONFLICTION_KEYS_FILE: deconflictionKeys,
    }),
    forceKeys: (forceCode) => ({
      signer: makeSigner(
        forceCode,
        TEST_KEY_ID,
        readFileSync(keySetLayout.forceSigningKey(dir, forceCode, TEST_KEY_ID)),
      ),
      hub: sealingRecipientFromPem(TEST_KEY_ID, readFileSync(hubPublic)),
    }),
    hubTrust: () => ({
      registry: buildSignerRegistry(
        codes.map((forceCode) => ({
          forceCode,
          keyId: TEST_KEY_ID,
          pem: readFileSync(
            join(keySetLayout.hubTrustDir(dir), `${forceCode}.${TEST_KEY_ID}.pub.pem`),
          ),
        })),
      ),
      sealingKeys: buildSealingKeys([
        {
          keyId: TEST_KEY_ID,
          pem: readFileSync(join(keySetLayout.hubSealingDir(dir), `${TEST_KEY_ID}.key.pem`)),
        },
      ]),
    }),
  };
  return current;
}

/** The event-key configuration for a service the harness starts (explicit env wins). */
export function eventKeyEnv(
  app: 'force-node' | 'intel-hub' | 'analyst-api',
  env: Record<string, string>,
): Record<string, string> {
  if (app === 'force-node' && env['FORCE_CODE'] && !env['EVENT_SIGNING_KEY_FILE'])
    return testEventKeys().forceNodeEnv(env['FORCE_CODE']);
  if (app === 'intel-hub' && !env['HUB_FORCE_KEYS_DIR']) return testEventKeys().hubEnv();
  return {};
}
