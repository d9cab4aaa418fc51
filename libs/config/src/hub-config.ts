import { z } from 'zod';
import { ConfigError, type KafkaConfig } from './config';
import { baseEnvSchema } from './env-schema';

const port = z.coerce.number().int().min(0).max(65535);

/** The national hub's settings on top of the shared ones. */
export const hubEnvSchema = baseEnvSchema.extend({
  DATABASE_NAME: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('intel_hub'),
  HTTP_PORT: port.default(8090),
  HUB_CONSUMER_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .default('intel-hub'),
  HUB_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** Partitions applied in parallel (each in its own transaction, order kept per partition). */
  HUB_CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
});

export interface HubConfig {
  database: { url: string; name: string };
  kafka: KafkaConfig;
  http: { host: string; port: number };
  consumer: { groupId: string; batchSize: number; concurrency: number };
  logLevel: string;
  shutdownGraceMs: number;
}

/** Validates the environment once at boot (STYLE.md "Config once"). */
export function loadHubConfig(env: Record<string, string | undefined> = process.env): HubConfig {
  const result = hubEnvSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  const e = result.data;
  return {
    database: { url: e.DATABASE_URL, name: e.DATABASE_NAME },
    kafka: { brokers: e.KAFKA_BROKERS, clientId: 'intel-hub' },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    consumer: {
      groupId: e.HUB_CONSUMER_GROUP,
      batchSize: e.HUB_BATCH_SIZE,
      concurrency: e.HUB_CONSUMER_CONCURRENCY,
    },
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
