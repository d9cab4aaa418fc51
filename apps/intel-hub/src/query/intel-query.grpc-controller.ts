import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import {
  IntelQueryControllerMethods,
  type AcknowledgeAlertRequest,
  type AcknowledgeAlertResponse,
  type Alert,
  type CheckIdentifiersRequest,
  type CheckIdentifiersResponse,
  type CheckPersonRequest,
  type CheckPersonResponse,
  type GetPersonRequest,
  type IntelQueryController,
  type NationalPerson,
  type WatchAlertsRequest,
} from '@intel/contracts';
import type { HubConfig } from '@intel/config';
import { rpcError, status, type DirectUnary } from '@intel/grpc';
import type { Logger } from '@intel/observability';
import { validateWatchAlerts } from '@intel/records';
import { forceCaller, type AuthContextCarrier } from '@intel/security';
import { catchError, defer, from, switchMap, throwError, type Observable } from 'rxjs';
import { AlertAcknowledge } from '../alerts/alert-acknowledge';
import { AlertFeed } from '../alerts/alert-feed';
import { alertDisclosed } from '../alerts/alert-disclosed';
import { HubMetrics } from '../hub.metrics';
import { HUB_LOGGER, HubConfigToken } from '../hub.tokens';
import { ConsultationAudit, type Caller } from './consultation-audit';
import { IntelQueryService } from './intel-query.service';
import { DeadlineExceededError, classifyQueryError } from './query-errors';

interface ServerCall extends AuthContextCarrier {
  getDeadline?: () => Date | number;
  getPeer?: () => string;
}

/**
 * gRPC edge of `intel.v1.IntelQuery`: refuse every call (UNAVAILABLE, retryable, not audited)
 * while this hub does not serve (a standby, a hub that lost its lock or is loading its index:
 * `IntelQueryService.requireServing`), then identify the caller, check the deadline, map errors.
 * Every refusal (bad input, no justification, an unidentified caller, a rate limit) is
 * appended to the audit chain here, bounded, before the caller is answered.
 */
@Controller()
@IntelQueryControllerMethods()
export class IntelQueryGrpcController implements IntelQueryController {
  constructor(
    @Inject(IntelQueryService) private readonly query: IntelQueryService,
    @Inject(AlertFeed) private readonly feed: AlertFeed,
    @Inject(AlertAcknowledge) private readonly acks: AlertAcknowledge,
    @Inject(ConsultationAudit) private readonly audit: ConsultationAudit,
    @Inject(HubConfigToken) private readonly config: HubConfig,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(HUB_LOGGER) private readonly logger: Logger,
  ) {}

  checkPerson(
    r: CheckPersonRequest,
    md?: Metadata,
    call?: ServerCall,
  ): Promise<CheckPersonResponse> {
    return this.unary('CheckPerson', r, md, call, (caller) => this.query.checkPerson(r, caller));
  }

  checkIdentifiers(
    r: CheckIdentifiersRequest,
    md?: Metadata,
    call?: ServerCall,
  ): Promise<CheckIdentifiersResponse> {
    return this.unary('CheckIdentifiers', r, md, call, (caller) =>
      this.query.checkIdentifiers(r, caller),
    );
  }

  getPerson(r: GetPersonRequest, md?: Metadata, call?: ServerCall): Promise<NationalPerson> {
    return this.unary('GetPerson', r, md, call, (caller) => this.query.getPerson(r, caller));
  }

  /** The caller's force must be the alert's recipient; audited like every call. */
  acknowledgeAlert(
    r: AcknowledgeAlertRequest,
    md?: Metadata,
    call?: ServerCall,
  ): Promise<AcknowledgeAlertResponse> {
    return this.unary('AcknowledgeAlert', r, md, call, (caller) =>
      this.acks.acknowledge(r, caller),
    );
  }

  /**
   * Justified like every call. Audited when it opens (`WatchAlerts`), and each page of alerts
   * is audited (`WatchAlerts.delivered`: every alert id, type, person and record sent) before
   * any of it is sent, so the log shows exactly what the stream disclosed.
   */
  watchAlerts(r: WatchAlertsRequest, md?: Metadata, call?: ServerCall): Observable<Alert> {
    let caller: Caller | undefined;
    const open = async () => {
      this.query.requireServing();
      caller = this.identify(md, call);
      const who = caller;
      const req = validateWatchAlerts(r);
      const justification = req.justification;
      const watchRef = await this.audit.record(
        'WatchAlerts',
        who,
        justification,
        { sinceAlertId: req.sinceAlertId, alertTypes: req.alertTypes },
        { opened: true },
        [],
      );
      this.metrics.queries.inc({ rpc: 'WatchAlerts', code: 'OK' });
      return this.feed.watch(
        who.force,
        req.sinceAlertId,
        async (page) => {
          await this.audit.record(
            'WatchAlerts.delivered',
            who,
            justification,
            { watch: watchRef },
            { delivered: page.map(alertDisclosed) },
            [],
          );
        },
        req.alertTypes,
      );
    };
    return defer(() => from(this.refusing('WatchAlerts', r, md, call, () => caller, open))).pipe(
      switchMap((alerts) => alerts),
      catchError((err: unknown) =>
        throwError(() => (isRpc(err) ? err : this.toRpcError('WatchAlerts', err))),
      ),
    );
  }

