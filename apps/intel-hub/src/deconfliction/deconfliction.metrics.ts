import { Counter, Gauge, Registry } from '@intel/observability';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Deconfliction's metrics: counts only, by kind and outcome; never a unit, force pair or
 * anything that would let a dashboard reader infer a covert operation.
 */
@Injectable()
export class DeconflictionMetrics {
  readonly calls: Counter<'rpc' | 'code'>;
  readonly hits: Counter<'kind'>;
  readonly noticesPending: Gauge;
  readonly writeFailures: Counter;
  readonly registrations: Gauge<'type'>;

  constructor(@Inject(Registry) registry: Registry) {
    this.calls = new Counter({
      name: 'hub_deconfliction_calls_total',
      help: 'Deconfliction RPCs answered, by RPC and gRPC status',
      labelNames: ['rpc', 'code'],
      registers: [registry],
    });
    this.hits = new Counter({
      name: 'hub_deconfliction_hits_total',
      help: 'Deconfliction hits written (sealed notices to covert units), by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.noticesPending = new Gauge({
      name: 'hub_deconfliction_hits_queued',
      help: 'Hits found and not yet durably written',
      registers: [registry],
    });
    this.writeFailures = new Counter({
      name: 'hub_deconfliction_hit_write_failures_total',
      help: 'Attempts to write queued hits that failed (retried)',
      registers: [registry],
    });
    this.registrations = new Gauge({
      name: 'hub_deconfliction_active_registrations',
      help: 'Active persona and target registrations held in memory',
      labelNames: ['type'],
      registers: [registry],
    });
  }
}
