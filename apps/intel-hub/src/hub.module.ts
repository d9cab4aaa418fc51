import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { openDatabase } from '@intel/db';
import {
  KafkaEventConsumer,
  TOPICS,
  createKafka,
  type EventConsumer,
  type EventPublisher,
} from '@intel/kafka';
import { MetricsController, Registry, type Logger } from '@intel/observability';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { INTEL_HUB_MIGRATIONS } from './database/migrations';
import { HealthController } from './health/health.controller';
import type { HubConfig } from '@intel/config';
import { HubMetrics } from './hub.metrics';
import { EVENT_CONSUMER, HUB_LOGGER, HubConfigToken, KAFKA } from './hub.tokens';
import { DeadLetterPublisher } from './ingest/dead-letters';
import { HubStoreRepository } from './ingest/hub-store.repository';
import { IngestService } from './ingest/ingest.service';

/** Starts consuming the force topics once everything is wired. */
@Injectable()
class HubLifecycle implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_CONSUMER) private readonly consumer: EventConsumer,
    @Inject(IngestService) private readonly ingest: IngestService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start(async (batch) => {
      await this.ingest.handle(batch);
    });
  }
}

@Module({})
export class HubModule {
  static forRoot(config: HubConfig, logger: Logger, registry: Registry): DynamicModule {
    return {
      module: HubModule,
      imports: [TerminusModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: HubConfigToken, useValue: config },
        { provide: HUB_LOGGER, useValue: logger },
        { provide: Registry, useValue: registry },
        {
          provide: HubMetrics,
          useFactory: (r: Registry) => new HubMetrics(r),
          inject: [Registry],
        },
        {
          provide: DataSource,
          useFactory: () =>
            openDatabase({
              serverUrl: config.database.url,
              name: config.database.name,
              migrations: INTEL_HUB_MIGRATIONS,
              poolSize: 10,
              applicationName: 'intel-hub',
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
          provide: DeadLetterPublisher,
          useFactory: (kafka: Kafka) => new DeadLetterPublisher(kafka),
          inject: [KAFKA],
        },
        {
          provide: EVENT_CONSUMER,
          useFactory: (kafka: Kafka, m: HubMetrics): EventConsumer =>
            new KafkaEventConsumer(kafka, {
              groupId: config.consumer.groupId,
              topics: [TOPICS.person, TOPICS.incident],
              fromBeginning: true,
              maxBatchSize: config.consumer.batchSize,
              partitionsConsumedConcurrently: config.consumer.concurrency,
              onLag: (topic, partition, lag) =>
                m.lag.set({ topic, partition: String(partition) }, lag),
              onError: (err) =>
                logger.error({ component: 'consumer', err }, 'force-event consumer crashed'),
            }),
          inject: [KAFKA, HubMetrics],
        },
        HubStoreRepository,
        {
          provide: IngestService,
          useFactory: (
            ds: DataSource,
            store: HubStoreRepository,
            dlq: EventPublisher,
            m: HubMetrics,
          ) =>
            new IngestService(
              ds,
              store,
              dlq,
              m,
              logger.child({ component: 'ingest' }),
              config.consumer.groupId,
            ),
          inject: [DataSource, HubStoreRepository, DeadLetterPublisher, HubMetrics],
        },
        HubLifecycle,
      ],
      exports: [],
    };
  }
}
