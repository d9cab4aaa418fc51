import { Controller, Inject } from '@nestjs/common';
import { markAudited } from '../../query/consultation-audit';
import { ReviewError } from '../../review/review-errors';
import { ReviewService, type ReviewAudit, type Reviewer } from '../../review/review.service';
import { AnalystAudit } from '../audit/analyst-audit';
import { ProblemError } from '../http/problem';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import { queueItemJson } from './review-json';
import {
  APPROVE_JUDGEMENT,
  JUDGE_PAIR,
  LIST_JUDGEMENTS,
  LIST_REVIEW_QUEUE,
  REJECT_JUDGEMENT,
  RETRACT_JUDGEMENT,
} from './review.routes';

/**
 * Match review (docs/analyst.md "Match review") over ReviewService: every read and decision is
 * written to the audit chain (AnalystAudit, `Analyst.<operationId>`) before it is answered, a
 * decision before it commits; a refusal the review makes (404, 409, 503) is audited here too.
 */
@Controller()
export class ReviewController {
  constructor(
    @Inject(ReviewService) private readonly review: ReviewService,
    @Inject(AnalystAudit) private readonly audit: AnalystAudit,
  ) {}

  @AnalystRoute(LIST_REVIEW_QUEUE)
  async queue(@Analyst() req: AnalystRequest<typeof LIST_REVIEW_QUEUE>) {
    const r = await this.run(req, () =>
      this.review.queue(reviewer(req), req.query, this.auditOf(req)),
    );
    return { ...r, items: r.items.map(queueItemJson) };
  }

  @AnalystRoute(JUDGE_PAIR)
  judge(@Analyst() req: AnalystRequest<typeof JUDGE_PAIR>) {
    return this.run(req, () => this.review.judge(reviewer(req), req.body, this.auditOf(req)));
  }

  @AnalystRoute(LIST_JUDGEMENTS)
  list(@Analyst() req: AnalystRequest<typeof LIST_JUDGEMENTS>) {
    return this.run(req, () =>
      this.review.listJudgements(reviewer(req), req.query, this.auditOf(req)),
    );
  }

  @AnalystRoute(APPROVE_JUDGEMENT)
  approve(@Analyst() req: AnalystRequest<typeof APPROVE_JUDGEMENT>) {
    return this.run(req, () =>
      this.review.approve(reviewer(req), req.params.judgementId, this.auditOf(req)),
    );
  }

  @AnalystRoute(REJECT_JUDGEMENT)
  reject(@Analyst() req: AnalystRequest<typeof REJECT_JUDGEMENT>) {
    return this.run(req, () =>
      this.review.reject(
        reviewer(req),
        req.params.judgementId,
        req.body.rationale,
        this.auditOf(req),
      ),
    );
  }

  @AnalystRoute(RETRACT_JUDGEMENT)
  retract(@Analyst() req: AnalystRequest<typeof RETRACT_JUDGEMENT>) {
    return this.run(req, () =>
      this.review.retract(
        reviewer(req),
        req.params.judgementId,
        req.body.rationale,
        this.auditOf(req),
      ),
    );
  }

  private auditOf(req: AnalystRequest): ReviewAudit {
    return (action, request, response, told) =>
      this.audit.record(req, action, request, response, told);
  }

  /**
   * The review's refusals as problem+json. 400 and 403 are audited by the API's filter; a pair
   * or judgement not found (or not the user's to see), a conflict and an unavailable index are
   * audited here, with what was asked.
   */
  private async run<T>(req: AnalystRequest, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ReviewError)) throw err;
      const errors = err.field ? [{ field: err.field, message: err.message }] : [];
      const problem = new ProblemError(
        err.status,
        err.message,
        errors,
        err.status === 503 ? { 'Retry-After': '5' } : {},
      );
      if (err.status === 404 || err.status === 409 || err.status === 503) {
        await this.audit.refused({
          operationId: req.spec.operationId,
          caller: req.caller,
          raw: { params: req.params, query: req.query, body: req.body },
          status: err.status,
          errors: errors.length ? errors : [{ field: '', message: err.message }],
        });
        markAudited(problem);
      }
      throw problem;
    }
  }
}

/** The user as the review knows them. */
function reviewer(req: AnalystRequest): Reviewer {
  return { sub: req.user.sub, name: req.user.name, force: req.user.force, roles: req.user.roles };
}
