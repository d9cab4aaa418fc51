import { markAudited } from '../../query/consultation-audit';
import { IntelQueryService, PersonNotFoundError } from '../../query/intel-query.service';
import { AnalystAudit, analystAction } from '../audit/analyst-audit';
import { notFound } from '../http/problem';
import type { AnalystRequest } from '../http/route-spec';
import { RecordNotFoundError, type Read } from './explain.service';

/**
 * One analyst's read of this area, in the hub's order: the answer is computed, the alerts it
 * calls for are stored (a flagged person, another force's C record: GetPerson's rules), the
 * audit entry is appended with what was disclosed and who was told, and only then are the
 * alerts sent on and the answer returned. A person or record not found is audited too, then
 * answered 404.
 */
export class AuditedRead {
  constructor(
    private readonly audit: AnalystAudit,
    private readonly query: IntelQueryService,
  ) {}

  async run<T>(
    req: Pick<AnalystRequest, 'caller' | 'consultation'>,
    operationId: string,
    request: unknown,
    read: () => Read<T> | Promise<Read<T>>,
    disclosed: (r: Read<T>) => unknown,
  ): Promise<{ read: Read<T>; auditRef: string }> {
    const action = analystAction(operationId);
    let r: Read<T>;
    try {
      r = await read();
    } catch (err) {
      if (!(err instanceof PersonNotFoundError || err instanceof RecordNotFoundError)) throw err;
      await this.audit.record(req, action, request, { found: false });
      throw markAudited(notFound(err.message));
    }
    const alerts = await this.query.consultationAlerts(action, req.caller, r.persons, r.hidden);
    const auditRef = await this.audit.record(req, action, request, disclosed(r), alerts.told);
    alerts.publish();
    return { read: r, auditRef };
  }
}