  private unary<T>(
    rpc: string,
    raw: unknown,
    md: Metadata | undefined,
    call: ServerCall | undefined,
    fn: (caller: Caller) => Promise<T>,
  ): Promise<T> {
    const end = this.metrics.queryLatency.startTimer({ rpc });
    let caller: Caller | undefined;
    return this.refusing(
      rpc,
      raw,
      md,
      call,
      () => caller,
      async () => {
        this.query.requireServing();
        caller = this.identify(md, call);
        checkDeadline(call);
        const out = await fn(caller);
        checkDeadline(call);
        this.metrics.queries.inc({ rpc, code: 'OK' });
        return out;
      },
    ).finally(() => end());
  }

  /** Runs `fn`; on failure, audits a refusal (bounded) and rejects with the gRPC error. */
  private async refusing<T>(
    rpc: string,
    raw: unknown,
    md: Metadata | undefined,
    call: ServerCall | undefined,
    caller: () => Caller | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const outcome = classifyQueryError(err);
      if (outcome.audit) {
        const who = caller();
        await this.audit
          .refused({
            action: rpc,
            caller: who,
            claimed: who ? undefined : claimedIdentity(md, call),
            raw,
            code: status[outcome.code],
            errors: outcome.errors,
          })
          .catch((auditErr: unknown) => {
            // The refusal is still the answer (nothing was disclosed); the gap is loud.
            this.metrics.queries.inc({ rpc, code: 'AUDIT_FAILED' });
            this.logger.error({ err: auditErr, rpc }, 'a refused call could not be audited');
          });
      }
      throw this.toRpcError(rpc, err);
    }
  }

  /** A known PNC force from the certificate's OU (or, in plaintext mode, x-dev-force); no other. */
  private identify(md: Metadata | undefined, call: ServerCall | undefined): Caller {
    return forceCaller(this.config.grpc.security, call, md);
  }

  private toRpcError(rpc: string, err: unknown) {
    const { code, message } = classifyQueryError(err);
    this.metrics.queries.inc({ rpc, code: status[code] });
    if (code === status.INTERNAL) this.logger.error({ err, rpc }, 'IntelQuery call failed');
    const e = rpcError(code, message);
    rpcErrors.add(e);
    return e;
  }
}

/**
 * IntelQuery's unary methods as grpc-js serves them, straight into this controller
 * (`PortAwareGrpcServer`'s direct methods; docs/hub.md "IntelQuery"): the same identification,
 * deadline, validation, audit and error mapping as through Nest, without its per-call pipeline.
 * WatchAlerts, a stream, stays on Nest's.
 */
export function intelQueryDirectUnary(c: IntelQueryGrpcController): Record<string, DirectUnary> {
  return {
    'intel.v1.IntelQuery.CheckPerson': (r, md, call) =>
      c.checkPerson(r as CheckPersonRequest, md, call),
    'intel.v1.IntelQuery.CheckIdentifiers': (r, md, call) =>
      c.checkIdentifiers(r as CheckIdentifiersRequest, md, call),
    'intel.v1.IntelQuery.GetPerson': (r, md, call) => c.getPerson(r as GetPersonRequest, md, call),
    'intel.v1.IntelQuery.AcknowledgeAlert': (r, md, call) =>
      c.acknowledgeAlert(r as AcknowledgeAlertRequest, md, call),
  };
}

const rpcErrors = new WeakSet<object>();
function isRpc(err: unknown): boolean {
  return err !== null && typeof err === 'object' && rpcErrors.has(err);
}

/** What an unidentified caller claimed: the development headers, its certificate, its address. */
function claimedIdentity(
  md: Metadata | undefined,
  call: ServerCall | undefined,
): Record<string, unknown> {
  const subject = call?.getAuthContext?.()?.sslPeerCertificate?.subject;
  let peer: string | undefined;
  try {
    peer = call?.getPeer?.();
  } catch {
    peer = undefined;
  }
  return {
    xDevForce: md?.get('x-dev-force')[0],
    xDevCaller: md?.get('x-dev-caller')[0],
    certificateSubject: subject,
    peer,
  };
}

/** An alert as the audit of a stream records it: what identifies it and what it disclosed. */

/** Gives up before doing (or disclosing) anything once the caller's deadline has passed. */
function checkDeadline(call: ServerCall | undefined): void {
  const d = call?.getDeadline?.();
  if (d === undefined) return;
  const ms = d instanceof Date ? d.getTime() : d;
  if (Number.isFinite(ms) && ms < Date.now())
    throw new DeadlineExceededError('the call deadline passed before it could be answered');
}
