import { Controller, Inject } from '@nestjs/common';
import { alertDisclosed } from '../../alerts/alert-disclosed';
import { AnalystAudit, analystAction } from '../audit/analyst-audit';
import { invalidRequest, notFound } from '../http/problem';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import { InvalidCursorError } from '../paging/keyset-cursor';
import { AlertInboxService } from './alert-inbox.service';
import { ACKNOWLEDGE_ALERT, LIST_ALERTS } from './alerts.routes';

/**
 * The alerts inbox of the user's force. What a page shows is audited before it is answered
 * (every alert id, type, person and record, as WatchAlerts.delivered), and so is every
 * acknowledgement, an unknown or another force's alert (404) included.
 */
@Controller()
export class AlertsController {
  constructor(
    @Inject(AlertInboxService) private readonly inbox: AlertInboxService,
    @Inject(AnalystAudit) private readonly audit: AnalystAudit,
  ) {}

  @AnalystRoute(LIST_ALERTS)
  async list(@Analyst() req: AnalystRequest<typeof LIST_ALERTS>) {
    const q = req.query;
    const unacknowledged = q.unacknowledged === 'true';
    const page = await this.inbox
      .list(req.user.force, {
        unacknowledged,
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      })
      .catch((err: unknown) => {
        if (err instanceof InvalidCursorError)
          throw invalidRequest([{ field: 'cursor', message: 'not a cursor this list gave' }]);
        throw err;
      });
    const auditRef = await this.audit.record(
      req,
      analystAction(LIST_ALERTS.operationId),
      { cursor: q.cursor ?? null, unacknowledged, limit: q.limit ?? null },
      { delivered: page.items.map(alertDisclosed), more: page.nextCursor !== null },
    );
    return { ...page, auditRef };
  }

  @AnalystRoute(ACKNOWLEDGE_ALERT)
  async acknowledge(@Analyst() req: AnalystRequest<typeof ACKNOWLEDGE_ALERT>) {
    const { alertId } = req.params;
    const action = analystAction(ACKNOWLEDGE_ALERT.operationId);
    const ack = await this.inbox.acknowledge(req.user.force, alertId, {
      sub: req.user.sub,
      name: req.user.name,
    });
    if (!ack) {
      await this.audit.record(req, action, { alertId }, { found: false });
      throw notFound('no alert with that id for your force');
    }
    const auditRef = await this.audit.record(
      req,
      action,
      { alertId },
      {
        ...alertDisclosed(ack.alert),
        acknowledgedNow: ack.acknowledgedNow,
        acknowledged: ack.alert.acknowledged,
      },
    );
    return { ...ack, auditRef };
  }
}
