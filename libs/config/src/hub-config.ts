import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  ConfigError,
  databaseConfig,
  grpcSecurity,
  kafkaConfig,
  type DatabaseConfig,
  type GrpcSecurity,
  type KafkaConfig,
} from './config';
import {
  analystConfig,
  analystEnvSchema,
  requireAnalystIssuer,
  type AnalystConfig,
} from './analyst-config';
import { baseEnvSchema, requireKafkaCredentials, requireTlsUnlessPlaintext } from './env-schema';
import {
  deconflictionConfig,
  deconflictionEnvSchema,
  requireDeconflictionKeys,
  type DeconflictionConfig,
} from './deconfliction-config';
import { hubEventKeys, hubEventKeysEnvSchema, type HubEventKeys } from './event-keys';

const port = z.coerce.number().int().min(0).max(65535);

/** The hub's database when DATABASE_NAME is not set (operator tools default to it too). */
export const HUB_DATABASE_NAME_DEFAULT = 'intel_hub';

/** The national hub's settings on top of the shared ones. */
export const hubEnvSchema = baseEnvSchema
  .extend({
    DATABASE_NAME: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default(HUB_DATABASE_NAME_DEFAULT),
    HTTP_PORT: port.default(8090),
    /** The hub principal may use consumer groups named intel-hub… only (its prefixed ACL). */
    HUB_CONSUMER_GROUP: z
      .string()
      .regex(
        /^intel-hub[A-Za-z0-9._-]*$/,
        "HUB_CONSUMER_GROUP must start with intel-hub (the hub principal's group ACL is prefixed)",
      )
      .default('intel-hub'),
    HUB_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
    /** Partitions applied in parallel (each in its own transaction, order kept per partition). */
    HUB_CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
    GRPC_PORT: port.default(50100),
    /** Queued force entities resolved into national persons per transaction. */
    HUB_RESOLUTION_BATCH: z.coerce.number().int().min(1).max(20_000).default(2000),
    /**
     * The matching engine learns its parameters (EM) from the nominals held at start when there
     * are at least this many; below it, the engine's priors are used (too few to learn from).
     */
    HUB_TRAIN_MIN_RECORDS: z.coerce.number().int().min(100).default(5000),
    /** Below that, the parameters are learned from a generated reference population this big. */
    HUB_REFERENCE_PERSONS: z.coerce.number().int().min(1000).max(200_000).default(20_000),
    /**
     * A force consulting the same person again within this window raises no new consultation
     * alert to the same recipient (every consultation is still audited); 0 alerts on every one.
     */
    HUB_QUERY_ALERT_QUIET_MS: z.coerce.number().int().min(0).default(3_600_000),
    /**
     * An IMMEDIATE alert (immediate risk to a child) must be acknowledged by a named person
     * within this time, else it escalates to the force's second recipient (docs/hub.md,
     * "Immediate risk to a child"). Default 5 minutes.
     */
    HUB_IMMEDIATE_ACK_MS: z.coerce.number().int().min(1000).max(86_400_000).default(300_000),
    /** How often the leader looks for IMMEDIATE alerts past their acknowledgement deadline. */
    HUB_ESCALATION_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
    /**
     * Field probes (CheckPerson, CheckIdentifiers) a caller (force and calling system) may make
     * at once before hit-only answers are withheld from it, and the probes added back per hour
     * (a token bucket; docs/security.md, "One disclosure policy").
     */
    HUB_PROBE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(60),
    HUB_PROBE_REFILL_PER_HOUR: z.coerce.number().int().min(1).max(100_000_000).default(600),
    /**
     * How much of each match CheckPerson and CheckIdentifiers give a caller that does not say
     * (`detail` UNSPECIFIED): `full` (each holding's details and the explanation: the published
     * contract) or `summary` (who, how sure, which flags, which forces hold records: data
     * minimisation under MoPI).
     */
    HUB_ANSWER_DETAIL: z.enum(['full', 'summary']).default('full'),
    /**
     * Ed25519 private key (PKCS#8 PEM file, kept outside PostgreSQL) that signs the audit
     * chain's head; unset, the head is not anchored (announced at start).
     */
    AUDIT_ANCHOR_KEY_FILE: z.string().min(1).optional(),
    /** How often the head is signed and published to intel.audit-anchor.v1. */
    AUDIT_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
    /** Also append every anchor to this file (JSON lines). */
    AUDIT_ANCHOR_FILE: z.string().min(1).optional(),
    /** Readiness fails when the oldest queued entity has waited longer than this. */
    HUB_RESOLUTION_STUCK_MS: z.coerce.number().int().min(1000).default(120_000),
    /** Readiness fails after this many resolution batches failed in a row. */
    HUB_RESOLUTION_MAX_FAILURES: z.coerce.number().int().min(1).default(20),
    /**
     * Directory of the national index's snapshot (docs/hub.md, "Snapshot and restart"): written
     * periodically and at shutdown, loaded at start (with what was committed since replayed)
     * instead of rebuilding the index from the database. Unset: no snapshot (every start
     * rebuilds).
     */
    HUB_SNAPSHOT_DIR: z.string().min(1).optional(),
    /** How often the leader writes the snapshot when the index changed since the last one. */
    HUB_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(1000).default(600_000),
    /**
     * How often a standing-by hub replays what the leader committed onto its warm index
     * (docs/hub.md, "Warm standby"): the gap a takeover replays is at most about this old.
     */
    HUB_STANDBY_TAIL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  })
  .extend(hubEventKeysEnvSchema.shape)
  .extend(analystEnvSchema.shape)
  .extend(deconflictionEnvSchema.shape)
  .superRefine(requireTlsUnlessPlaintext)
  .superRefine(requireDeconflictionKeys)
  .superRefine(requireKafkaCredentials)
  .superRefine(requireAnalystIssuer);

