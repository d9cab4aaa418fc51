import type { Sql } from '@intel/db';
import type { Logger } from '@intel/observability';
import { ForceNodeMetrics } from '../force-node.metrics';
import { OutboxRepository } from './outbox.repository';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FORCE_NODE_LOGGER, OUTBOX_PRUNER_OPTIONS } from '../force-node.tokens';

export interface OutboxPrunerOptions {
  /** Published rows older than this are deleted; 0 keeps them for ever. */
  retentionHours: number;
  /** How often to prune. */
  everyMs: number;
}

/**
 * The outbox's retention job: published rows are kept for `retentionHours` (for audit and for
 * republishing by hand), then deleted, once at start and then every `everyMs`. Unpublished rows
 * are never touched. Safe with several replicas (a DELETE by age is idempotent).
 */
@Injectable()
export class OutboxPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(DataSource) private readonly db: Sql,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(ForceNodeMetrics) private readonly metrics: ForceNodeMetrics,
    @Inject(FORCE_NODE_LOGGER) logger: Logger,
    @Inject(OUTBOX_PRUNER_OPTIONS) private readonly opts: OutboxPrunerOptions,
  ) {
    this.logger = logger.child({ component: 'outbox-pruner' });
  }

  private readonly logger: Logger;

  start(): void {
    if (this.opts.retentionHours <= 0 || this.timer) return;
    void this.prune();
    this.timer = setInterval(() => void this.prune(), this.opts.everyMs);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a prune in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass (a pass still running is not overlapped); resolves when it is done. */
  prune(): Promise<void> {
    this.running ??= this.outbox
      .prunePublished(this.db, this.opts.retentionHours)
      .then(
        (rows) => {
          this.metrics.outboxPruned.inc(rows);
          if (rows > 0)
            this.logger.info(
              { event: 'outbox-pruned', rows, olderThanHours: this.opts.retentionHours },
              'published outbox rows past retention deleted',
            );
        },
        (err: unknown) =>
          this.logger.warn(
            { event: 'outbox-prune-failed', err: err instanceof Error ? err.message : String(err) },
            'outbox retention pass failed; retried at the next one',
          ),
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
