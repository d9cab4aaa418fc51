import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KAFKA_SASL_MECHANISMS, forceNodeEnvSchema } from './env-schema';
import { forceNodeEventKeys, type ForceNodeEventKeys } from './event-keys';
import { forceName } from './force-codes';

/** mTLS material read once at boot, or `plaintext` when explicitly enabled for development. */
export type GrpcSecurity =
  { mode: 'mtls'; ca: Buffer; cert: Buffer; key: Buffer } | { mode: 'plaintext' };

export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** The principal a client authenticates as (SASL). */
export interface KafkaSasl {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

/** TLS to the brokers; `ca` undefined = the system's trust store. */
export interface KafkaTls {
  ca?: Buffer;
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  sasl: KafkaSasl;
  /** Absent: SASL_PLAINTEXT (the loopback-only local broker). */
  tls?: KafkaTls;
}

export interface ForceNodeConfig {
  forceCode: string;
  forceName: string;
  database: DatabaseConfig;
  kafka: KafkaConfig;
  grpc: { host: string; port: number; security: GrpcSecurity };
  http: { host: string; port: number };
  outbox: { batchSize: number; pollMs: number; retentionHours: number };
  intake: { chunkSize: number; maxBatchItems: number; maxBatchBytes: number };
  /** Signs every event; seals handling-code-C states for the hub. */
  events: ForceNodeEventKeys;
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
  e: {
    DATABASE_URL: string;
    DATABASE_PASSWORD_FILE?: string;
    DATABASE_ADMIN_URL?: string;
    DATABASE_AUDITOR_PASSWORD?: string;
    DATABASE_AUDITOR_PASSWORD_FILE?: string;
  },
  name: string,
): DatabaseConfig {
  const auditorPassword =
    e.DATABASE_AUDITOR_PASSWORD ??
    (e.DATABASE_AUDITOR_PASSWORD_FILE && existsSync(e.DATABASE_AUDITOR_PASSWORD_FILE)
      ? readSecretFile(e.DATABASE_AUDITOR_PASSWORD_FILE, 'DATABASE_AUDITOR_PASSWORD_FILE')
      : undefined);
  return {
    url: e.DATABASE_PASSWORD_FILE
      ? urlWithPassword(
          e.DATABASE_URL,
          readSecretFile(e.DATABASE_PASSWORD_FILE, 'DATABASE_PASSWORD_FILE'),
        )
      : e.DATABASE_URL,
    name,
    ...(e.DATABASE_ADMIN_URL ? { adminUrl: e.DATABASE_ADMIN_URL } : {}),
    ...(auditorPassword ? { auditorPassword } : {}),
  };
}

function urlWithPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/**
 * What `npm run cli -- db-provision` needs (docs/deploy.md): the admin URL (a role that may
 * create databases and roles; used by nothing else) and the directory of the roles' passwords,
 * one `<role>/password` file each (mounted secrets; read, never printed).
 */
export interface DbProvisionConfig {
  adminUrl: string;
  credentialsDir: string;
}

export function loadDbProvisionConfig(
  env: Record<string, string | undefined> = process.env,
): DbProvisionConfig {
  const e = parse(
    z.object({
      DATABASE_ADMIN_URL: z.string().url('DATABASE_ADMIN_URL is required (the provisioning role)'),
      DATABASE_CREDENTIALS_DIR: z
        .string()
        .min(1, 'DATABASE_CREDENTIALS_DIR is required (a <role>/password file per role)'),
    }),
    env,
  );
  return { adminUrl: e.DATABASE_ADMIN_URL, credentialsDir: e.DATABASE_CREDENTIALS_DIR };
}

/**
 * A role's password from `<credentialsDir>/<role>/password`: required (an error naming the file,
 * never its content) or, when `optional`, undefined if the file is absent.
 */
export function rolePassword(
  cfg: DbProvisionConfig,
  role: string,
  optional = false,
): string | undefined {
  const path = join(cfg.credentialsDir, role, 'password');
  if (optional && !existsSync(path)) return undefined;
  return readSecretFile(path, `DATABASE_CREDENTIALS_DIR (role ${role})`);
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

/** The Kafka client settings of a service, password read once from its file. */
export function kafkaConfig(
  env: {
    KAFKA_BROKERS: string[];
    KAFKA_SASL_MECHANISM: KafkaSaslMechanism;
    KAFKA_SASL_USERNAME?: string;
    KAFKA_SASL_PASSWORD?: string;
    KAFKA_SASL_PASSWORD_FILE?: string;
    KAFKA_SSL: boolean;
    KAFKA_SSL_CA_FILE?: string;
  },
  clientId: string,
): KafkaConfig {
  const password = env.KAFKA_SASL_PASSWORD_FILE
    ? readSecretFile(env.KAFKA_SASL_PASSWORD_FILE, 'KAFKA_SASL_PASSWORD_FILE')
    : (env.KAFKA_SASL_PASSWORD as string);
  const config: KafkaConfig = {
    brokers: env.KAFKA_BROKERS,
    clientId,
    sasl: {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME as string,
      password,
    },
  };
  if (env.KAFKA_SSL) {
    config.tls = env.KAFKA_SSL_CA_FILE ? { ca: readFileSync(env.KAFKA_SSL_CA_FILE) } : {};
  }
  return config;
}

/** A secret from a file (a mounted Kubernetes secret ends with a newline): trimmed, non-empty. */
function readSecretFile(path: string, variable: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    throw new ConfigError([`${variable}: cannot read ${path}`]);
  }
  if (!text) throw new ConfigError([`${variable}: ${path} is empty`]);
  return text;
}

/** Validates the environment once at boot (docs/engineering.md, "Layout"); nothing else reads process.env. */
export function loadForceNodeConfig(
  env: Record<string, string | undefined> = process.env,
): ForceNodeConfig {
  const e = parse(forceNodeEnvSchema, env);
  return {
    forceCode: e.FORCE_CODE,
    forceName: forceName(e.FORCE_CODE),
    database: databaseConfig(e, e.DATABASE_NAME ?? `intel_force_${e.FORCE_CODE}`),
    kafka: kafkaConfig(e, `force-node-${e.FORCE_CODE}`),
    grpc: { host: e.GRPC_HOST, port: e.GRPC_PORT, security: grpcSecurity(e) },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    outbox: {
      batchSize: e.OUTBOX_BATCH_SIZE,
      pollMs: e.OUTBOX_POLL_MS,
      retentionHours: e.OUTBOX_RETENTION_HOURS,
    },
    intake: {
      chunkSize: e.INTAKE_CHUNK_SIZE,
      maxBatchItems: e.MAX_BATCH_ITEMS,
      maxBatchBytes: e.MAX_BATCH_BYTES,
    },
    events: forceNodeEventKeys(e),
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}

/** For operator tools (CLI, benchmarks, test set-up) that only need Postgres and Kafka. */
export interface ToolConfig {
  databaseUrl: string;
  kafkaBrokers: string[] | undefined;
  /**
   * How tools reach Kafka as a given principal: a directory of `<principal>.password` files
   * (KAFKA_CREDENTIALS_DIR; `deploy/local/kafka.sh credentials` prints the local broker's),
   * or one principal given as for a service (KAFKA_SASL_USERNAME + KAFKA_SASL_PASSWORD[_FILE]).
   */
  kafkaAuth: {
    mechanism: KafkaSaslMechanism;
    credentialsDir: string | undefined;
    username: string | undefined;
    password: string | undefined;
    passwordFile: string | undefined;
    ssl: boolean;
    sslCaFile: string | undefined;
  };
  /** Port of the broker deploy/local/kafka.sh runs (tests stop and restart it), when local. */
  localKafkaPort: number | undefined;
  stackFile: string;
}

export function loadToolConfig(env: Record<string, string | undefined> = process.env): ToolConfig {
  const brokers = env['KAFKA_BROKERS']
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const mechanism = env['KAFKA_SASL_MECHANISM'] || 'scram-sha-512';
  if (!(KAFKA_SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new ConfigError([
      `KAFKA_SASL_MECHANISM: one of ${KAFKA_SASL_MECHANISMS.join(', ')}, got ${mechanism}`,
    ]);
  }
  const ssl = env['KAFKA_SSL'] ?? 'false';
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(ssl)) {
    throw new ConfigError([`KAFKA_SSL: true or false, got ${ssl}`]);
  }
  return {
    databaseUrl: env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: brokers && brokers.length > 0 ? brokers : undefined,
    kafkaAuth: {
      mechanism: mechanism as KafkaSaslMechanism,
      credentialsDir: env['KAFKA_CREDENTIALS_DIR'] || undefined,
      username: env['KAFKA_SASL_USERNAME'] || undefined,
      password: env['KAFKA_SASL_PASSWORD'] || undefined,
      passwordFile: env['KAFKA_SASL_PASSWORD_FILE'] || undefined,
      ssl: ssl === 'true' || ssl === '1' || ssl === 'yes',
      sslCaFile: env['KAFKA_SSL_CA_FILE'] || undefined,
    },
    localKafkaPort: env['KAFKA_PORT'] ? Number(env['KAFKA_PORT']) : undefined,
    stackFile: env['STACK_FILE'] || '.run/stack.json',
  };
}

/** Where a tool finds `principal`'s password: its file in KAFKA_CREDENTIALS_DIR, or the one given. */
function principalSecret(
  cfg: ToolConfig,
  principal: string,
): { KAFKA_SASL_PASSWORD_FILE: string } | { KAFKA_SASL_PASSWORD: string } {
  const a = cfg.kafkaAuth;
  if (a.credentialsDir) {
    return { KAFKA_SASL_PASSWORD_FILE: join(a.credentialsDir, `${principal}.password`) };
  }
  if (a.username === principal && a.passwordFile)
    return { KAFKA_SASL_PASSWORD_FILE: a.passwordFile };
  if (a.username === principal && a.password) return { KAFKA_SASL_PASSWORD: a.password };
  throw new ConfigError([
    `KAFKA_CREDENTIALS_DIR: no credentials for Kafka principal ${principal} (set KAFKA_CREDENTIALS_DIR, e.g. to the output of deploy/local/kafka.sh credentials)`,
  ]);
}

/**
 * The environment a service needs to reach Kafka as `principal`, for tools that start services
 * (tests, benchmarks). The password travels as a file path where there is one.
 */
export function kafkaServiceEnv(cfg: ToolConfig, principal: string): Record<string, string> {
  if (!cfg.kafkaBrokers) throw new ConfigError(['KAFKA_BROKERS: required']);
  const a = cfg.kafkaAuth;
  return {
    KAFKA_BROKERS: cfg.kafkaBrokers.join(','),
    KAFKA_SASL_MECHANISM: a.mechanism,
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SSL: String(a.ssl),
    ...(a.sslCaFile ? { KAFKA_SSL_CA_FILE: a.sslCaFile } : {}),
    ...principalSecret(cfg, principal),
  };
}

/** A Kafka client's settings for a tool acting as `principal` (CLI, benchmarks, tests). */
export function toolKafkaConfig(cfg: ToolConfig, principal: string, clientId: string): KafkaConfig {
  if (!cfg.kafkaBrokers) throw new ConfigError(['KAFKA_BROKERS: required']);
  const a = cfg.kafkaAuth;
  return kafkaConfig(
    {
      KAFKA_BROKERS: cfg.kafkaBrokers,
      KAFKA_SASL_MECHANISM: a.mechanism,
      KAFKA_SASL_USERNAME: principal,
      KAFKA_SSL: a.ssl,
      KAFKA_SSL_CA_FILE: a.sslCaFile,
      ...principalSecret(cfg, principal),
    },
    clientId,
  );
}
