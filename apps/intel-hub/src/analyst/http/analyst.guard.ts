import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { queryableIndex } from '../../query/intel-query.service';
import { ResolutionService } from '../../resolution/resolution.service';
import { ConsultationStore } from '../consultations/consultation.store';
import { CONSULTATION_HEADER, consultationProblem } from '../consultations/consultation';
import { hasAnyRole, type AnalystUser } from '../identity/analyst-user';
import { TokenVerifier } from '../identity/token-verifier';
import { correlationIdOf } from './correlation';
import { readJsonBody } from './json-body';
import { ProblemError, forbidden, notFound } from './problem';
import { RateLimiter } from './rate-limiter';
import { validateInput } from './request-validation';
import {
  ANALYST_CONTEXT,
  PUBLIC_ENDPOINT,
  ROUTE_SPEC,
  type AnalystContext,
  type RouteSpec,
  type WithAnalystContext,
} from './route-spec';

export type Incoming = IncomingMessage &
  WithAnalystContext & { params?: unknown; query?: unknown; path?: string };

/**
 * Every request to the analysts' API passes here, in this order: the hub serving (503 from a
 * standby, or while its index is not loaded: docs/hub.md "Warm standby"), identity (401), the user's
 * rate (429), role (403), the body read bounded (413/415/400), input validated against the
 * route's spec (400), then the justification (428). A route without a RouteSpec is refused
 * (404) unless it is marked @PublicEndpoint (the page, the development issuer).
 */
@Injectable()
export class AnalystGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(ConsultationStore) private readonly consultations: ConsultationStore,
    @Inject(ResolutionService) private readonly resolution: ResolutionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ENDPOINT, targets)) return true;
    const req = context.switchToHttp().getRequest<Incoming>();
    const spec = this.reflector.get<RouteSpec | undefined>(ROUTE_SPEC, context.getHandler());
    if (!spec) throw notFound('no such resource');
    await this.admit(req, spec);
    return true;
  }

  /**
   * The checks of a request to `spec`'s route, in the order above; its AnalystRequest is left
   * on the request (ANALYST_CONTEXT), as far as it was established when a check refuses it.
   * (Also the whole of a direct route's checks: direct-route.ts.)
   */
  async admit(req: Incoming, spec: RouteSpec): Promise<void> {
    const header = req.headers['x-consultation-id'];
    const a: AnalystContext = {
      spec,
      correlationId: correlationIdOf(req),
      raw: {
        method: req.method ?? '',
        path: req.path ?? req.url ?? '',
        query: req.query,
        ...(header !== undefined ? { consultationId: String(header) } : {}),
      },
    };
    req[ANALYST_CONTEXT] = a;
    // A hub that does not serve (a standby, one that lost its lock, one still loading) answers
    // no analyst route but the public ones (how the page signs in): 503, retry.
    if (!spec.public) queryableIndex(this.resolution);
    const user = spec.public ? undefined : await this.identify(a, req);
    a.raw.body = await readJsonBody(req);
    Object.assign(
      a,
      validateInput(spec, { params: req.params, query: req.query, body: a.raw.body }),
    );
    if (spec.consultation && user) await this.justify(a, user, header);
  }

  private async identify(a: AnalystContext, req: Incoming): Promise<AnalystUser> {
    const user = await this.verifier.verify(req.headers.authorization);
    a.user = user;
    a.caller = {
      force: user.force,
      system: `analyst:${user.sub}`,
      user: { sub: user.sub, name: user.name, roles: user.roles },
    };
    const rate = this.limiter.take(user.sub, Date.now());
    if (!rate.ok)
      throw new ProblemError(429, `too many requests; retry in ${rate.retryAfterSeconds} s`, [], {
        'Retry-After': String(rate.retryAfterSeconds),
      });
    if (!hasAnyRole(user, a.spec.roles))
      throw forbidden(`${a.spec.operationId} needs the role ${a.spec.roles.join(' or ')}`);
    return user;
  }

  private async justify(
    a: AnalystContext,
    user: AnalystUser,
    header: string | string[] | undefined,
  ): Promise<void> {
    const id = typeof header === 'string' ? header.trim() : '';
    const c = id ? await this.consultations.find(id) : undefined;
    const problem = id
      ? consultationProblem(c, user, new Date())
      : `${CONSULTATION_HEADER} is required: open a consultation (POST /consultations) and name it`;
    if (problem || !c)
      throw new ProblemError(428, problem ?? 'no consultation', [
        { field: CONSULTATION_HEADER, message: problem ?? 'no consultation' },
      ]);
    a.consultation = c;
    if (a.caller?.user) a.caller.user.consultationId = c.id;
  }
}
