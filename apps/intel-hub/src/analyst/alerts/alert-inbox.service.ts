import { Alert, AlertPriority, timestampToDate, type RecordRef } from '@intel/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '../paging/keyset-cursor';
import { enumName } from '../persons/person-json';

/** Bounds of the alerts inbox (docs/analyst.md). */
export const ALERT_INBOX_BOUNDS = { defaultPage: 50, maxPage: 200 } as const;

export const ALERT_ID = /^[1-9]\d{0,17}$/;

/** One alert in a force's inbox: the alert as delivered to that force, and its acknowledgement. */
export interface InboxAlert {
  alertId: string;
  /** Without its proto prefix, e.g. `QUERY_ON_FLAGGED_PERSON`. */
  alertType: string;
  nationalPersonId: string;
  flags: string[];
  summary: string;
  records: RecordRef[];
  raisedAt: string;
  immediateRiskToChild: boolean;
  /** IMMEDIATE alerts must be acknowledged by `acknowledgeBy`, else they escalate. */
  priority: 'ROUTINE' | 'IMMEDIATE';
  acknowledgeBy: string | null;
  escalatesAlertId: string | null;
  acknowledged: { sub: string; name: string; at: string } | null;
}

export interface InboxPage {
  items: InboxAlert[];
  nextCursor: string | null;
}

export interface Acknowledgement {
  alert: InboxAlert;
  /** False when the alert had been acknowledged already (that acknowledgement stands). */
  acknowledgedNow: boolean;
}

interface AlertRow {
  alert_id: string;
  payload: Buffer;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
}

const LIST = 'alerts';
const COLUMNS =
  'alert_id::text AS alert_id, payload, acknowledged_at, acknowledged_by, acknowledged_by_name';

/**
 * The alerts inbox of a force (issue #12): the alerts stored for it (the hub's alert table,
 * each already cut to what its recipient may see when it was planned, alert-plan.ts), newest
 * first, paged, optionally only the unacknowledged; and their acknowledgement by a user of that
 * force. Another force's alert is not found, whatever its id. The controller audits every
 * call.
 */
@Injectable()
export class AlertInboxService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async list(
    force: string,
    q: { cursor?: string; limit?: number; unacknowledged?: boolean },
  ): Promise<InboxPage> {
    const limit = Math.min(
      Math.max(q.limit ?? ALERT_INBOX_BOUNDS.defaultPage, 1),
      ALERT_INBOX_BOUNDS.maxPage,
    );
    const values: unknown[] = [force];
    const where = ['recipient_force = $1'];
    if (q.unacknowledged) where.push('acknowledged_at IS NULL');
    if (q.cursor !== undefined)
      where.push(`alert_id < $${values.push(decodeCursor(LIST, q.cursor))}::bigint`);
    const rows = await this.ds.query<AlertRow[]>(
      `SELECT ${COLUMNS} FROM alert WHERE ${where.join(' AND ')}
       ORDER BY alert.alert_id DESC LIMIT $${values.push(limit + 1)}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toInbox),
      nextCursor: rows.length > limit && last ? encodeCursor(LIST, last.alert_id) : null,
    };
  }

  /**
   * Records that `user` of `force` acknowledged the alert, once: a second acknowledgement (by
   * anyone of the force) changes nothing and returns the first. Undefined when the force has
   * no such alert.
   */
  async acknowledge(
    force: string,
    alertId: string,
    user: { sub: string; name: string },
  ): Promise<Acknowledgement | undefined> {
    if (!ALERT_ID.test(alertId)) return undefined;
    const [row] = await this.ds.query<Array<AlertRow & { now: boolean }>>(
      `WITH acked AS (
         UPDATE alert SET acknowledged_at = clock_timestamp(), acknowledged_by = $3,
                          acknowledged_by_name = $4
         WHERE alert_id = $1::bigint AND recipient_force = $2 AND acknowledged_at IS NULL
         RETURNING alert_id, acknowledged_at, acknowledged_by, acknowledged_by_name)
       SELECT a.alert_id::text AS alert_id, a.payload,
              coalesce(k.acknowledged_at, a.acknowledged_at) AS acknowledged_at,
              coalesce(k.acknowledged_by, a.acknowledged_by) AS acknowledged_by,
              coalesce(k.acknowledged_by_name, a.acknowledged_by_name) AS acknowledged_by_name,
              k.alert_id IS NOT NULL AS now
       FROM alert a LEFT JOIN acked k USING (alert_id)
       WHERE a.alert_id = $1::bigint AND a.recipient_force = $2`,
      [alertId, force, user.sub, user.name],
    );
    if (!row) return undefined;
    if (!row.now && row.acknowledged_at === null) {
      // Acknowledged by another request between this statement's snapshot and its update:
      // that acknowledgement stands; read it.
      const [again] = await this.ds.query<AlertRow[]>(
        `SELECT ${COLUMNS} FROM alert WHERE alert_id = $1::bigint AND recipient_force = $2`,
        [alertId, force],
      );
      return again ? { alert: toInbox(again), acknowledgedNow: false } : undefined;
    }
    return { alert: toInbox(row), acknowledgedNow: row.now };
  }
}

function toInbox(r: AlertRow): InboxAlert {
  const a = Alert.decode(r.payload);
  return {
    alertId: r.alert_id,
    alertType: enumName(a.alertType, 'ALERT_TYPE_'),
    nationalPersonId: a.nationalPersonId,
    flags: a.flags.map((f) => enumName(f, 'FLAG_TYPE_')),
    summary: a.summary,
    records: a.records,
    raisedAt: (timestampToDate(a.raisedAt) ?? new Date(0)).toISOString(),
    immediateRiskToChild: a.immediateRiskToChild,
    priority: a.priority === AlertPriority.ALERT_PRIORITY_IMMEDIATE ? 'IMMEDIATE' : 'ROUTINE',
    acknowledgeBy: timestampToDate(a.acknowledgeBy)?.toISOString() ?? null,
    escalatesAlertId: a.escalatesAlertId || null,
    acknowledged:
      r.acknowledged_at && r.acknowledged_by !== null
        ? {
            sub: r.acknowledged_by,
            name: r.acknowledged_by_name ?? '',
            at: r.acknowledged_at.toISOString(),
          }
        : null,
  };
}
