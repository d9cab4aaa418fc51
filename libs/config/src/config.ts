import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { forceNodeEnvSchema } from './env-schema';
import { forceName } from './force-codes';

/** mTLS material read once at boot, or `plaintext` when explicitly enabled for development. */
export type GrpcSecurity =
  { mode: 'mtls'; ca: Buffer; cert: Buffer; key: Buffer } | { mode: 'plaintext' };

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
}

export interface ForceNodeConfig {
  forceCode: string;
  forceName: string;
  database: DatabaseConfig;
  kafka: KafkaConfig;
  grpc: { host: string; port: number; security: GrpcSecurity };
  http: { host: string; port: number };
  outbox: { batchSize: number; pollMs: number; retentionHours: number };
  intake: { chunkSize: number; maxBatchItems: number };
  logLevel: string;
  shutdownGraceMs: number;
}

/** A service's database: its own role's URL, and the admin URL used only to provision it. */
export interface DatabaseConfig {
  url: string;
  name: string;
  adminUrl?: string;
  auditorPassword?: string;
}

export function databaseConfig(
  e: { DATABASE_URL: string; DATABASE_ADMIN_URL?: string; DATABASE_AUDITOR_PASSWORD?: string },
  name: string,
): DatabaseConfig {
  return {
    url: e.DATABASE_URL,
    name,
    ...(e.DATABASE_ADMIN_URL ? { adminUrl: e.DATABASE_ADMIN_URL } : {}),
    ...(e.DATABASE_AUDITOR_PASSWORD ? { auditorPassword: e.DATABASE_AUDITOR_PASSWORD } : {}),
  };
}

export class ConfigError extends Error {
  constructor(issues: string[]) {
    super(`invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function parse<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  return result.data;
}

export function grpcSecurity(env: {
  GRPC_INSECURE_PLAINTEXT: boolean;
  GRPC_TLS_CA?: string;
  GRPC_TLS_CERT?: string;
  GRPC_TLS_KEY?: string;
}): GrpcSecurity {
  if (env.GRPC_INSECURE_PLAINTEXT) return { mode: 'plaintext' };
  return {
    mode: 'mtls',
    ca: readFileSync(env.GRPC_TLS_CA as string),
    cert: readFileSync(env.GRPC_TLS_CERT as string),
    key: readFileSync(env.GRPC_TLS_KEY as string),
  };
}

/** Validates the environment once at boot (STYLE.md "Config once"); nothing else reads process.env. */
export function loadForceNodeConfig(
  env: Record<string, string | undefined> = process.env,
): ForceNodeConfig {
  const e = parse(forceNodeEnvSchema, env);
  return {
    forceCode: e.FORCE_CODE,
    forceName: forceName(e.FORCE_CODE),
    database: databaseConfig(e, e.DATABASE_NAME ?? `intel_force_${e.FORCE_CODE}`),
    kafka: { brokers: e.KAFKA_BROKERS, clientId: `force-node-${e.FORCE_CODE}` },
    grpc: { host: e.GRPC_HOST, port: e.GRPC_PORT, security: grpcSecurity(e) },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    outbox: {
      batchSize: e.OUTBOX_BATCH_SIZE,
      pollMs: e.OUTBOX_POLL_MS,
      retentionHours: e.OUTBOX_RETENTION_HOURS,
    },
    intake: { chunkSize: e.INTAKE_CHUNK_SIZE, maxBatchItems: e.MAX_BATCH_ITEMS },
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}

/** For operator tools (CLI, benchmarks, test set-up) that only need Postgres and Kafka. */
export interface ToolConfig {
  databaseUrl: string;
  kafkaBrokers: string[] | undefined;
  /** Port of the broker deploy/local/kafka.sh runs (tests stop and restart it), when local. */
  localKafkaPort: number | undefined;
  stackFile: string;
}

export function loadToolConfig(env: Record<string, string | undefined> = process.env): ToolConfig {
  const brokers = env['KAFKA_BROKERS']
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    databaseUrl: env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: brokers && brokers.length > 0 ? brokers : undefined,
    localKafkaPort: env['KAFKA_PORT'] ? Number(env['KAFKA_PORT']) : undefined,
    stackFile: env['STACK_FILE'] || '.run/stack.json',
  };
}
