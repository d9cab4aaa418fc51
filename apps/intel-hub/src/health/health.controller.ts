import { Controller, Get, Inject } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { pingKafka, type EventConsumer } from '@intel/kafka';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { dependencyReady } from '@intel/observability';
import { EVENT_CONSUMER, KAFKA } from '../hub.tokens';

/**
 * GET /health/live: the process answers. GET /health and /health/ready: it can do its job —
 * the database answers, Kafka answers, and the force-event consumer is running.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_CONSUMER) private readonly consumer: EventConsumer,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.ready();
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => dependencyReady(this.indicator, 'database', () => this.ds.query('SELECT 1')),
      () => dependencyReady(this.indicator, 'kafka', () => pingKafka(this.kafka)),
      () => {
        const s = this.indicator.check('consumer');
        const detail = { lastError: this.consumer.lastError ?? null };
        return Promise.resolve(this.consumer.running ? s.up(detail) : s.down(detail));
      },
    ]);
  }
}
