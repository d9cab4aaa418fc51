import { z } from 'zod';
import { forceNodeEventKeysEnvSchema } from './event-keys';
import { isForceCode } from './force-codes';

/** A boolean setting: true/false, 1/0, yes/no. */
export const envBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Settings every service shares: where Postgres and Kafka are, how to log, how to secure gRPC. */
export const baseEnvSchema = z.object({
  /** The service's own login role (least privilege; see docs/security.md). */
  DATABASE_URL: z.string().url().default(DEFAULT_DATABASE_URL),
  /**
   * Owner/admin URL used only at start to create the database and its roles and to run the
   * migrations as the owner role; the service then runs as DATABASE_URL. Leave unset when a
   * deployment job provisions the database.
   */
  DATABASE_ADMIN_URL: z.string().url().optional(),
  /**
   * The service role's password from a file (a mounted secret), put into DATABASE_URL; the URL
   * then names only the user. Preferred over a password written into DATABASE_URL.
   */
  DATABASE_PASSWORD_FILE: z.string().min(1).optional(),
  /** When set, the `<database>_auditor` role can log in with it (audit verification). */
  DATABASE_AUDITOR_PASSWORD: z.string().min(16).optional(),
  /**
   * The auditor role's password from a file (an optional mounted secret): the hub's audit viewer
   * reads the log as that role. A file that is not there counts as no password (viewer off).
   */
  DATABASE_AUDITOR_PASSWORD_FILE: z.string().min(1).optional(),
  KAFKA_BROKERS: z
    .string()
    .min(1, 'KAFKA_BROKERS is required (comma-separated host:port list)')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  /**
   * Kafka authentication (every client authenticates; docs/security.md). The principal's
   * password comes from KAFKA_SASL_PASSWORD_FILE (preferred: a mounted secret) or
   * KAFKA_SASL_PASSWORD.
   */
  KAFKA_SASL_MECHANISM: z.enum(KAFKA_SASL_MECHANISMS).default('scram-sha-512'),
  KAFKA_SASL_USERNAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'KAFKA_SASL_USERNAME must be a principal name, e.g. force-36')
    .optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD_FILE: z.string().min(1).optional(),
  /** TLS to the brokers (SASL_SSL): on for every real cluster; the local broker is loopback only. */
  KAFKA_SSL: envBool.default(false),
  /** PEM CA bundle the brokers' certificates chain to; without it, the system's trust store. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRPC_HOST: z.string().default('0.0.0.0'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  /** Plaintext gRPC without client certificates: development only, announced loudly. */
  GRPC_INSECURE_PLAINTEXT: envBool.default(false),
  GRPC_TLS_CA: z.string().optional(),
  GRPC_TLS_CERT: z.string().optional(),
  GRPC_TLS_KEY: z.string().optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
});

export const forceNodeEnvSchema = baseEnvSchema
  .extend({
    FORCE_CODE: z
      .string()
      .regex(/^\d{2}$/, 'FORCE_CODE must be a two-digit PNC force code, e.g. 36')
      .refine(
        isForceCode,
        'FORCE_CODE is not a known PNC force code (two digits, e.g. 01 Metropolitan Police, 36 Norfolk)',
      ),
    DATABASE_NAME: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .optional(),
    GRPC_PORT: port.default(50051),
    HTTP_PORT: port.default(8081),
    OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(1000),
    OUTBOX_POLL_MS: z.coerce.number().int().min(1).max(60_000).default(250),
    // Published outbox rows are kept this long (30 days), then deleted; 0 keeps them for ever.
    OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(0).default(720),
    INTAKE_CHUNK_SIZE: z.coerce.number().int().min(1).max(5000).default(1000),
    // A SubmitBatch is held in memory until the client half-closes it (nothing is stored
    // before: a cancelled batch keeps nothing), so it is bounded in items and in size.
    MAX_BATCH_ITEMS: z.coerce.number().int().min(1).default(100_000),
    MAX_BATCH_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(128 * 1024 * 1024),
  })
  .extend(forceNodeEventKeysEnvSchema.shape)
  .superRefine(requireTlsUnlessPlaintext)
  .superRefine(requireKafkaCredentials);

/** Every service authenticates to Kafka: a principal and exactly one source of its password. */
export function requireKafkaCredentials(
  env: {
    KAFKA_SASL_USERNAME?: string;
    KAFKA_SASL_PASSWORD?: string;
    KAFKA_SASL_PASSWORD_FILE?: string;
    KAFKA_SSL: boolean;
    KAFKA_SSL_CA_FILE?: string;
  },
  ctx: z.RefinementCtx,
): void {
  if (!env.KAFKA_SASL_USERNAME) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_SASL_USERNAME'],
      message: "KAFKA_SASL_USERNAME is required (this service's Kafka principal)",
    });
  }
  const sources = [env.KAFKA_SASL_PASSWORD, env.KAFKA_SASL_PASSWORD_FILE].filter(Boolean).length;
  if (sources !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_SASL_PASSWORD_FILE'],
      message: 'set exactly one of KAFKA_SASL_PASSWORD_FILE and KAFKA_SASL_PASSWORD',
    });
  }
  if (env.KAFKA_SSL_CA_FILE && !env.KAFKA_SSL) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_SSL_CA_FILE'],
      message: 'KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true',
    });
  }
}

export function requireTlsUnlessPlaintext(
  env: {
    GRPC_INSECURE_PLAINTEXT: boolean;
    GRPC_TLS_CA?: string;
    GRPC_TLS_CERT?: string;
    GRPC_TLS_KEY?: string;
  },
  ctx: z.RefinementCtx,
): void {
  if (env.GRPC_INSECURE_PLAINTEXT) return;
  for (const key of ['GRPC_TLS_CA', 'GRPC_TLS_CERT', 'GRPC_TLS_KEY'] as const) {
    if (!env[key]) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} is required for mutual TLS (or set GRPC_INSECURE_PLAINTEXT=true for development)`,
      });
    }
  }
}
