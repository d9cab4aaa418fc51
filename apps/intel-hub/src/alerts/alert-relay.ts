import { createHash } from 'node:crypto';
import { Alert, EventEnvelope, EventType, timestampFromDate } from '@intel/contracts';
import { inTransaction } from '@intel/db';
import {
  HEADER_EVENT_ID,
  HEADER_EVENT_TYPE,
  HEADER_SCHEMA_VERSION,
  SCHEMA_VERSION,
  alertTopic,
  type EventPublisher,
} from '@intel/kafka';
import type { Logger } from '@intel/observability';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ALERT_PUBLISHER, HUB_LOGGER } from '../hub.tokens';
import { NationalStoreRepository } from '../resolution/national-store.repository';

/** How often the relay looks for unpublished alerts without a kick. */
const INTERVAL_MS = 1000;

/** Alerts a round claims and publishes at most; a full round is followed by another at once. */
export const RELAY_BATCH = 500;

/**
 * The least time between the starts of two rounds (ms). Kicks within it are folded into one
 * round: under query load every consultation that raises an alert kicks the relay, and a
 * round is a transaction (claim, publish, mark) with a produce to the broker, so without a gap
 * the rounds would follow each other as fast as they can be made, each carrying an alert or
 * two. With it, an alert waits at most this long more before it is published.
 */
export const RELAY_ROUND_GAP_MS = 20;

/** The hub's own PNC-style code on the envelopes it publishes. */
export const HUB_FORCE_CODE = '00';

/** A UUID derived from the alert id: a republished alert keeps its event id (consumers dedupe). */
export function alertEventId(alertId: string): string {
  const h = createHash('sha256').update(`intel-alert:${alertId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Publishes stored alerts, each on its recipient's own topic `intel.alert.v1.<forceCode>`
 * (readable by that force alone, docs/security.md) and keyed by the recipient, marking them published
 * in the same transaction that claimed them: an alert is stored before anyone is told of it,
 * and published at least once (its event id is stable, so consumers de-duplicate).
 */
@Injectable()
export class AlertRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** A kick that came while a round was running: the round goes once more when it is done. */
  private again = false;
  /** A round waiting for the gap after the last one to pass (RELAY_ROUND_GAP_MS). */
  private waiting: NodeJS.Timeout | undefined;
  /** When the last round started (ms since the epoch). */
  private lastRound = -Infinity;
  private stopped = false;

  private readonly logger: Logger;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(NationalStoreRepository) private readonly store: NationalStoreRepository,
    /** Its own producer, closed when the relay stops. */
    @Inject(ALERT_PUBLISHER)
    private readonly publisher: EventPublisher & { close(): Promise<void> },
    @Inject(HUB_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'alert-relay' });
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Publish now (alerts were just raised), or as soon as RELAY_ROUND_GAP_MS has passed since the
   * last round started; kicks meanwhile are folded into that round. A kick during a round is
   * remembered: alerts committed after the round's read would otherwise wait for the timer (an
   * IMMEDIATE alert too).
   */
  kick(): void {
    if (this.stopped || this.waiting) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = this.lastRound + RELAY_ROUND_GAP_MS - Date.now();
    if (wait > 0) {
      this.waiting = setTimeout(() => {
        this.waiting = undefined;
        this.kick();
      }, wait);
      return;
    }
    this.again = false;
    this.lastRound = Date.now();
    this.running = this.publishPending()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.warn({ err }, 'alert publication failed; will retry'))
      .finally(() => {
        this.running = undefined;
        if (this.again) this.kick();
      });
  }

  /**
   * Publishes what is unpublished, RELAY_BATCH alerts a transaction, until a round finds fewer
   * than that (no empty round to end on: an alert committed after a round's read kicks again).
   */
  async publishPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await inTransaction(this.ds, async (tx) => {
        const rows = await this.store.unpublishedAlerts(tx, RELAY_BATCH);
        if (rows.length === 0) return 0;
        await this.publisher.publish(
          rows.map((r) => {
            const alert = Alert.decode(r.payload);
            const envelope: EventEnvelope = {
              eventId: alertEventId(r.id),
              eventType: EventType.EVENT_TYPE_ALERT_RAISED,
              forceCode: HUB_FORCE_CODE,
              occurredAt: alert.raisedAt ?? timestampFromDate(new Date()),
              schemaVersion: SCHEMA_VERSION,
              alert,
              sealed: undefined,
            };
            return {
              topic: alertTopic(alert.recipientForceCode),
              key: alert.recipientForceCode,
              value: Buffer.from(EventEnvelope.encode(envelope).finish()),
              headers: {
                [HEADER_EVENT_ID]: envelope.eventId,
                [HEADER_EVENT_TYPE]: envelope.eventType,
                [HEADER_SCHEMA_VERSION]: String(SCHEMA_VERSION),
              },
            };
          }),
        );
        await this.store.markPublished(
          tx,
          rows.map((r) => r.id),
        );
        return rows.length;
      });
      total += n;
      if (n < RELAY_BATCH) return total;
    }
  }

  /** Stops the timers; call `publishPending` once more, then `close`. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.waiting) clearTimeout(this.waiting);
    this.waiting = undefined;
    await this.running;
  }

  async close(): Promise<void> {
    await this.publisher.close();
  }
}
