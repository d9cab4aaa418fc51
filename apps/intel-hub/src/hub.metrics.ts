import {
  Counter,
  Gauge,
  Histogram,
  LATENCY_BUCKETS_SECONDS,
  type Registry,
} from '@intel/observability';

export type SkipReason = 'duplicate' | 'stale' | 'tombstone';

/** The hub's ingestion metrics: what it consumed, applied, skipped and dead-lettered. */
export class HubMetrics {
  readonly consumed: Counter<'topic'>;
  readonly applied: Counter<'event_type'>;
  readonly skipped: Counter<'reason'>;
  readonly deadLettered: Counter<'topic'>;
  readonly batchSeconds: Histogram;
  readonly lag: Gauge<'topic' | 'partition'>;

  constructor(registry: Registry) {
    this.consumed = new Counter({
      name: 'hub_events_consumed_total',
      help: 'Messages consumed from the force topics, tombstones included',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.applied = new Counter({
      name: 'hub_events_applied_total',
      help: 'Events that changed the hub store, by event type',
      labelNames: ['event_type'],
      registers: [registry],
    });
    this.skipped = new Counter({
      name: 'hub_events_skipped_total',
      help: 'Messages that changed nothing: duplicate event id, stale version, or tombstone',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.deadLettered = new Counter({
      name: 'hub_events_dead_lettered_total',
      help: 'Poison messages parked on intel.dlq.v1, by source topic',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.batchSeconds = new Histogram({
      name: 'hub_ingest_batch_seconds',
      help: 'Time to apply one consumed batch (database transaction and dead letters)',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    });
    this.lag = new Gauge({
      name: 'hub_consumer_lag',
      help: 'Messages behind the high watermark after the last batch, per partition',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    });
  }
}
