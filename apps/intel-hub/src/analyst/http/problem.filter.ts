import type { IncomingMessage, ServerResponse } from 'node:http';
import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@intel/observability';
import { wasAudited } from '../../query/consultation-audit';
import { AnalystAudit } from '../audit/analyst-audit';
import { claimedIdentity } from '../identity/token-verifier';
import { ANALYST_LOGGER } from '../analyst.tokens';
import { classifyError } from './classify-error';
import { correlationIdOf } from './correlation';
import { PROBLEM_MEDIA_TYPE, REFUSAL_STATUSES, problemOf } from './problem';
import { ANALYST_CONTEXT, type WithAnalystContext } from './route-spec';

/**
 * The analysts' API's one exception filter: every error becomes RFC 9457 problem+json, with no
 * stack and no internal text (an unexpected error is logged with its correlation id, and the
 * caller is told that id only). A refusal of a declared route is appended to the audit chain,
 * bounded, before the answer is sent.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    @Inject(AnalystAudit) private readonly audit: AnalystAudit,
    @Inject(ANALYST_LOGGER) private readonly logger: Logger,
  ) {}

  catch(err: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    return this.answer(
      err,
      http.getRequest<IncomingMessage & WithAnalystContext>(),
      http.getResponse<ServerResponse>(),
    );
  }

  /** The problem answer to `err` (its refusal audited first); also a direct route's. */
  async answer(
    err: unknown,
    req: IncomingMessage & WithAnalystContext,
    res: ServerResponse,
  ): Promise<void> {
    const correlationId = correlationIdOf(req);
    const c = classifyError(err);
    const a = req[ANALYST_CONTEXT];
    if (c.unexpected)
      this.logger.error(
        { err, correlationId, operationId: a?.spec.operationId, url: req.url },
        'analyst request failed',
      );
    if (a && REFUSAL_STATUSES.has(c.status) && !wasAudited(err)) {
      await this.audit
        .refused({
          operationId: a.spec.operationId,
          caller: a.caller,
          ...(a.caller ? {} : { claimed: claimedIdentity(req.headers.authorization) }),
          raw: a.raw,
          status: c.status,
          errors: c.errors.length ? c.errors : [{ field: '', message: c.detail }],
        })
        .catch((auditErr: unknown) =>
          // The refusal is still the answer (nothing was disclosed); the gap is loud.
          this.logger.error(
            { err: auditErr, correlationId },
            'a refused analyst request could not be audited',
          ),
        );
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify(problemOf(c.status, c.detail, correlationId, c.errors));
    res.statusCode = c.status;
    for (const [k, v] of Object.entries(c.headers)) res.setHeader(k, v);
    res.setHeader('Content-Type', `${PROBLEM_MEDIA_TYPE}; charset=utf-8`);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  }
}
