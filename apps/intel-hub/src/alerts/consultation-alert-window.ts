import type { Sql } from '@intel/db';
import type { NationalStoreRepository } from '../resolution/national-store.repository';
import type { QueryAlertThrottle } from './query-alert-throttle';

/**
 * The consultation alerts' quiet window as stored (`HUB_QUERY_ALERT_QUIET_MS`): read into the
 * throttle each time this hub takes the lead, before it answers, so the window covers what any
 * hub alerted on: a restarted hub, a standby taking over from a leader that died, a hub that
 * leads again after another led meanwhile.
 */
export class ConsultationAlertWindow {
  constructor(
    private readonly db: Sql,
    private readonly store: NationalStoreRepository,
    private readonly throttle: QueryAlertThrottle,
    private readonly quietMs: number,
  ) {}

  async reload(): Promise<void> {
    if (this.quietMs <= 0) return;
    this.throttle.restore(await this.store.recentConsultationAlerts(this.db, this.quietMs));
  }
}
