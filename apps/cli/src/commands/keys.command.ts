import type { Command } from 'commander';
import { isForceCode } from '@intel/config';
import { keySetLayout, writeForceKey, writeHubSealingKey } from '@intel/envelope-security';

/**
 * `npm run cli -- keys generate --out <dir> --forces 36,01,46 [--key-id k1] [--hub-key-id h1]`:
 * the keys that bind events to their force (docs/security.md). Each force gets an Ed25519
 * signing key (its public half goes into the hub's registry), the hub an X25519 sealing key
 * (its public half goes to every force node). Adding a key with a new id is a rotation: older
 * keys stay so what they signed or sealed still verifies and opens. Never commit the output.
 */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('event signing and sealing keys');
  keys
    .command('generate')
    .description('generate force signing keys and/or a hub sealing key into a key directory')
    .requiredOption('--out <dir>', 'key directory (created; private keys are written 0600)')
    .option('--forces <codes>', 'comma-separated PNC force codes to give a signing key', '')
    .option('--key-id <id>', 'id of the new force keys', 'k1')
    .option('--hub-key-id <id>', 'id of a new hub sealing key (omit with --no-hub)', 'h1')
    .option('--no-hub', 'do not generate a hub sealing key')
    .action((o: { out: string; forces: string; keyId: string; hubKeyId: string; hub: boolean }) => {
      const forces = o.forces
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const f of forces) if (!isForceCode(f)) throw new Error(`${f} is not a PNC force code`);
      for (const f of forces) {
        writeForceKey(o.out, f, o.keyId);
        console.log(`force ${f}: ${keySetLayout.forceSigningKey(o.out, f, o.keyId)}`);
      }
      if (o.hub) {
        writeHubSealingKey(o.out, o.hubKeyId);
        console.log(`hub sealing key ${o.hubKeyId}: ${keySetLayout.hubSealingDir(o.out)}`);
        console.log(
          `  public half for force nodes: ${keySetLayout.hubSealingPublicKey(o.out, o.hubKeyId)}`,
        );
      }
      console.log(`hub registry of force keys: ${keySetLayout.hubTrustDir(o.out)}`);
    });
}
