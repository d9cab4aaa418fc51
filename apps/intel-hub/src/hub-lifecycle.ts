import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { GrpcHealth } from '@intel/grpc';
import type { EventConsumer } from '@intel/kafka';
import type { Logger } from '@intel/observability';
import { AlertRelay } from './alerts/alert-relay';
import { ConsultationAlertWindow } from './alerts/consultation-alert-window';
import { AuditAnchorer } from './audit/audit-anchorer';
import { HubMetrics } from './hub.metrics';
import { EscalationScheduler } from './alerts/escalation-scheduler';
import { AUDIT_ANCHORER, EVENT_CONSUMER, HUB_LOGGER, PRIORITY_CONSUMER } from './hub.tokens';
import { IngestService } from './ingest/ingest.service';
import { nextBackoffMs } from './leadership/backoff';
import {
  HubLeadership,
  LeadershipReleasedError,
  type Leadership,
} from './leadership/hub-leadership';
import { ResolutionService } from './resolution/resolution.service';
import { WarmStandby, type WarmIndex } from './resolution/warm-standby';
import { DeconflictionService } from './deconfliction/deconfliction.service';

/**
 * Waits to be the only hub on the national index (HubLeadership), loads the index from the
 * database, resolves what was queued before a restart, starts the alert relay, then consumes the
 * force topics: each batch is stored (and queued for resolution) and then resolved into national
 * persons before its offsets are committed. A hub that finds another leading stands by with a
 * warm index (WarmStandby) and takes over when the leader's session ends.
 *
 * When the leadership lock's connection is lost (PostgreSQL restarted, say) the hub does not
 * exit: it stops consuming and resolving, refuses queries as retryable (UNAVAILABLE), takes
 * the lock again with back-off once the database answers, loads the index again if another
 * hub led meanwhile, and resumes.
 */
