import type { FieldError } from '../http/problem';
import type { AnalystRequest } from '../http/route-spec';
import { justificationOf } from '../consultations/consultation';
import { ConsultationAudit, type Caller } from '../../query/consultation-audit';

/** The audit action of an analysts' API operation. */
export const analystAction = (operationId: string) => `Analyst.${operationId}`;

/** A refused analyst request, as its audit entry keeps it. */
export interface AnalystRefusal {
  operationId: string;
  /** The verified caller; undefined when the token was missing or not accepted. */
  caller: Caller | undefined;
  /** What an unverified caller claimed (the token's unverified sub, force, issuer). */
  claimed?: Record<string, string>;
  /** The request as received (method, path, query, body, consultation header): bounded when written. */
  raw: unknown;
  /** The HTTP status answered. */
  status: number;
  errors: FieldError[];
}

/**
 * Analysts' entries in the hash-chained audit, through the same ConsultationAudit as the gRPC
 * path: callerName `analyst:<sub>`, callerForce the token's force, the user (sub, name, roles,
 * consultation id) in the request JSON, the consultation's purpose and reason as the
 * justification.
 */
export class AnalystAudit {
  constructor(private readonly audit: ConsultationAudit) {}

  /** Appends an analyst's read (or act); resolves with its audit reference once durable. */
  record(
    req: Pick<AnalystRequest, 'caller' | 'consultation'>,
    action: string,
    request: unknown,
    response: unknown,
    /** Forces told (alert recipients), besides the caller's. */
    told: string[] = [],
  ): Promise<string> {
    const justification = req.consultation ? justificationOf(req.consultation) : undefined;
    return this.audit.record(action, req.caller, justification, request, response, told);
  }

  /**
   * Appends a refusal (400, 401, 403, 413, 415, 428, 429), bounded whatever was sent: the API's
   * exception filter calls it for every refused request before answering.
   */
  refused(r: AnalystRefusal): Promise<string> {
    return this.audit.refused({
      action: analystAction(r.operationId),
      caller: r.caller,
      ...(r.claimed ? { claimed: r.claimed } : {}),
      raw: r.raw,
      code: `HTTP_${r.status}`,
      errors: r.errors,
    });
  }
}
