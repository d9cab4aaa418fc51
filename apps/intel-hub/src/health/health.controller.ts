import { Controller, Inject } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { pingKafka, type EventConsumer } from '@intel/kafka';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { HealthEndpoints, dependencyReady } from '@intel/observability';
import { EVENT_CONSUMER, KAFKA } from '../hub.tokens';

/** Ready when the database answers, Kafka answers, and the force-event consumer is running. */
@Controller('health')
export class HealthController extends HealthEndpoints {
  constructor(
    health: HealthCheckService,
    indicator: HealthIndicatorService,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_CONSUMER) private readonly consumer: EventConsumer,
  ) {
    super(health, indicator);
  }

  protected checks(): HealthIndicatorFunction[] {
    return [
      () => dependencyReady(this.indicator, 'database', () => this.ds.query('SELECT 1')),
      () => dependencyReady(this.indicator, 'kafka', () => pingKafka(this.kafka)),
      () => {
        const s = this.indicator.check('consumer');
        const detail = { lastError: this.consumer.lastError ?? null };
        return Promise.resolve(this.consumer.running ? s.up(detail) : s.down(detail));
      },
    ];
  }
}
