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
import { EVENT_CONSUMER, KAFKA, PRIORITY_CONSUMER } from '../hub.tokens';
import { HubLeadership } from '../leadership/hub-leadership';
import { ResolutionService } from '../resolution/resolution.service';
import { WarmStandby } from '../resolution/warm-standby';

/**
 * Ready when the database answers, Kafka answers, this hub leads (holds the leadership lock; a
 * standby is not ready, and says whether its index is warm and how far behind the leader),
 * the force-event consumer and the priority lane's consumer (immediate risk to a child) are
 * running, and resolution flows (not stuck, not failing: the
 * reason says which; entities set aside are reported without making the hub unready).
 */
@Controller('health')
export class HealthController extends HealthEndpoints {
  constructor(
    health: HealthCheckService,
    indicator: HealthIndicatorService,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_CONSUMER) private readonly consumer: EventConsumer,
    @Inject(PRIORITY_CONSUMER) private readonly priority: EventConsumer,
    @Inject(HubLeadership) private readonly leadership: HubLeadership,
    @Inject(ResolutionService) private readonly resolution: ResolutionService,
    @Inject(WarmStandby) private readonly standby: WarmStandby,
  ) {
    super(health, indicator);
  }

  private consumerUp(name: string, consumer: EventConsumer) {
    const s = this.indicator.check(name);
    const detail = { lastError: consumer.lastError ?? null };
    return Promise.resolve(consumer.running ? s.up(detail) : s.down(detail));
  }

  protected checks(): HealthIndicatorFunction[] {
    return [
      () => dependencyReady(this.indicator, 'database', () => this.ds.query('SELECT 1')),
      () => dependencyReady(this.indicator, 'kafka', () => pingKafka(this.kafka)),
      () => this.consumerUp('consumer', this.consumer),
      () => this.consumerUp('priorityConsumer', this.priority),
      () => {
        const s = this.indicator.check('leadership');
        return Promise.resolve(
          this.leadership.leading
            ? s.up()
            : s.down({
                message: 'not leading: standing by or taking the lock again',
                standby: this.standby.status(),
              }),
        );
      },
      async () => {
        const s = this.indicator.check('resolution');
        try {
          const r = await this.resolution.status();
          const detail = {
            queueHeadAgeSeconds: Math.round(r.queueHeadAgeMs / 1000),
            consecutiveFailures: r.consecutiveFailures,
            setAside: r.setAside,
          };
          return r.ready ? s.up(detail) : s.down({ ...detail, message: r.reason });
        } catch (err) {
          return s.down({ message: err instanceof Error ? err.message : String(err) });
        }
      },
    ];
  }
}
