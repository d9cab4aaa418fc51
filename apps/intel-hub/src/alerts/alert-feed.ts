import type { Alert, AlertType } from '@intel/contracts';
import { Observable, type Subscriber } from 'rxjs';
import { DataSource } from 'typeorm';
import { NationalStoreRepository } from '../resolution/national-store.repository';
import { ResolutionService } from '../resolution/resolution.service';
import { Inject, Injectable, Optional } from '@nestjs/common';
/** Overrides how often a watch looks for alerts another process stored (tests). */
export const ALERT_FEED_POLL_MS = Symbol('AlertFeedPollMs');

const PAGE = 500;
const ALERT_ID = /^\d{1,18}$/;

export class InvalidAlertIdError extends Error {}

/**
 * WatchAlerts (docs/contracts.md, docs/hub.md "Flow"): a force's alerts from the stored alert table, oldest first, resumable
 * after an alert id, then live. New alerts only wake the reader; what is sent always comes from
 * the table in id order, so nothing is skipped or sent twice on one stream.
 */
@Injectable()
export class AlertFeed {
  private readonly open = new Set<Subscriber<Alert>>();

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(NationalStoreRepository) private readonly store: NationalStoreRepository,
    @Inject(ResolutionService) private readonly resolution: ResolutionService,
    @Optional() @Inject(ALERT_FEED_POLL_MS) private readonly pollMs = 2000,
  ) {}

  /**
   * `beforeSend` runs on every page before any of it is sent (the audit of what the stream
   * discloses); if it fails, nothing of the page is sent and the stream ends with its error.
   */
  watch(
    force: string,
    sinceAlertId: string,
    beforeSend: (page: Alert[]) => Promise<void> = () => Promise.resolve(),
    /** Only alerts of these types (empty: every type). */
    types: readonly AlertType[] = [],
  ): Observable<Alert> {
    const since = sinceAlertId.trim();
    if (since !== '' && !ALERT_ID.test(since))
      throw new InvalidAlertIdError('sinceAlertId: not an alert id (digits)');
    return new Observable<Alert>((sub) => {
      this.open.add(sub);
      let last = since || '0';
      let busy = false;
      let again = false;
      let closed = false;
      const pump = async (): Promise<void> => {
        if (busy) {
          again = true;
          return;
        }
        busy = true;
        try {
          do {
            again = false;
            for (;;) {
              const page = await this.store.alertsFor(this.ds, force, last, PAGE, types);
              if (page.length > 0 && !closed) await beforeSend(page);
              for (const a of page) {
                if (closed) return;
                sub.next(a);
                last = a.alertId;
              }
              if (page.length < PAGE) break;
            }
          } while (again && !closed);
        } catch (err) {
          if (!closed) sub.error(err);
        } finally {
          busy = false;
        }
      };
      const off = this.resolution.onAlerts((alerts) => {
        if (
          alerts.some(
            (a) =>
              a.recipientForceCode === force && (types.length === 0 || types.includes(a.alertType)),
          )
        )
          void pump();
      });
      const timer = setInterval(() => void pump(), this.pollMs);
      void pump();
      return () => {
        closed = true;
        off();
        clearInterval(timer);
        this.open.delete(sub);
      };
    });
  }

  /** Ends every open stream (graceful shutdown): clients resume from their last alert id. */
  closeAll(): void {
    for (const s of [...this.open]) s.complete();
  }
}
