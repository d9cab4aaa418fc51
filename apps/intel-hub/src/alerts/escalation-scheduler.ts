import { AuditLog } from '@intel/audit';
import { Alert, timestampToDate } from '@intel/contracts';
import { inTransaction } from '@intel/db';
import type { Logger } from '@intel/observability';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HubMetrics } from '../hub.metrics';
import { ESCALATION_OPTIONS, HUB_LOGGER } from '../hub.tokens';
import { HubLeadership } from '../leadership/hub-leadership';
import { NationalStoreRepository } from '../resolution/national-store.repository';
import { ResolutionService } from '../resolution/resolution.service';
import { alertDisclosed } from './alert-disclosed';
import { isImmediate } from './alert-plan';
import { HUB_FORCE_CODE } from './alert-relay';
import { ackChannel, planEscalation } from './escalation-plan';
import { ImmediateAlertsRepository } from './immediate-alerts.repository';

/** `ESCALATION_OPTIONS`: how often it looks for IMMEDIATE alerts past their deadline. */
export interface EscalationOptions {
  pollMs: number;
}

const SCHEDULER = 'intel-hub escalation scheduler';
/** Alerts escalated (and acknowledgements counted) per transaction. */
const PAGE = 100;

/**
 * Escalates IMMEDIATE alerts not acknowledged by their deadline (issue #13). The deadline is a
 * column of the stored alert (`ack_due_at`), so a restart loses none: the next leader's first
 * tick escalates whatever fell due meanwhile. Leader-only (`leading`), like resolution. Each
 * round locks the due alerts, stores their escalations (alert-relay publishes them on the
 * force's own topic, WatchAlerts streams them), marks them escalated and appends the audit
 * entry, all before its commit. It also counts first acknowledgements (either channel) in the
 * metrics, from the table, so both channels are measured in one place.
 */
@Injectable()
export class EscalationScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly immediate = new ImmediateAlertsRepository();
  private readonly logger: Logger;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(NationalStoreRepository) private readonly store: NationalStoreRepository,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(HUB_LOGGER) logger: Logger,
    @Inject(ESCALATION_OPTIONS) private readonly opts: EscalationOptions,
    /** Leader-only, like resolution: it works only while this hub leads with a loaded index. */
    @Inject(HubLeadership) private readonly leadership: HubLeadership,
    /** Publishes the escalations to WatchAlerts streams (as resolution's own alerts). */
    @Inject(ResolutionService) private readonly resolution: ResolutionService,
  ) {
    this.logger = logger.child({ component: 'escalation' });
  }

  private leading(): boolean {
    return this.leadership.leading && this.resolution.current !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private kick(): void {
    if (this.running || !this.leading()) return;
    this.running = this.tick()
      .then(() => undefined)
      .catch((err: unknown) =>
        this.logger.warn({ err }, 'escalation round failed; it will be retried'),
      )
      .finally(() => (this.running = undefined));
  }

  /** One round: escalates what is due, then counts acknowledgements. Returns how many escalated. */
  async tick(now = new Date()): Promise<number> {
    const escalated = await this.escalateDue(now);
    await this.countAcks().catch((err: unknown) =>
      this.logger.warn({ err }, 'counting acknowledgements failed; it will be retried'),
    );
    return escalated;
  }

  private async countAcks(): Promise<void> {
    for (;;) {
      const acks = await inTransaction(this.ds, (tx) => this.immediate.countAcks(tx, PAGE));
      for (const a of acks) {
        this.metrics.immediateAcknowledged.inc({ via: ackChannel(a.acknowledgedBy) });
        this.metrics.immediateAckSeconds.observe(a.seconds);
      }
      if (acks.length < PAGE) return;
    }
  }

  private async escalateDue(now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const escalations = await inTransaction(this.ds, async (tx) => {
        const due = await this.immediate.due(tx, PAGE);
        if (due.length === 0) return [];
        const originals = due.map((d) => ({ ...Alert.decode(d.payload), alertId: d.id }));
        const raised = await this.store.insertAlerts(
          tx,
          originals.map((o) => planEscalation(o, now)),
        );
        await this.immediate.markEscalated(
          tx,
          due.map((d) => d.id),
        );
        // Audited before the commit: an escalation is never delivered unaudited.
        await Promise.all(
          raised.map((e, i) =>
            this.audit.append({
              at: now,
              callerForce: HUB_FORCE_CODE,
              callerName: SCHEDULER,
              action: 'ImmediateAlert.escalated',
              purposeCode: '',
              reason: 'IMMEDIATE alert not acknowledged by its deadline (HUB_IMMEDIATE_ACK_MS)',
              operationRef: '',
              request: {
                alertId: originals[i]?.alertId,
                acknowledgeBy: timestampToDate(originals[i]?.acknowledgeBy)?.toISOString(),
              },
              response: { escalation: alertDisclosed(e) },
              recipients: [e.recipientForceCode],
            }),
          ),
        );
        return raised;
      });
      if (escalations.length === 0) return total;
      total += escalations.length;
      this.metrics.immediateEscalated.inc(escalations.length);
      for (const e of escalations)
        this.logger.warn(
          {
            event: 'immediate-alert-escalated',
            alertId: e.escalatesAlertId,
            escalation: e.alertId,
          },
          'IMMEDIATE alert not acknowledged in time: escalated to the second recipient',
        );
      this.resolution.publishAlerts(escalations);
    }
  }

  /**
   * Audits the raising of IMMEDIATE alerts (after their commit, off the resolution path: the
   * alert goes out at once; its entry follows). A failure is logged loudly and counted.
   */
  auditRaised(alerts: readonly Alert[]): void {
    const urgent = alerts.filter((a) => isImmediate(a) && a.escalatesAlertId === '');
    for (const a of urgent)
      this.audit
        .append({
          at: timestampToDate(a.raisedAt) ?? new Date(),
          callerForce: HUB_FORCE_CODE,
          callerName: 'intel-hub resolution',
          action: 'ImmediateAlert.raised',
          purposeCode: '',
          reason: 'incident reporting an immediate risk to a child',
          operationRef: '',
          request: {},
          response: {
            alert: alertDisclosed(a),
            // What it told the recipient, restricted holders named as whom to call included.
            summary: a.summary,
            acknowledgeBy: timestampToDate(a.acknowledgeBy)?.toISOString(),
          },
          recipients: [a.recipientForceCode],
        })
        .catch((err: unknown) =>
          this.logger.error({ err, alertId: a.alertId }, 'an IMMEDIATE alert could not be audited'),
        );
  }
}
