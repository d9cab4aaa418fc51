import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { withDatabase, withUser } from '@intel/db';
import { PROTO_ROOT } from '@intel/contracts';
import { kafkaServiceEnv, loadToolConfig, toolKafkaConfig, type KafkaConfig } from '@intel/config';

/** The repository root (the folder holding proto/), from source and from dist/ alike. */
export const REPO_ROOT = dirname(PROTO_ROOT);

/**
 * Where the real PostgreSQL and Kafka for integration tests are. deploy/local/test.sh starts a
 * secured broker and exports KAFKA_BROKERS and KAFKA_CREDENTIALS_DIR (the principals'
 * passwords) before Jest runs; without them the tests fail loudly rather than skip
 * (deploy/local/README.md says how to run one file by hand).
 */
export function testInfra(): { databaseUrl: string; kafkaBrokers: string[] } {
  const cfg = loadToolConfig();
  if (!cfg.kafkaBrokers) {
    throw new Error(
      'KAFKA_BROKERS is not set: run the integration tests through `npm test` (deploy/local/test.sh), which starts a real broker',
    );
  }
  if (!cfg.kafkaAuth.credentialsDir) {
    throw new Error(
      'KAFKA_CREDENTIALS_DIR is not set: the broker authenticates every client; export KAFKA_CREDENTIALS_DIR=$(KAFKA_PORT=<port> deploy/local/kafka.sh credentials) (deploy/local/README.md)',
    );
  }
  return { databaseUrl: cfg.databaseUrl, kafkaBrokers: cfg.kafkaBrokers };
}

/**
 * The environment a service under test needs to reach the test broker as `principal`
 * (`force-36`, `hub`, …: libs/kafka forcePrincipal, HUB_PRINCIPAL).
 */
export function testKafkaEnv(principal: string): Record<string, string> {
  testInfra();
  return kafkaServiceEnv(loadToolConfig(), principal);
}

/** A Kafka client's settings (for createKafka) for a test acting as `principal`. */
export function testKafka(principal: string, clientId: string): KafkaConfig {
  testInfra();
  return toolKafkaConfig(loadToolConfig(), principal, clientId);
}

/** A database name unique to this test run. */
export function uniqueDbName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * A service database with the real roles (libs/db provisionDatabase): the service runs as
 * `<db>_app` (DATABASE_URL) and provisions with the test server's admin URL; the auditor role
 * `<db>_auditor` can log in. Passwords are generated per run. dropDatabase drops the roles.
 */
export function serviceDatabase(dbName: string, serverUrl = testInfra().databaseUrl) {
  const appPassword = randomBytes(18).toString('hex');
  const auditorPassword = randomBytes(18).toString('hex');
  return {
    env: {
      DATABASE_URL: withUser(serverUrl, `${dbName}_app`, appPassword),
      DATABASE_ADMIN_URL: serverUrl,
      DATABASE_NAME: dbName,
      DATABASE_AUDITOR_PASSWORD: auditorPassword,
    },
    /** The service role's URL to its database. */
    appUrl: withDatabase(withUser(serverUrl, `${dbName}_app`, appPassword), dbName),
    /** The auditor's URL to the database. */
    auditorUrl: withDatabase(withUser(serverUrl, `${dbName}_auditor`, auditorPassword), dbName),
  };
}
