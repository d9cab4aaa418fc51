import {
  Counter,
  Gauge,
  Histogram,
  LATENCY_BUCKETS_SECONDS,
  type Registry,
} from '@intel/observability';

/** The force node's own metrics (records accepted/rejected, outbox backlog and publish lag). */
export class ForceNodeMetrics {
  readonly accepted: Counter<'kind' | 'outcome'>;
  readonly rejected: Counter<'kind' | 'code'>;
  readonly failures: Counter<'rpc' | 'kind'>;
  readonly published: Counter<'topic'>;
  readonly publishErrors: Counter;
  readonly publishLag: Histogram;
  readonly backlog: Gauge;
  readonly oldestPendingAge: Gauge;
  readonly outboxPruned: Counter;

  constructor(registry: Registry) {
    this.accepted = new Counter({
      name: 'intake_records_accepted_total',
      help: 'Records accepted, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    });
    this.rejected = new Counter({
      name: 'intake_records_rejected_total',
      help: 'Records rejected, by kind and gRPC status code',
      labelNames: ['kind', 'code'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'intake_failures_total',
      help: 'Intake calls or batch items that failed unexpectedly, by RPC and kind (retryable, data, internal)',
      labelNames: ['rpc', 'kind'],
      registers: [registry],
    });
    this.published = new Counter({
      name: 'outbox_published_total',
      help: 'Outbox messages published to Kafka',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.publishErrors = new Counter({
      name: 'outbox_publish_errors_total',
      help: 'Failed relay attempts',
      registers: [registry],
    });
    this.publishLag = new Histogram({
      name: 'outbox_publish_lag_seconds',
      help: 'Time from commit of the outbox row to its publication on Kafka',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    });
    this.backlog = new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox rows not yet published',
      registers: [registry],
    });
    this.oldestPendingAge = new Gauge({
      name: 'outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished outbox row',
      registers: [registry],
    });
    this.outboxPruned = new Counter({
      name: 'outbox_pruned_total',
      help: 'Published outbox rows deleted after the retention period',
      registers: [registry],
    });
  }
}