export interface HubConfig {
  database: DatabaseConfig;
  kafka: KafkaConfig;
  http: { host: string; port: number };
  grpc: { host: string; port: number; security: GrpcSecurity };
  resolution: {
    batchSize: number;
    trainMinRecords: number;
    referencePersons: number;
    stuckMs: number;
    maxConsecutiveFailures: number;
    /** IMMEDIATE alerts: acknowledgement deadline after raising (ms). */
    immediateAckMs: number;
    /** The index snapshot's directory (undefined: no snapshot) and how often it is written. */
    snapshotDir: string | undefined;
    snapshotIntervalMs: number;
    /** How often a standing-by hub tails the leader's commits onto its warm index. */
    standbyTailMs: number;
  };
  /** The escalation scheduler of unacknowledged IMMEDIATE alerts. */
  escalation: { pollMs: number };
  consumer: { groupId: string; batchSize: number; concurrency: number };
  query: {
    alertQuietMs: number;
    probeBurst: number;
    probeRefillPerHour: number;
    /** The answers' detail when a caller does not ask for one. */
    answerDetail: 'full' | 'summary';
  };
  /** Audit chain anchoring: the signing key's PEM (undefined: not anchored). */
  auditAnchor: { keyPem: Buffer | undefined; intervalMs: number; file: string | undefined };
  /** Forces' verification keys, the hub's sealing keys, the version step bound. */
  events: HubEventKeys;
  /** The analysts' HTTP API (docs/analyst.md). */
  analyst: AnalystConfig;
  /** Covert-persona deconfliction's HMAC keys (docs/security.md). */
  deconfliction: DeconflictionConfig;
  logLevel: string;
  shutdownGraceMs: number;
}

/** Validates the environment once at boot (docs/engineering.md, "Layout"). */
export function loadHubConfig(env: Record<string, string | undefined> = process.env): HubConfig {
  const result = hubEnvSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  const e = result.data;
  return {
    database: databaseConfig(e, e.DATABASE_NAME),
    kafka: kafkaConfig(e, 'intel-hub'),
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    grpc: { host: e.GRPC_HOST, port: e.GRPC_PORT, security: grpcSecurity(e) },
    resolution: {
      batchSize: e.HUB_RESOLUTION_BATCH,
      trainMinRecords: e.HUB_TRAIN_MIN_RECORDS,
      referencePersons: e.HUB_REFERENCE_PERSONS,
      stuckMs: e.HUB_RESOLUTION_STUCK_MS,
      maxConsecutiveFailures: e.HUB_RESOLUTION_MAX_FAILURES,
      immediateAckMs: e.HUB_IMMEDIATE_ACK_MS,
      snapshotDir: e.HUB_SNAPSHOT_DIR,
      snapshotIntervalMs: e.HUB_SNAPSHOT_INTERVAL_MS,
      standbyTailMs: e.HUB_STANDBY_TAIL_MS,
    },
    escalation: { pollMs: e.HUB_ESCALATION_POLL_MS },
    consumer: {
      groupId: e.HUB_CONSUMER_GROUP,
      batchSize: e.HUB_BATCH_SIZE,
      concurrency: e.HUB_CONSUMER_CONCURRENCY,
    },
    query: {
      alertQuietMs: e.HUB_QUERY_ALERT_QUIET_MS,
      probeBurst: e.HUB_PROBE_BURST,
      probeRefillPerHour: e.HUB_PROBE_REFILL_PER_HOUR,
      answerDetail: e.HUB_ANSWER_DETAIL,
    },
    auditAnchor: {
      keyPem: e.AUDIT_ANCHOR_KEY_FILE ? readFileSync(e.AUDIT_ANCHOR_KEY_FILE) : undefined,
      intervalMs: e.AUDIT_ANCHOR_INTERVAL_MS,
      file: e.AUDIT_ANCHOR_FILE,
    },
    events: hubEventKeys(e),
    analyst: analystConfig(e),
    deconfliction: deconflictionConfig(e),
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
