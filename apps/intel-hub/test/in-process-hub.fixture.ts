import { randomUUID } from 'node:crypto';
import { Module, type INestApplicationContext, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditLog } from '@intel/audit';
import { loadToolConfig, type DeconflictionKey } from '@intel/config';
import { IncidentState, NominalState } from '@intel/contracts';
import { dropDatabase, inTransaction, openDatabase, withDatabase } from '@intel/db';
import { ProbeLimiter } from '@intel/disclosure';
import { createLogger, Registry, type Logger } from '@intel/observability';
import { uniqueDbName } from '@intel/testing';
import { QueryAlertThrottle } from '../src/alerts/query-alert-throttle';
import { INTEL_HUB_MIGRATIONS } from '../src/database/migrations';
import { DeconflictionMetrics } from '../src/deconfliction/deconfliction.metrics';
import { DeconflictionService } from '../src/deconfliction/deconfliction.service';
import { DeconflictionStore } from '../src/deconfliction/deconfliction.store';
import { NationalIndexHolders } from '../src/deconfliction/identifier-holders';
import { HubMetrics } from '../src/hub.metrics';
import {
  DECONFLICTION_KEYS,
  HUB_LOGGER,
  IDENTIFIER_HOLDERS,
  QUERY_OBSERVER,
  QUERY_PROBES,
  RESOLUTION_OPTIONS,
} from '../src/hub.tokens';
import { HubStoreRepository } from '../src/ingest/hub-store.repository';
import { ConsultationAudit } from '../src/query/consultation-audit';
import { IntelQueryService } from '../src/query/intel-query.service';
import { NationalStoreRepository } from '../src/resolution/national-store.repository';
import { ResolutionService, type ResolutionOptions } from '../src/resolution/resolution.service';
import { WarmStandby } from '../src/resolution/warm-standby';
import { ReviewService } from '../src/review/review.service';

/** What HubModule takes from the configuration, for the hub's services built in process. */
export interface InProcessValues {
  ds: DataSource;
  audit: AuditLog;
  logger: Logger;
  resolution?: ResolutionOptions;
  /** The probe rate of hit-only answers (default: 1000 at once, 1000 an hour). */
  probes?: ProbeLimiter;
  /** With deconfliction (its service told of queries, the national index its holders). */
  deconflictionKeys?: readonly DeconflictionKey[];
}

@Module({})
class InProcessHubModule {}

/**
 * The hub's services on `ds`, built by Nest's DI from the classes HubModule lists (their
 * constructors' @Inject tokens), without Kafka, consumers or leadership: resolution, review,
 * queries and (given its keys) deconfliction, for tests that drive them in process. Consultation
 * alerts are not throttled (quiet window 0).
 */
export function hubServices(v: InProcessValues): Promise<INestApplicationContext> {
  const providers: Provider[] = [
    { provide: DataSource, useValue: v.ds },
    { provide: AuditLog, useValue: v.audit },
    { provide: HUB_LOGGER, useValue: v.logger },
    { provide: Registry, useValue: new Registry() },
    {
      provide: RESOLUTION_OPTIONS,
      useValue: v.resolution ?? resolutionOptions({ trainMinRecords: Number.MAX_SAFE_INTEGER }),
    },
    { provide: QueryAlertThrottle, useValue: new QueryAlertThrottle(0) },
    {
      provide: QUERY_PROBES,
      useValue: v.probes ?? new ProbeLimiter({ burst: 1000, refillPerHour: 1000 }),
    },
    HubMetrics,
    HubStoreRepository,
    NationalStoreRepository,
    ResolutionService,
    WarmStandby,
    ReviewService,
    ConsultationAudit,
    IntelQueryService,
  ];
  if (v.deconflictionKeys)
    providers.push(
      { provide: DECONFLICTION_KEYS, useValue: v.deconflictionKeys },
      { provide: IDENTIFIER_HOLDERS, useClass: NationalIndexHolders },
      { provide: QUERY_OBSERVER, useExisting: DeconflictionService },
      DeconflictionMetrics,
      DeconflictionStore,
      DeconflictionService,
    );
  return NestFactory.createApplicationContext(
    { module: InProcessHubModule, providers },
    { logger: false, abortOnError: false },
  );
}

/** The hub's resolution options as the tests run it (small batches; a re-learning threshold). */
export function resolutionOptions(o: {
  trainMinRecords: number;
  batchSize?: number;
  referencePersons?: number;
  snapshotDir?: string;
  standbyTailMs?: number;
}): ResolutionOptions {
  return {
    batchSize: o.batchSize ?? 500,
    trainMinRecords: o.trainMinRecords,
    referencePersons: o.referencePersons ?? 2000,
    stuckMs: 60_000,
    maxConsecutiveFailures: 5,
    immediateAckMs: 300_000,
    snapshotDir: o.snapshotDir,
    standbyTailMs: o.standbyTailMs,
  };
}

/**
 * A hub in process on a fresh database of the test PostgreSQL (migrations run as its owner; no
 * Kafka): `start` builds its services (hubServices) and loads the national index from the
 * database, as a (re)started hub does; `publish` applies force records as ingestion does
 * (stored, queued, then resolved). For the resolution, review and query specs.
 */
