import {
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  Inject,
  Injectable,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { openServiceDatabase } from '@intel/db';
import { GrpcHealth } from '@intel/grpc';
import { KafkaTransactionalPublisher, createKafka, forceResourcePrefix } from '@intel/kafka';
import { MetricsController, Registry, type Logger } from '@intel/observability';
import { INTAKE_PROTO } from '@intel/contracts';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { forceNodeGrants } from './database/grants';
import { FORCE_NODE_MIGRATIONS } from './database/migrations';
import { ForceNodeMetrics } from './force-node.metrics';
import {
  BATCH_LIMITS,
  EVENT_PROTECTION,
  EVENT_PUBLISHER,
  FORCE_CODE,
  FORCE_NODE_LOGGER,
  ForceNodeConfig,
  KAFKA,
  OUTBOX_PRUNER_OPTIONS,
  OUTBOX_RELAY_OPTIONS,
} from './force-node.tokens';
import { HealthController } from './health/health.controller';
import { IncidentRepository } from './incidents/incident.repository';
import { ForceIntakeGrpcController } from './intake/force-intake.grpc-controller';
import { IncidentIntakeService } from './intake/incident-intake.service';
import { FailureReporter } from './intake/failure-reporter';
import { IntakeService } from './intake/intake.service';
import type { BatchLimits } from './intake/pending-batch';
import { PersonIntakeService } from './intake/person-intake.service';
import { RecordLogRepository } from './intake/record-log.repository';
import { WithdrawalService } from './intake/withdrawal.service';
import { CandidateKeyIndex } from './nominals/candidate-key-index';
import { NominalRepository } from './nominals/nominal.repository';
import { OutboxPruner, type OutboxPrunerOptions } from './outbox/outbox.pruner';
import { eventProtection } from './outbox/event-protection';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxRepository } from './outbox/outbox.repository';
import { SamePersonMatcher } from './nominals/same-person.matcher';

/** The outbox retention job runs hourly. */
const OUTBOX_PRUNE_EVERY_MS = 3_600_000;

/**
 * Starts the relay and the outbox retention job once everything is wired, and tells gRPC
 * health checks we serve.
 */
@Injectable()
class ForceNodeLifecycle implements OnApplicationBootstrap {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(OutboxPruner) private readonly pruner: OutboxPruner,
    @Inject(GrpcHealth) private readonly grpcHealth: GrpcHealth,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
    this.pruner.start();
    this.grpcHealth.set('SERVING');
  }
}

@Module({})
export class ForceNodeModule {
  static forRoot(config: ForceNodeConfig, logger: Logger, registry: Registry): DynamicModule {
    const code = config.forceCode;
    return {
      module: ForceNodeModule,
      imports: [TerminusModule],
      controllers: [ForceIntakeGrpcController, HealthController, MetricsController],
      providers: [
        { provide: ForceNodeConfig, useValue: config },
        { provide: FORCE_NODE_LOGGER, useValue: logger },
        { provide: Registry, useValue: registry },
        {
          provide: ForceNodeMetrics,
          useFactory: (r: Registry) => new ForceNodeMetrics(r),
          inject: [Registry],
        },
        {
          provide: DataSource,
          useFactory: () =>
            openServiceDatabase(config.database, {
              migrations: FORCE_NODE_MIGRATIONS,
              grants: forceNodeGrants,
              poolSize: 10,
              applicationName: `force-node-${code}`,
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
          provide: EVENT_PUBLISHER,
          useFactory: (kafka: Kafka) =>
            new KafkaTransactionalPublisher(kafka, `${forceResourcePrefix(code)}outbox-relay`),
          inject: [KAFKA],
        },
        { provide: GrpcHealth, useValue: new GrpcHealth([`intel.v1.ForceIntake`]) },
        // Values from the configuration; every class below is built by Nest from its
        // constructor's @Inject tokens.
        { provide: FORCE_CODE, useValue: code },
        { provide: OUTBOX_RELAY_OPTIONS, useValue: config.outbox },
        { provide: EVENT_PROTECTION, useValue: eventProtection(config.forceCode, config.events) },
        {
          provide: OUTBOX_PRUNER_OPTIONS,
          useValue: {
            retentionHours: config.outbox.retentionHours,
            everyMs: OUTBOX_PRUNE_EVERY_MS,
          } satisfies OutboxPrunerOptions,
        },
        {
          provide: BATCH_LIMITS,
          useValue: {
            chunkSize: config.intake.chunkSize,
            maxItems: config.intake.maxBatchItems,
            maxBytes: config.intake.maxBatchBytes,
          } satisfies BatchLimits,
        },
        NominalRepository,
        IncidentRepository,
        OutboxRepository,
        RecordLogRepository,
        SamePersonMatcher,
        CandidateKeyIndex,
        PersonIntakeService,
        IncidentIntakeService,
        WithdrawalService,
        OutboxRelay,
        OutboxPruner,
        FailureReporter,
        IntakeService,
        ForceNodeLifecycle,
      ],
      exports: [],
    };
  }
}

export { INTAKE_PROTO };
