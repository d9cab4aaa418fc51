import { Counter, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, Registry } from '@intel/observability';
import { Inject, Injectable } from '@nestjs/common';

export type SkipReason = 'duplicate' | 'stale' | 'tombstone';

/** The hub's ingestion metrics: what it consumed, applied, skipped and dead-lettered. */
@Injectable()
export class HubMetrics {
  readonly consumed: Counter<'topic'>;
  readonly applied: Counter<'event_type'>;
  readonly skipped: Counter<'reason'>;
  readonly deadLettered: Counter<'topic' | 'reason'>;
  readonly batchSeconds: Histogram;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly resolutionSeconds: Histogram;
  readonly resolved: Counter;
  readonly linkDecisions: Counter<'band'>;
  readonly persons: Gauge;
  readonly alerts: Counter<'alert_type'>;
  readonly immediateRaised: Counter;
  readonly immediateAcknowledged: Counter<'via'>;
  readonly immediateEscalated: Counter;
  readonly immediateAckSeconds: Histogram;
  readonly queryLatency: Histogram<'rpc'>;
  readonly queries: Counter<'rpc' | 'code'>;
  readonly probesWithheld: Counter<'force'>;
  readonly resolutionFailures: Counter<'class'>;
  readonly resolutionConsecutiveFailures: Gauge;
  readonly setAsideTotal: Counter;
  readonly setAside: Gauge;
  readonly queueHeadAge: Gauge;
  readonly leader: Gauge;
  readonly leadershipLost: Counter;
  readonly snapshotWrites: Counter<'outcome'>;
  readonly snapshotRefused: Counter<'reason'>;
  readonly snapshotWatermark: Gauge;
  readonly indexLoadSeconds: Gauge<'mode'>;
  readonly standbyWarm: Gauge;
  readonly standbyLagCommits: Gauge;
  readonly standbyLagSeconds: Gauge;
  readonly standbyTailApplied: Counter;
  readonly standbyFailures: Counter<'reason'>;
  readonly takeovers: Counter<'mode'>;
  private backlogProbe: (() => Promise<{ headAgeMs: number; setAside: number }>) | undefined;

  /** Where the queue-head age and set-aside gauges are read from at each scrape. */
  probeBacklog(probe: () => Promise<{ headAgeMs: number; setAside: number }>): void {
    this.backlogProbe = probe;
  }

