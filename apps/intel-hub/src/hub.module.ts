import { createPrivateKey } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { openServiceDatabase } from '@intel/db';
import { VerifiedRoots, buildSealingKeys, buildSignerRegistry } from '@intel/envelope-security';
import {
  KafkaEventConsumer,
  KafkaPlainPublisher,
  TOPICS,
  createKafka,
  type EventConsumer,
  type EventConsumerOptions,
} from '@intel/kafka';
import { MetricsController, Registry, type Logger } from '@intel/observability';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { hubGrants } from './database/grants';
import { INTEL_HUB_MIGRATIONS } from './database/migrations';
import { HealthController } from './health/health.controller';
import type { HubConfig } from '@intel/config';
import { HubMetrics } from './hub.metrics';
import {
  ALERT_PUBLISHER,
  APPLIED_OBSERVER,
  AUDIT_ANCHORER,
  DEAD_LETTERS,
  DECONFLICTION_KEYS,
  ESCALATION_OPTIONS,
  EVENT_CONSUMER,
  HUB_LOGGER,
  HubConfigToken,
  IDENTIFIER_HOLDERS,
  INGEST_OPTIONS,
  KAFKA,
  PRIORITY_CONSUMER,
  QUERY_OBSERVER,
  ANSWER_DETAIL,
  QUERY_PROBES,
  RESOLUTION_OPTIONS,
} from './hub.tokens';
import { AlertAcknowledge } from './alerts/alert-acknowledge';
import { EscalationScheduler, type EscalationOptions } from './alerts/escalation-scheduler';
import { AlertInboxService } from './analyst/alerts/alert-inbox.service';
import { AuditAnchorer } from './audit/audit-anchorer';
import { HubStoreRepository } from './ingest/hub-store.repository';
import { ConsumerOffsetsRepository } from './ingest/consumer-offsets.repository';
import { IngestService, type IngestOptions } from './ingest/ingest.service';
import { AuditLog } from '@intel/audit';
import { GrpcHealth } from '@intel/grpc';
import { AlertFeed } from './alerts/alert-feed';
import { AlertRelay } from './alerts/alert-relay';
import { ConsultationAudit } from './query/consultation-audit';
import { IntelQueryGrpcController } from './query/intel-query.grpc-controller';
import { ProbeLimiter } from '@intel/disclosure';
import { ConsultationAlertWindow } from './alerts/consultation-alert-window';
import { QueryAlertThrottle } from './alerts/query-alert-throttle';
import { IntelQueryService } from './query/intel-query.service';
import { NationalStoreRepository } from './resolution/national-store.repository';
import { ResolutionService } from './resolution/resolution.service';
import { ReviewService } from './review/review.service';
import { HubLeadership } from './leadership/hub-leadership';
import { WarmStandby } from './resolution/warm-standby';
import { HubLifecycle } from './hub-lifecycle';
import { DeconflictionGrpcController } from './deconfliction/deconfliction.grpc-controller';
import { DeconflictionMetrics } from './deconfliction/deconfliction.metrics';
import { DeconflictionService } from './deconfliction/deconfliction.service';
import { DeconflictionStore } from './deconfliction/deconfliction.store';
import { NationalIndexHolders } from './deconfliction/identifier-holders';

/**
 * Batch roots whose signature the hub keeps as verified. A relay batch is at most 5,000 records
 * (OUTBOX_BATCH_SIZE) over a few topics and partitions, so a few thousand roots cover every
 * batch in flight across every force with room to spare; a root that left is verified again.
 */
const VERIFIED_ROOTS = 4096;

/**
 * A consumer of force events for IngestService: from the beginning for a new group, lag in the
 * metrics, and seeking on assignment to the offsets the ingest stores with the data.
 */
function forceEventConsumer(
  kafka: Kafka,
  m: HubMetrics,
  ds: DataSource,
  offsets: ConsumerOffsetsRepository,
  opts: Omit<EventConsumerOptions, 'fromBeginning' | 'onLag' | 'storedOffsets'>,
): EventConsumer {
  return new KafkaEventConsumer(kafka, {
    ...opts,
    fromBeginning: true,
    storedOffsets: (group, topic, partition) => offsets.read(ds, group, topic, partition),
    onLag: (topic, partition, lag) => m.lag.set({ topic, partition: String(partition) }, lag),
  });
}

