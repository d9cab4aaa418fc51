import { Controller, Inject } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { pingKafka } from '@intel/kafka';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { HealthEndpoints, dependencyReady } from '@intel/observability';
import { OutboxRelay } from '../outbox/outbox.relay';
import { OutboxRepository } from '../outbox/outbox.repository';
import { KAFKA } from '../force-node.tokens';

/** Ready when the database answers, Kafka answers, and the outbox relay is not stuck. */
@Controller('health')
export class HealthController extends HealthEndpoints {
  constructor(
    health: HealthCheckService,
    indicator: HealthIndicatorService,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
  ) {
    super(health, indicator);
  }

  protected checks(): HealthIndicatorFunction[] {
    return [
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
    ];
  }
}
