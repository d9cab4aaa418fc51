import {
  timestampFromDate,
  type AcknowledgeAlertRequest,
  type AcknowledgeAlertResponse,
} from '@intel/contracts';
import { validateAcknowledgeAlert } from '@intel/records';
import { Inject, Injectable } from '@nestjs/common';
import { AlertInboxService } from '../analyst/alerts/alert-inbox.service';
import { ConsultationAudit, type Caller } from '../query/consultation-audit';
import { GRPC_ACK_PREFIX } from './escalation-plan';

/** No alert with this id was sent to the caller's force (another force's alert is not found either). */
export class AlertNotFoundError extends Error {}

/**
 * AcknowledgeAlert (gRPC): the same acknowledgement as the analysts' inbox (the first stands,
 * the alert's recipient force only), by the named person, recorded as `grpc:<force>/<system>`
 * and audited before the answer. An acknowledged IMMEDIATE alert does not escalate.
 */
@Injectable()
export class AlertAcknowledge {
  constructor(
    @Inject(AlertInboxService) private readonly inbox: AlertInboxService,
    @Inject(ConsultationAudit) private readonly audit: ConsultationAudit,
  ) {}

  async acknowledge(r: AcknowledgeAlertRequest, caller: Caller): Promise<AcknowledgeAlertResponse> {
    const req = validateAcknowledgeAlert(r);
    const done = await this.inbox.acknowledge(caller.force, req.alertId, {
      sub: `${GRPC_ACK_PREFIX}${caller.force}/${caller.system}`,
      name: req.acknowledgedByName,
    });
    if (!done)
      throw new AlertNotFoundError(`alertId: no alert ${req.alertId} for force ${caller.force}`);
    const ack = done.alert.acknowledged;
    const auditRef = await this.audit.record(
      'AcknowledgeAlert',
      caller,
      req.justification,
      { alertId: req.alertId, acknowledgedByName: req.acknowledgedByName },
      { acknowledgedNow: done.acknowledgedNow, acknowledged: ack },
      [],
    );
    return {
      alertId: req.alertId,
      acknowledgedNow: done.acknowledgedNow,
      acknowledgedByName: ack?.name ?? '',
      acknowledgedAt: ack ? timestampFromDate(new Date(ack.at)) : undefined,
      auditRef,
    };
  }
}
