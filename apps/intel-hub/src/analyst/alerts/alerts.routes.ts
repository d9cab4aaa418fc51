import { z } from 'zod';
import { defineRoute } from '../http/route-spec';
import { DATA_READERS } from '../persons/persons.routes';
import { ALERT_INBOX_BOUNDS } from './alert-inbox.service';

export const inboxAlertSchema = z
  .object({
    alertId: z.string(),
    alertType: z.string(),
    nationalPersonId: z.string(),
    flags: z.array(z.string()),
    summary: z.string(),
    records: z.array(z.object({ forceCode: z.string(), entity: z.string(), id: z.string() })),
    raisedAt: z.string(),
    immediateRiskToChild: z.boolean(),
    /** `IMMEDIATE` (immediate risk to a child: acknowledge by `acknowledgeBy`) or `ROUTINE`. */
    priority: z.enum(['ROUTINE', 'IMMEDIATE']),
    acknowledgeBy: z.string().nullable(),
    /** On an escalation (`IMMEDIATE_UNACKNOWLEDGED`): the alert nobody acknowledged in time. */
    escalatesAlertId: z.string().nullable(),
    acknowledged: z.object({ sub: z.string(), name: z.string(), at: z.string() }).nullable(),
  })
  .meta({ id: 'InboxAlert' });

const alertIdSchema = z.string().regex(/^[1-9]\d{0,17}$/, 'must be an alert id (digits)');

export const LIST_ALERTS = defineRoute({
  operationId: 'listAlerts',
  method: 'GET',
  path: '/alerts',
  summary: "The alerts sent to the user's force, newest first (only the unacknowledged, if asked)",
  tag: 'alerts',
  roles: DATA_READERS,
  consultation: true,
  query: z.strictObject({
    cursor: z.string().min(1).max(64).optional(),
    unacknowledged: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(ALERT_INBOX_BOUNDS.maxPage).optional(),
  }),
  response: z.object({
    items: z.array(inboxAlertSchema),
    nextCursor: z.string().nullable(),
    auditRef: z.string(),
  }),
});

export const ACKNOWLEDGE_ALERT = defineRoute({
  operationId: 'acknowledgeAlert',
  method: 'POST',
  path: '/alerts/{alertId}/acknowledge',
  summary:
    "Acknowledge an alert sent to the user's force (once: a repeat answers with the first acknowledgement)",
  tag: 'alerts',
  roles: DATA_READERS,
  consultation: true,
  params: z.strictObject({ alertId: alertIdSchema }),
  response: z.object({
    alert: inboxAlertSchema,
    acknowledgedNow: z.boolean(),
    auditRef: z.string(),
  }),
});
