import { Alert, timestampToDate } from '@intel/contracts';
import type { AuditCompanion } from '@intel/audit';
import { isImmediate, withAlertId, type AlertDraft } from './alert-plan';

/**
 * The `alert` table's columns for these alerts, one array each, in this order: recipient_force,
 * alert_type, person_id, payload (the alert's protobuf), immediate, ack_due_at,
 * escalates_alert_id.
 */
export function alertColumns(alerts: readonly Alert[]): unknown[][] {
  return [
    alerts.map((a) => a.recipientForceCode),
    alerts.map((a) => a.alertType),
    alerts.map((a) => a.nationalPersonId || null),
    alerts.map((a) => Buffer.from(Alert.encode(a).finish())),
    alerts.map((a) => isImmediate(a) || a.escalatesAlertId !== ''),
    // The durable acknowledgement deadline the escalation scheduler reads.
    alerts.map((a) => (isImmediate(a) ? (timestampToDate(a.acknowledgeBy) ?? null) : null)),
    alerts.map((a) => a.escalatesAlertId || null),
  ];
}

/** A consultation alert to store with the consultation's audit entry, and who consulted. */
export interface ConsultationAlertRow {
  draft: AlertDraft;
  /** The consulting force (the query-alert throttle's window is restored from it). */
  consultedBy: string;
}

/**
 * The alerts a consultation raises, written in the statement (or transaction) that appends its
 * audit entry (`AuditCompanion`): stored exactly when the entry is durable, with no commit of
 * their own. Ids come from the alert sequence in that statement; the payload is the alert's
 * protobuf with its id (field 1, a string of at most 19 digits: tag 0x0a, a one-byte length)
 * written in front of the rest of the alert as encoded here without it, which is the same bytes
 * `Alert.encode` gives the alert with its id (field 1 comes first, an empty id is not written).
 */
export const CONSULTATION_ALERTS: AuditCompanion<ConsultationAlertRow, Alert> = {
  name: 'consultation_alerts',
  sql: (first, guard) => {
    const p = (i: number) => `$${first + i}`;
    return {
      ctes: `
        consultation_alert_ids AS (
          SELECT nextval('alert_alert_id_seq') AS alert_id, t.*
          FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::uuid[], ${p(3)}::bytea[],
                      ${p(4)}::boolean[], ${p(5)}::timestamptz[], ${p(6)}::bigint[], ${p(7)}::text[])
            WITH ORDINALITY AS t(recipient_force, alert_type, person_id, unnumbered, immediate,
                                 ack_due_at, escalates_alert_id, consulted_by, ord)
          WHERE ${guard}),
        consultation_alert_rows AS (
          INSERT INTO alert (alert_id, recipient_force, alert_type, person_id, payload, immediate,
                             ack_due_at, escalates_alert_id, consulted_by)
          SELECT alert_id, recipient_force, alert_type, person_id,
                 decode('0a' || lpad(to_hex(octet_length(alert_id::text)), 2, '0'), 'hex')
                   || convert_to(alert_id::text, 'UTF8') || unnumbered,
                 immediate, ack_due_at, escalates_alert_id, consulted_by
          FROM consultation_alert_ids)`,
      output: '(SELECT ord, alert_id::text AS value FROM consultation_alert_ids)',
    };
  },
  // Each alert encoded without its id (an empty string is not written): `unnumbered` above.
  params: (rows) => [
    ...alertColumns(rows.map((r) => withAlertId(r.draft, ''))),
    rows.map((r) => r.consultedBy),
  ],
  written: (row, alertId) => withAlertId(row.draft, alertId),
};
