import { Controller, Inject } from '@nestjs/common';
import { AnalystAudit, analystAction } from '../audit/analyst-audit';
import { ProblemError, invalidRequest } from '../http/problem';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import { InvalidCursorError } from '../paging/keyset-cursor';
import { AuditReaderUnavailableError } from './audit-reader';
import { LIST_AUDIT_ENTRIES, VERIFY_AUDIT } from './audit-viewer.routes';
import { AuditRangeTooLargeError, AuditViewerService } from './audit-viewer.service';

/**
 * The auditors' screen. Reading the audit is itself audited (Analyst.listAuditEntries,
 * Analyst.verifyAudit), after the read and before the answer: the listing names the person
 * asked about (`nationalPersonId`), so it shows under that person too.
 */
@Controller()
export class AuditViewerController {
  constructor(
    @Inject(AuditViewerService) private readonly viewer: AuditViewerService,
    @Inject(AnalystAudit) private readonly audit: AnalystAudit,
  ) {}

  @AnalystRoute(LIST_AUDIT_ENTRIES)
  async list(@Analyst() req: AnalystRequest<typeof LIST_AUDIT_ENTRIES>) {
    const q = req.query;
    const page = await this.viewer
      .list(req.user.force, {
        ...(q.person ? { person: q.person.toLowerCase() } : {}),
        ...(q.user ? { user: q.user } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      })
      .catch(refusal);
    const auditRef = await this.audit.record(
      req,
      analystAction(LIST_AUDIT_ENTRIES.operationId),
      {
        nationalPersonId: q.person ?? null,
        user: q.user ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
        cursor: q.cursor ?? null,
        limit: q.limit ?? null,
      },
      {
        scope: page.scope,
        mergedIds: page.personIds ?? [],
        entries: page.items.map((i) => ({ seq: i.seq, view: i.view })),
        more: page.nextCursor !== null,
      },
    );
    return { ...page, auditRef };
  }

  @AnalystRoute(VERIFY_AUDIT)
  async verify(@Analyst() req: AnalystRequest<typeof VERIFY_AUDIT>) {
    const { fromSeq, toSeq } = req.body;
    const r = await this.viewer.verify(fromSeq, toSeq).catch(refusal);
    const auditRef = await this.audit.record(
      req,
      analystAction(VERIFY_AUDIT.operationId),
      { fromSeq, toSeq },
      { ok: r.ok, rows: r.rows, toSeq: r.toSeq, firstBadSeq: r.firstBadSeq, headSeq: r.headSeq },
    );
    return { ...r, auditRef };
  }
}

/** The service's refusals as problems; anything else as it is. */
function refusal(err: unknown): never {
  if (err instanceof InvalidCursorError)
    throw invalidRequest([{ field: 'cursor', message: 'not a cursor this list gave' }]);
  if (err instanceof AuditRangeTooLargeError)
    throw invalidRequest([{ field: 'toSeq', message: err.message.replace(/^toSeq: /, '') }]);
  if (err instanceof AuditReaderUnavailableError)
    throw new ProblemError(503, err.message, [], { 'Retry-After': '30' });
  throw err;
}
