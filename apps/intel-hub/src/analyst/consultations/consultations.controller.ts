import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import type { HubConfig } from '@intel/config';
import { HubConfigToken } from '../../hub.tokens';
import { AnalystAudit, analystAction } from '../audit/analyst-audit';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import type { Consultation } from './consultation';
import { OPEN_CONSULTATION } from './consultation.routes';
import { ConsultationStore } from './consultation.store';

@Controller()
export class ConsultationsController {
  constructor(
    @Inject(ConsultationStore) private readonly store: ConsultationStore,
    @Inject(AnalystAudit) private readonly audit: AnalystAudit,
    @Inject(HubConfigToken) private readonly config: HubConfig,
  ) {}

  /** Audited first (Analyst.openConsultation), then usable: no read names an unaudited one. */
  @AnalystRoute(OPEN_CONSULTATION)
  async open(@Analyst() req: AnalystRequest<typeof OPEN_CONSULTATION>) {
    const now = new Date();
    const c: Consultation = {
      id: randomUUID(),
      sub: req.user.sub,
      force: req.user.force,
      purposeCode: req.body.purposeCode,
      reason: req.body.reason,
      operationRef: req.body.operationRef ?? '',
      openedAt: now,
      expiresAt: new Date(now.getTime() + this.config.analyst.consultationTtlMs),
    };
    const { sub, name, roles } = req.user;
    const caller = { ...req.caller, user: { sub, name, roles, consultationId: c.id } };
    await this.audit.record(
      { caller, consultation: c },
      analystAction(OPEN_CONSULTATION.operationId),
      { purposeCode: c.purposeCode, operationRef: c.operationRef },
      { consultationId: c.id, expiresAt: c.expiresAt.toISOString() },
    );
    await this.store.insert(c);
    return {
      consultationId: c.id,
      purposeCode: c.purposeCode,
      reason: c.reason,
      operationRef: c.operationRef,
      openedAt: c.openedAt.toISOString(),
      expiresAt: c.expiresAt.toISOString(),
    };
  }
}
