import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadToolConfig } from '@intel/config';
import { forcePrincipal } from '@intel/kafka';
import { testInfra } from '@intel/testing';

const run = promisify(execFile);
const KAFKA_SH = join(__dirname, '../../../deploy/local/kafka.sh');

// docs/runbook.md "Certificate and key rotation", Kafka SCRAM passwords: a principal's password
// changed on the running broker (`kafka.sh rotate-password`, the procedure of docs/security.md
// "Rotation" for the local broker). Gwent (61) is a principal no other test uses.
describe('Kafka SCRAM password rotation (integration: the local test broker)', () => {
  const { kafkaBrokers } = testInfra();
  const dir = loadToolConfig().kafkaAuth.credentialsDir as string;
  const principal = forcePrincipal('61');
  const passwordFile = join(dir, `${principal}.password`);

  /** Whether `principal` may connect with this password. */
  async function connects(password: string): Promise<boolean> {
    const kafka = new Kafka({
      clientId: 'it-scram-rotation',
      brokers: kafkaBrokers,
      sasl: { mechanism: 'scram-sha-512', username: principal, password },
      connectionTimeout: 3000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  // The script changes the local broker `npm test` started; an external cluster
  // (KAFKA_BROKERS elsewhere) is rotated with its own tools.
  const local = kafkaBrokers.length === 1 && kafkaBrokers[0]?.startsWith('127.0.0.1:') === true;

  (local ? it : it.skip)(
    'after a rotation the new password connects and the old one is refused',
    async () => {
      const old = readFileSync(passwordFile, 'utf8');
      expect(await connects(old)).toBe(true);
      // The script finds the local broker from the environment `npm test` runs in (KAFKA_PORT).
      const { stdout, stderr } = await run('bash', [KAFKA_SH, 'rotate-password', principal]);
      expect(`${stdout}${stderr}`).toContain(`${principal} has a new password`);
      const fresh = readFileSync(passwordFile, 'utf8');
      expect(fresh).not.toBe(old);
      expect(await connects(fresh)).toBe(true);
      expect(await connects(old)).toBe(false);
    },
  );
});