  constructor(@Inject(Registry) registry: Registry) {
    const backlog = async (set: (b: { headAgeMs: number; setAside: number }) => void) => {
      // Unreadable (the database is down): the gauge keeps its last value.
      const b = await this.backlogProbe?.().catch(() => undefined);
      if (b) set(b);
    };
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
      help: 'Messages parked on intel.dlq.v1, by source topic and reason (unsigned, unknown-force, unknown-key, bad-signature, force-mismatch, unsealable, not-an-envelope, invalid, beyond-limits, version-jump)',
      labelNames: ['topic', 'reason'],
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
    this.resolutionSeconds = new Histogram({
      name: 'hub_resolution_batch_seconds',
      help: 'Time to resolve one batch of queued force entities into national persons',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    });
    this.resolved = new Counter({
      name: 'hub_entities_resolved_total',
      help: 'Force nominals and incidents resolved into the national index',
      registers: [registry],
    });
    this.linkDecisions = new Counter({
      name: 'hub_link_decisions_total',
      help: 'Scored candidate pairs at or above POSSIBLE, by band (CERTAIN/PROBABLE link)',
      labelNames: ['band'],
      registers: [registry],
    });
    this.persons = new Gauge({
      name: 'hub_national_persons',
      help: 'National persons in the index',
      registers: [registry],
    });
    this.alerts = new Counter({
      name: 'hub_alerts_raised_total',
      help: 'Alerts raised, by type (one per recipient force)',
      labelNames: ['alert_type'],
      registers: [registry],
    });
    this.immediateRaised = new Counter({
      name: 'hub_immediate_alerts_raised_total',
      help: 'IMMEDIATE alerts raised (immediate risk to a child; one per recipient force)',
      registers: [registry],
    });
    this.immediateAcknowledged = new Counter({
      name: 'hub_immediate_alerts_acknowledged_total',
      help: 'IMMEDIATE alerts acknowledged (the first acknowledgement), by channel (grpc, analyst)',
      labelNames: ['via'],
      registers: [registry],
    });
    this.immediateEscalated = new Counter({
      name: 'hub_immediate_alerts_escalated_total',
      help: 'IMMEDIATE alerts escalated to the second recipient, unacknowledged in time',
      registers: [registry],
    });
    this.immediateAckSeconds = new Histogram({
      name: 'hub_immediate_ack_seconds',
      help: 'From raising an IMMEDIATE alert to its first acknowledgement',
      buckets: [5, 15, 30, 60, 120, 180, 300, 600, 1200, 3600],
      registers: [registry],
    });
    this.queryLatency = new Histogram({
      name: 'hub_query_seconds',
      help: 'IntelQuery latency, audit write included',
      labelNames: ['rpc'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.queries = new Counter({
      name: 'hub_queries_total',
      help: 'IntelQuery calls by RPC and gRPC status code',
      labelNames: ['rpc', 'code'],
      registers: [registry],
    });
    this.probesWithheld = new Counter({
      name: 'hub_probes_rate_limited_total',
      help: 'Field probes beyond the caller probe rate (hit-only answers withheld), by force',
      labelNames: ['force'],
      registers: [registry],
    });
    this.resolutionFailures = new Counter({
      name: 'hub_resolution_failures_total',
      help: 'Resolution batches that failed, by error class (pg-<SQLSTATE>, connection-lost, …)',
      labelNames: ['class'],
      registers: [registry],
    });
    this.resolutionConsecutiveFailures = new Gauge({
      name: 'hub_resolution_consecutive_failures',
      help: 'Resolution batches failed since the last one that committed',
      registers: [registry],
    });
    this.setAsideTotal = new Counter({
      name: 'hub_resolution_set_aside_total',
      help: 'Queued entities set aside after failing resolution alone (resolution_set_aside)',
      registers: [registry],
    });
    this.setAside = new Gauge({
      name: 'hub_resolution_set_aside',
      help: 'Entities currently set aside, waiting for an operator or a newer version',
      registers: [registry],
      async collect() {
        await backlog((b) => this.set(b.setAside));
      },
    });
    this.queueHeadAge = new Gauge({
      name: 'hub_resolution_queue_head_age_seconds',
      help: 'How long the oldest entity on the resolution queue has waited (0 when empty)',
      registers: [registry],
      async collect() {
        await backlog((b) => this.set(b.headAgeMs / 1000));
      },
    });
    this.leader = new Gauge({
      name: 'hub_leader',
      help: '1 while this hub holds the leadership lock and works on the index, else 0',
      registers: [registry],
    });
    this.leadershipLost = new Counter({
      name: 'hub_leadership_lost_total',
      help: "Times the leadership lock's database connection was lost",
      registers: [registry],
    });
    this.snapshotWrites = new Counter({
      name: 'hub_index_snapshot_writes_total',
      help: 'National index snapshots written (outcome written) or failed to write (failed)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.snapshotRefused = new Counter({
      name: 'hub_index_snapshot_refused_total',
      help: 'Starts that rebuilt the national index because its snapshot was not loaded, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.snapshotWatermark = new Gauge({
      name: 'hub_index_snapshot_watermark',
      help: 'The index commit the last snapshot written covers',
      registers: [registry],
    });
    this.indexLoadSeconds = new Gauge({
      name: 'hub_index_load_seconds',
      help: 'How long the last load of the national index took, by mode (snapshot, restored, rebuilt, standby)',
      labelNames: ['mode'],
      registers: [registry],
    });
    this.standbyWarm = new Gauge({
      name: 'hub_standby_warm',
      help: 'While standing by: 1 when this hub holds a warm index tailing the leader, else 0',
      registers: [registry],
    });
    this.standbyLagCommits = new Gauge({
      name: 'hub_standby_lag_commits',
      help: 'While standing by: index commits the leader made that the warm index has not applied',
      registers: [registry],
    });
    this.standbyLagSeconds = new Gauge({
      name: 'hub_standby_lag_seconds',
      help: 'While standing by: seconds since the warm index was last caught up with the leader (0: caught up)',
      registers: [registry],
    });
    this.standbyTailApplied = new Counter({
      name: 'hub_standby_tail_applied_total',
      help: "The leader's index commits replayed onto the standby's warm index",
      registers: [registry],
    });
    this.standbyFailures = new Counter({
      name: 'hub_standby_failures_total',
      help: "Times the standby's index could not be loaded or kept warm (dropped, loaded again later), by reason",
      labelNames: ['reason'],
      registers: [registry],
    });
    this.takeovers = new Counter({
      name: 'hub_standby_takeovers_total',
      help: 'Leaderships taken after standing by, by how the index was had (warm: replayed; cold: loaded in full)',
      labelNames: ['mode'],
      registers: [registry],
    });
  }
}