@Injectable()
export class HubLifecycle implements OnApplicationBootstrap {
  private recovering: Promise<void> | undefined;
  private stopping = false;
  /** Set when this hub started as a standby: its wait for the lock and its takeover. */
  private standingBy: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_CONSUMER) private readonly consumer: EventConsumer,
    @Inject(PRIORITY_CONSUMER) private readonly priority: EventConsumer,
    @Inject(EscalationScheduler) private readonly escalation: EscalationScheduler,
    @Inject(IngestService) private readonly ingest: IngestService,
    @Inject(ResolutionService) private readonly resolution: ResolutionService,
    @Inject(AlertRelay) private readonly relay: AlertRelay,
    @Inject(GrpcHealth) private readonly grpcHealth: GrpcHealth,
    @Inject(HubLeadership) private readonly leadership: HubLeadership,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(AUDIT_ANCHORER) private readonly anchorer: AuditAnchorer | null,
    @Inject(HUB_LOGGER) private readonly logger: Logger,
    @Inject(DeconflictionService) private readonly deconfliction: DeconflictionService,
    @Inject(WarmStandby) private readonly warm: WarmStandby,
    @Inject(ConsultationAlertWindow) private readonly alertWindow: ConsultationAlertWindow,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.leadership.onLost(() => this.leadershipLost());
    // Only one hub works on a national index. A second one stands by: it starts listening
    // (queries UNAVAILABLE, not ready) and keeps a warm index until it takes the lock.
    let standingBy: (() => void) | undefined;
    const standby = new Promise<undefined>((resolve) => (standingBy = () => resolve(undefined)));
    const acquired = this.leadership.acquire(() => standingBy?.());
    const leadership = await Promise.race([acquired, standby]);
    if (leadership) return this.lead(leadership.epoch, undefined);
    this.standingBy = this.standBy(acquired);
  }

  /**
   * Standing by (docs/hub.md "Warm standby"): the warm index is loaded and kept up with the
   * leader's commits while the lock is waited for; once taken, the gap is replayed and the hub
   * leads with that index (or, without a warm one, loads it in full as at a cold start).
   */
  private async standBy(acquired: Promise<Leadership>): Promise<void> {
    this.warm.start();
    try {
      const { epoch } = await acquired;
      const takenAt = Date.now();
      const index = await this.warm.takeOver();
      await this.lead(epoch, index);
      this.logger.info(
        { event: 'standby-took-over', warm: index !== undefined, ms: Date.now() - takenAt },
        'the standby took the national index over and works on it',
      );
    } catch (err) {
      if (err instanceof LeadershipReleasedError || this.stopping) return;
      this.logger.error({ err }, 'the standby could not take the national index over; stopping');
      process.kill(process.pid, 'SIGTERM');
    }
  }

  /**
   * What a hub does once it holds the lock under `epoch`: `warm`, the standby's index brought up
   * to date (else the index is loaded by the first drain).
   */
  private async lead(epoch: number, warm: WarmIndex | undefined): Promise<void> {
    // The consultation alerts' quiet window and the active deconfliction set, as stored, before
    // anything is consumed or asked: a standby taking over reads what the leader alerted on.
    await this.alertWindow.reload();
    await this.deconfliction.start();
    if (this.anchorer) this.anchorer.start();
    else
      this.logger.warn(
        'AUDIT_ANCHOR_KEY_FILE is not set: the audit chain head is not anchored outside the ' +
          'database, so a consistent rewrite of the chain would go undetected',
      );
    this.resolution.resume(epoch, false);
    if (warm) await this.resolution.adopt(warm);
    await this.resolution.drain();
    // Between batches, while leading (docs/hub.md "Snapshot and restart").
    this.resolution.startSnapshots();
    this.resolution.onAlerts((alerts) => {
      this.relay.kick();
      this.escalation.auditRaised(alerts);
    });
    this.relay.start();
    this.relay.kick();
    // Leader-only (it checks at each tick): deadlines are stored, so none is lost to a restart.
    this.escalation.start();
    await this.work();
  }

  /** Called by HubLeadership when the lock's connection is lost. */
  leadershipLost(): void {
    if (this.stopping) return;
    this.metrics.leader.set(0);
    this.metrics.leadershipLost.inc();
    this.resolution.suspend();
    this.deconfliction.suspend();
    this.grpcHealth.set('NOT_SERVING');
    if (this.recovering) return;
    this.recovering = this.recover()
      .catch((err: unknown) => {
        if (err instanceof LeadershipReleasedError) return;
        // Not a database outage (those are retried): nothing sensible is left but to stop.
        this.logger.error({ err }, 'the hub could not recover its leadership; stopping');
        process.kill(process.pid, 'SIGTERM');
      })
      .finally(() => (this.recovering = undefined));
  }

  /** The hub is shutting down: no recovery from here, and a standby stops tailing. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.warm.stop();
  }

  /** True while this hub stands by (another leads): nothing of a leader's is to be stopped. */
  get standingByNow(): boolean {
    return this.standingBy !== undefined && !this.leadership.leading;
  }

  private async recover(): Promise<void> {
    const lostAt = Date.now();
    await this.consumer
      .stop()
      .catch((err: unknown) => this.logger.warn({ err }, 'consumer stop failed'));
    await this.priority
      .stop()
      .catch((err: unknown) => this.logger.warn({ err }, 'priority consumer stop failed'));
    let reloaded = false;
    let delay = 0;
    for (;;) {
      if (this.stopping) return;
      if (!this.leadership.leading) {
        const { epoch, othersLedSince } = await this.leadership.acquire();
        if (othersLedSince)
          this.logger.warn(
            { epoch },
            'another hub led the national index meanwhile: loading the index again',
          );
        reloaded ||= othersLedSince;
        this.resolution.resume(epoch, othersLedSince);
      }
      try {
        // Another hub may have alerted on consultations and taken registrations meanwhile: the
        // quiet window and the active set are read again.
        await this.alertWindow.reload();
        await this.deconfliction.start();
        // Resolves what was queued (loading the index first when it is stale).
        await this.resolution.drain();
      } catch (err) {
        // The database went away again, or is still settling: try again (a lost lock is
        // taken again first).
        this.logger.warn({ err }, 'resolution failed while resuming; retrying');
        await new Promise((r) => setTimeout(r, (delay = nextBackoffMs(delay, 5000))));
        continue;
      }
      if (!this.leadership.leading) continue;
      if (this.stopping) return;
      await this.work();
      this.logger.info(
        { event: 'leadership-recovered', reloaded, ms: Date.now() - lostAt },
        'the hub leads again and works on the index',
      );
      return;
    }
  }

  /** Serves and consumes (the hub leads). */
  private async work(): Promise<void> {
    this.grpcHealth.set('SERVING');
    this.metrics.leader.set(1);
    // The priority lane first: it is resolved ahead of the batch queue (claimQueue).
    await this.priority.start(async (batch, context) => {
      await this.ingest.handle(batch, context);
      await this.resolution.drain();
    });
    await this.consumer.start(async (batch, context) => {
      await this.ingest.handle(batch, context);
      await this.resolution.drain();
    });
  }
}
