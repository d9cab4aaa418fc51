import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadToolConfig } from '@intel/config';
import { REPO_ROOT } from './test-env';

/** Stops, kills or starts the real local broker the test run uses (deploy/local/kafka.sh). */
export function localKafka(action: 'stop' | 'kill' | 'start' | 'wait'): void {
  const port = loadToolConfig().localKafkaPort;
  if (!port) {
    throw new Error(
      'this test stops and restarts the local broker: run it through `npm test` (KAFKA_PORT names the broker deploy/local/kafka.sh runs)',
    );
  }
  execFileSync('bash', [join(REPO_ROOT, 'deploy', 'local', 'kafka.sh'), action], {
    env: {
      KAFKA_PORT: String(port),
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    },
    stdio: 'pipe',
    timeout: 120_000,
  });
}
