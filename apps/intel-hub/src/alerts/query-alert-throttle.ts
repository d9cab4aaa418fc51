import { AlertType } from '@intel/contracts';
import type { AlertDraft } from './alert-plan';

/** Most remembered consultations before expired ones are pruned. */
const PRUNE_AT = 100_000;

/**
 * Consultation alerts, once per window: a force that consults the same national person again
 * within `quietMs` raises no new alert to a recipient it already alerted about that person (for
 * an interest alert: about the same restricted records). An analyst re-running a search does not
 * page the managing force each time; every consultation is still in the audit log.
 *
 * Held in memory, and filled from the consultation alerts stored within the window whenever
 * this hub takes the lead (`ConsultationAlertWindow`): at start, and when a standby takes over
 * or a hub leads again after another led, so neither a restart nor a failover alerts again for
 * consultations that already did.
 * Change alerts (a new flag, a new incident) are not consultation alerts and never pass here.
 */
export class QueryAlertThrottle {
  /** Key → when it last alerted (ms), oldest first (re-set keys move to the end). */
  private readonly last = new Map<string, number>();

  constructor(private readonly quietMs: number) {}

  /** The drafts to raise now (not remembered until `raised` says they were stored). */
  due(callerForce: string, drafts: AlertDraft[], now: Date): AlertDraft[] {
    if (this.quietMs <= 0) return drafts;
    const t = now.getTime();
    return drafts.filter((d) => {
      const at = this.last.get(keyOf(callerForce, d));
      return at === undefined || t - at >= this.quietMs;
    });
  }

  /**
   * Starts the window for alerts that were stored. Called only after they are committed, so a
   * consultation that failed (and disclosed nothing) leaves the next one free to alert.
   */
  raised(callerForce: string, drafts: AlertDraft[], now: Date): void {
    if (this.quietMs <= 0) return;
    const t = now.getTime();
    this.prune(t);
    for (const d of drafts) {
      const key = keyOf(callerForce, d);
      this.last.delete(key);
      this.last.set(key, t);
    }
  }

  /**
   * Remembers the alerts stored within the window (oldest first), as `raised` did when they
   * were, in place of what it held: the store holds every consultation alert any hub raised,
   * this one's included (`raised` follows their commit).
   */
  restore(stored: Iterable<{ consultedBy: string; alert: AlertDraft; raisedAt: Date }>): void {
    this.last.clear();
    for (const s of stored) this.raised(s.consultedBy, [s.alert], s.raisedAt);
  }

  get size(): number {
    return this.last.size;
  }

  private prune(t: number): void {
    if (this.last.size < PRUNE_AT) return;
    for (const [k, at] of this.last) {
      if (t - at < this.quietMs) break;
      this.last.delete(k);
    }
  }
}

function keyOf(callerForce: string, d: AlertDraft): string {
  const records =
    d.alertType === AlertType.ALERT_TYPE_INTEREST_IN_RESTRICTED_RECORD
      ? d.records
          .map((r) => `${r.forceCode}/${r.entity}/${r.id}`)
          .sort()
          .join(',')
      : '';
  return [callerForce, d.recipientForceCode, d.alertType, d.nationalPersonId, records].join('|');
}
