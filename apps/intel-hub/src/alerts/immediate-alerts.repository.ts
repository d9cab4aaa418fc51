import type { RecordRef } from '@intel/contracts';
import type { Sql } from '@intel/db';
import { immediateNoticeKey } from './alert-plan';

export interface DueAlert {
  id: string;
  payload: Buffer;
}

export interface CountedAck {
  alertId: string;
  acknowledgedBy: string;
  /** From raising to the first acknowledgement. */
  seconds: number;
}

/** One force told of one immediate-risk incident, by an IMMEDIATE alert. */
export interface ImmediateNotice {
  recipient: string;
  incident: RecordRef;
  alertId: string;
}

/**
 * SQL for IMMEDIATE alerts: who has been told of which incident (resolution), and the
 * acknowledgement deadlines (escalation-scheduler.ts).
 */
export class ImmediateAlertsRepository {
  /** The notices already given for these incidents, as `immediateNoticeKey`s. */
  async notified(tx: Sql, incidents: readonly RecordRef[]): Promise<Set<string>> {
    if (incidents.length === 0) return new Set();
    const rows = await tx.query<
      Array<{ recipient_force: string; incident_force: string; incident_id: string }>
    >(
      `SELECT n.recipient_force, n.incident_force, n.incident_id
       FROM immediate_notice n
       JOIN unnest($1::text[], $2::text[]) AS i(force_code, id)
         ON n.incident_force = i.force_code AND n.incident_id = i.id`,
      [incidents.map((i) => i.forceCode), incidents.map((i) => i.id)],
    );
    return new Set(
      rows.map((r) =>
        immediateNoticeKey(r.recipient_force, {
          forceCode: r.incident_force,
          entity: 'incident',
          id: r.incident_id,
        }),
      ),
    );
  }

  async recordNotices(tx: Sql, notices: readonly ImmediateNotice[]): Promise<void> {
    if (notices.length === 0) return;
    await tx.query(
      `INSERT INTO immediate_notice (recipient_force, incident_force, incident_id, alert_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
       ON CONFLICT DO NOTHING`,
      [
        notices.map((n) => n.recipient),
        notices.map((n) => n.incident.forceCode),
        notices.map((n) => n.incident.id),
        notices.map((n) => n.alertId),
      ],
    );
  }

  /**
   * IMMEDIATE alerts past their deadline, neither acknowledged nor escalated, locked: another
   * scheduler skips them, and the one escalating them marks them in the same transaction.
   */
  async due(tx: Sql, limit: number): Promise<DueAlert[]> {
    const rows = await tx.query<Array<{ alert_id: string; payload: Buffer }>>(
      `SELECT alert_id::text, payload FROM alert
       WHERE ack_due_at <= clock_timestamp() AND acknowledged_at IS NULL AND escalated_at IS NULL
       ORDER BY ack_due_at, alert_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => ({ id: r.alert_id, payload: r.payload }));
  }

  async markEscalated(tx: Sql, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.query(
      `UPDATE alert SET escalated_at = clock_timestamp() WHERE alert_id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /**
   * First acknowledgements of IMMEDIATE alerts (either channel) not yet counted in the
   * metrics; marks them counted.
   */
  async countAcks(tx: Sql, limit: number): Promise<CountedAck[]> {
    const rows = await tx.query<
      Array<{ alert_id: string; acknowledged_by: string | null; seconds: number }>
    >(
      // Wrapped in a SELECT: TypeORM returns [rows, count] for a bare UPDATE … RETURNING.
      `WITH counted AS (
         UPDATE alert a SET ack_counted = true
         FROM (SELECT alert_id FROM alert
               WHERE immediate AND acknowledged_at IS NOT NULL AND NOT ack_counted
                 AND escalates_alert_id IS NULL
               ORDER BY alert_id LIMIT $1 FOR UPDATE SKIP LOCKED) t
         WHERE a.alert_id = t.alert_id
         RETURNING a.alert_id, a.acknowledged_by, a.acknowledged_at, a.raised_at)
       SELECT alert_id::text, acknowledged_by,
              extract(epoch FROM acknowledged_at - raised_at)::float8 AS seconds
       FROM counted`,
      [limit],
    );
    return rows.map((r) => ({
      alertId: r.alert_id,
      acknowledgedBy: r.acknowledged_by ?? '',
      seconds: Math.max(0, r.seconds),
    }));
  }
}
