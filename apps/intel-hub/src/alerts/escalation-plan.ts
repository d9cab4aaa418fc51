import { AlertPriority, AlertType, timestampFromDate, type Alert } from '@intel/contracts';
import type { AlertDraft } from './alert-plan';

/**
 * The escalation of an IMMEDIATE alert nobody acknowledged in time (docs/hub.md, "Immediate
 * risk to a child"): a new alert to the same force, for its second recipient, naming the alert
 * it escalates. It discloses exactly what the original did to that same force (its person,
 * flags, records and summary, already cut to the recipient's view when planned), so handling
 * code C is held as it was. It is IMMEDIATE itself but carries no deadline: it does not
 * escalate again. Pure.
 */
export function planEscalation(original: Alert, now: Date): AlertDraft {
  return {
    alertType: AlertType.ALERT_TYPE_IMMEDIATE_UNACKNOWLEDGED,
    recipientForceCode: original.recipientForceCode,
    nationalPersonId: original.nationalPersonId,
    flags: original.flags,
    summary: `Not acknowledged in time: alert ${original.alertId} (immediate risk to a child). ${original.summary}`,
    records: original.records,
    raisedAt: timestampFromDate(now),
    immediateRiskToChild: true,
    priority: AlertPriority.ALERT_PRIORITY_IMMEDIATE,
    escalatesAlertId: original.alertId,
    acknowledgeBy: undefined,
  };
}

/** How an acknowledgement came: AcknowledgeAlert (gRPC) or the analysts' inbox. */
export const GRPC_ACK_PREFIX = 'grpc:';
export function ackChannel(acknowledgedBy: string): 'grpc' | 'analyst' {
  return acknowledgedBy.startsWith(GRPC_ACK_PREFIX) ? 'grpc' : 'analyst';
}
