import { Controller, Get, Inject } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { pingKafka } from '@intel/kafka';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { dependencyReady } from '@intel/observability';
import { OutboxRelay } from '../outbox/outbox.relay';
import { OutboxRepository } from '../outbox/outbox.repository';
import { KAFKA } from '../force-node.tokens';

/**
 * GET /health/live: the process answers. GET /health and /health/ready: it can do its job —
 * the database answers, Kafka answers, and the relay is not stuck.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
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
      async () => {
        const s = this.indicator.check('outbox');
        const backlog = await this.outbox.backlog(this.ds);
        const detail = {
          pending: backlog.pending,
          oldest: backlog.oldest?.toISOString() ?? null,
          lastError: this.relay.lastError ?? null,
        };
        return this.relay.healthy ? s.up(detail) : s.down(detail);
      },
    ]);
  }
}