@Module({})
export class HubModule {
  static forRoot(config: HubConfig, logger: Logger, registry: Registry): DynamicModule {
    return {
      module: HubModule,
      imports: [TerminusModule],
      controllers: [
        HealthController,
        MetricsController,
        IntelQueryGrpcController,
        DeconflictionGrpcController,
      ],
      providers: [
        { provide: HubConfigToken, useValue: config },
        { provide: HUB_LOGGER, useValue: logger },
        { provide: Registry, useValue: registry },
        { provide: RESOLUTION_OPTIONS, useValue: config.resolution },
        HubMetrics,
        {
          provide: DataSource,
          useFactory: () =>
            openServiceDatabase(config.database, {
              migrations: INTEL_HUB_MIGRATIONS,
              grants: hubGrants,
              poolSize: 10,
              applicationName: 'intel-hub',
              onWarning: (message) => logger.warn({ component: 'database' }, message),
            }),
        },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka(config.kafka, (level, message, extra) =>
              logger[level]({ ...extra, component: 'kafka' }, message),
            ),
        },
        {
          provide: KafkaPlainPublisher,
          useFactory: (kafka: Kafka) => new KafkaPlainPublisher(kafka),
          inject: [KAFKA],
        },
        {
          provide: EVENT_CONSUMER,
          useFactory: (kafka: Kafka, m: HubMetrics, ds: DataSource, o: ConsumerOffsetsRepository) =>
            forceEventConsumer(kafka, m, ds, o, {
              groupId: config.consumer.groupId,
              topics: [TOPICS.person, TOPICS.incident],
              maxBatchSize: config.consumer.batchSize,
              partitionsConsumedConcurrently: config.consumer.concurrency,
              // One ingest transaction per poll, across partitions (IngestService).
              coalescePartitions: true,
              onError: (err) =>
                logger.error({ component: 'consumer', err }, 'force-event consumer crashed'),
            }),
          inject: [KAFKA, HubMetrics, DataSource, ConsumerOffsetsRepository],
        },
        {
          // The priority lane: its own group, so a backlog on the person and incident topics
          // never delays it; verified and applied by the same IngestService.
          provide: PRIORITY_CONSUMER,
          useFactory: (kafka: Kafka, m: HubMetrics, ds: DataSource, o: ConsumerOffsetsRepository) =>
            forceEventConsumer(kafka, m, ds, o, {
              groupId: `${config.consumer.groupId}-priority`,
              topics: [TOPICS.priority],
              maxBatchSize: 100,
              onError: (err) =>
                logger.error({ component: 'consumer', err }, 'priority consumer crashed'),
            }),
          inject: [KAFKA, HubMetrics, DataSource, ConsumerOffsetsRepository],
        },
        HubLeadership,
        WarmStandby,
        HubStoreRepository,
        ConsumerOffsetsRepository,
        NationalStoreRepository,
        {
          provide: INGEST_OPTIONS,
          // Keys are parsed here, at start: an unusable key file stops the hub at once.
          useFactory: (): IngestOptions => ({
            consumerGroup: config.consumer.groupId,
            policy: {
              trust: {
                registry: buildSignerRegistry(config.events.forceKeys),
                sealingKeys: buildSealingKeys(config.events.sealingKeys),
                verifiedRoots: new VerifiedRoots(VERIFIED_ROOTS),
              },
              maxVersionStep: config.events.maxVersionStep,
            },
          }),
        },
        { provide: DEAD_LETTERS, useExisting: KafkaPlainPublisher },
        // Deconfliction sees every applied record in the batch's transaction.
        { provide: APPLIED_OBSERVER, useExisting: DeconflictionService },
        IngestService,
        ResolutionService,
        {
          // The alert relay's own producer (it closes it when it stops).
          provide: ALERT_PUBLISHER,
          useFactory: (kafka: Kafka) => new KafkaPlainPublisher(kafka),
          inject: [KAFKA],
        },
        AlertRelay,
        {
          provide: AuditLog,
          useFactory: (ds: DataSource) => new AuditLog(ds),
          inject: [DataSource],
        },
        ConsultationAudit,
        {
          provide: QueryAlertThrottle,
          useValue: new QueryAlertThrottle(config.query.alertQuietMs),
        },
        {
          // Filled from the consultation alerts stored within the quiet window whenever this hub
          // takes the lead (HubLifecycle), so neither a restart nor a failover alerts again for
          // consultations that already did.
          provide: ConsultationAlertWindow,
          useFactory: (ds: DataSource, store: NationalStoreRepository, th: QueryAlertThrottle) =>
            new ConsultationAlertWindow(ds, store, th, config.query.alertQuietMs),
          inject: [DataSource, NationalStoreRepository, QueryAlertThrottle],
        },
        {
          provide: QUERY_PROBES,
          useValue: new ProbeLimiter({
            burst: config.query.probeBurst,
            refillPerHour: config.query.probeRefillPerHour,
          }),
        },
        { provide: ANSWER_DETAIL, useValue: config.query.answerDetail },
        // Deconfliction sees every validated query's online identifiers.
        { provide: QUERY_OBSERVER, useExisting: DeconflictionService },
        IntelQueryService,
        ReviewService,
        AlertFeed,
        AlertInboxService,
        AlertAcknowledge,
        {
          provide: ESCALATION_OPTIONS,
          useValue: { pollMs: config.escalation.pollMs } satisfies EscalationOptions,
        },
        EscalationScheduler,
        {
          provide: AUDIT_ANCHORER,
          useFactory: (ds: DataSource, kafka: Kafka, r: Registry): AuditAnchorer | null => {
            const pem = config.auditAnchor.keyPem;
            if (!pem) return null;
            const key = createPrivateKey(pem);
            if (key.asymmetricKeyType !== 'ed25519')
              throw new Error(
                'AUDIT_ANCHOR_KEY_FILE must hold an Ed25519 private key (PKCS#8 PEM)',
              );
            return new AuditAnchorer(
              ds,
              new KafkaPlainPublisher(kafka),
              key,
              {
                database: config.database.name,
                intervalMs: config.auditAnchor.intervalMs,
                file: config.auditAnchor.file,
              },
              logger.child({ component: 'audit-anchor' }),
              r,
            );
          },
          inject: [DataSource, KAFKA, Registry],
        },
        DeconflictionMetrics,
        DeconflictionStore,
        { provide: DECONFLICTION_KEYS, useValue: config.deconfliction.keys },
        { provide: IDENTIFIER_HOLDERS, useClass: NationalIndexHolders },
        // Its active set is loaded by HubLifecycle once this hub leads, before it consumes.
        DeconflictionService,
        {
          provide: GrpcHealth,
          useValue: new GrpcHealth(['intel.v1.IntelQuery', 'intel.v1.Deconfliction']),
        },
        HubLifecycle,
      ],
      exports: [],
    };
  }
}