export function inProcessHub(
  prefix: string,
  base: { batchSize: number; referencePersons: number },
) {
  const serverUrl = loadToolConfig().databaseUrl;
  const dbName = uniqueDbName(prefix);
  const logger = createLogger('intel-hub-test', 'warn');
  const store = new NationalStoreRepository();
  const hubStore = new HubStoreRepository();
  let ds: DataSource | undefined;
  let db: Client | undefined;
  let log: AuditLog | undefined;
  const contexts: INestApplicationContext[] = [];
  let current: INestApplicationContext | undefined;
  const need = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`in-process hub: ${what} before open()/start()`);
    return x;
  };
  const services = () => need(current, 'services');

  const hub = {
    logger,
    store,
    get ds(): DataSource {
      return need(ds, 'ds');
    },
    /** A client of the hub's database (owner), for asserting on its tables. */
    get db(): Client {
      return need(db, 'db');
    },
    get log(): AuditLog {
      return need(log, 'log');
    },
    get resolution(): ResolutionService {
      return services().get(ResolutionService);
    },
    get review(): ReviewService {
      return services().get(ReviewService);
    },
    get query(): IntelQueryService {
      return services().get(IntelQueryService);
    },

    async open(): Promise<void> {
      ds = await openDatabase({
        serverUrl,
        name: dbName,
        migrations: INTEL_HUB_MIGRATIONS,
        poolSize: 4,
      });
      db = new Client({ connectionString: withDatabase(serverUrl, dbName) });
      await db.connect();
      log = new AuditLog(ds);
    },

    get metrics(): HubMetrics {
      return services().get(HubMetrics);
    },

    /**
     * A hub (re)started on the database: its services built again, the index loaded from it
     * (from the snapshot in `snapshotDir`, when given, if it can be).
     */
    async start(trainMinRecords: number, snapshotDir?: string): Promise<void> {
      current = await hubServices({
        ds: hub.ds,
        audit: hub.log,
        logger,
        resolution: resolutionOptions({ ...base, trainMinRecords, snapshotDir }),
      });
      contexts.push(current);
      await hub.resolution.drain();
    },

    /**
     * A second hub's services on the same database, not started (nothing loaded): its
     * WarmStandby tails what this hub commits every `standbyTailMs`.
     */
    async standby(
      trainMinRecords: number,
      snapshotDir: string | undefined,
      standbyTailMs: number,
    ): Promise<INestApplicationContext> {
      const other = await hubServices({
        ds: hub.ds,
        audit: hub.log,
        logger,
        resolution: resolutionOptions({ ...base, trainMinRecords, snapshotDir, standbyTailMs }),
      });
      contexts.push(other);
      return other;
    },

    /** Another query service on the running hub's index, with its own probe rate. */
    async queryWith(probes: ProbeLimiter): Promise<IntelQueryService> {
      const running = hub.resolution;
      const other = await NestFactory.createApplicationContext(
        {
          module: InProcessHubModule,
          providers: [
            { provide: DataSource, useValue: hub.ds },
            { provide: HUB_LOGGER, useValue: logger },
            { provide: ResolutionService, useValue: running },
            { provide: HubMetrics, useValue: services().get<HubMetrics>(HubMetrics) },
            {
              provide: ConsultationAudit,
              useValue: services().get<ConsultationAudit>(ConsultationAudit),
            },
            { provide: QueryAlertThrottle, useValue: new QueryAlertThrottle(0) },
            { provide: QUERY_PROBES, useValue: probes },
            NationalStoreRepository,
            IntelQueryService,
          ],
        },
        { logger: false, abortOnError: false },
      );
      contexts.push(other);
      return other.get(IntelQueryService);
    },

    /** Force records applied to the hub store as ingestion does, queued, then resolved. */
    async publish(force: string, states: NominalState[], incidents: IncidentState[] = []) {
      const at = new Date();
      await inTransaction(hub.ds, async (tx) => {
        await hubStore.apply(
          tx,
          [
            ...states.map((s) => ({
              kind: 'nominal-upserted' as const,
              eventId: randomUUID(),
              forceCode: force,
              id: s.nominalId,
              version: s.version,
              state: Buffer.from(NominalState.encode(s).finish()),
            })),
            ...incidents.map((i) => ({
              kind: 'incident-upserted' as const,
              eventId: randomUUID(),
              forceCode: force,
              id: i.incidentId,
              version: i.version,
              state: Buffer.from(IncidentState.encode(i).finish()),
              sharedReference: null,
            })),
          ],
          at,
        );
        await store.enqueue(tx, [
          ...states.map((s) => ({ entity: 'nominal' as const, forceCode: force, id: s.nominalId })),
          ...incidents.map((i) => ({
            entity: 'incident' as const,
            forceCode: force,
            id: i.incidentId,
          })),
        ]);
      });
      await hub.resolution.drain();
    },

    /** Force nominals withdrawn as ingestion does (deleted, queued), then resolved. */
    async withdraw(force: string, ids: string[]) {
      await inTransaction(hub.ds, async (tx) => {
        await hubStore.apply(
          tx,
          ids.map((id) => ({
            kind: 'nominal-withdrawn' as const,
            eventId: randomUUID(),
            forceCode: force,
            id,
            version: 1_000_000,
          })),
          new Date(),
        );
        await store.enqueue(
          tx,
          ids.map((id) => ({ entity: 'nominal' as const, forceCode: force, id })),
        );
      });
      await hub.resolution.drain();
    },

    /** The national person a force's nominal belongs to. */
    async personOf(force: string, id: string): Promise<string | undefined> {
      const r = await hub.db.query<{ person_id: string }>(
        `SELECT person_id FROM person_member WHERE force_code = $1 AND nominal_id = $2`,
        [force, id],
      );
      return r.rows[0]?.person_id;
    },

    async close(): Promise<void> {
      for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
      await log?.close();
      await db?.end();
      await ds?.destroy();
      await dropDatabase(serverUrl, dbName).catch(() => undefined);
    },
  };
  return hub;
}
