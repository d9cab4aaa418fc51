import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import {
  DeconflictionControllerMethods,
  HitKind,
  timestampFromDate,
  type AcknowledgeHitRequest,
  type DeconflictionController,
  type DeconflictionRegistration,
  type HitAcknowledged,
  type HitNotice,
  type RegisterPersonaRequest,
  type RegisterTargetRequest,
  type RegistrationRetired,
  type RetireRegistrationRequest,
  type WatchHitsRequest,
} from '@intel/contracts';
import type { HubConfig } from '@intel/config';
import { rpcError, status } from '@intel/grpc';
import type { Logger } from '@intel/observability';
import { covertUnitCaller, type AuthContextCarrier } from '@intel/security';
import { catchError, defer, from, map, switchMap, throwError, type Observable } from 'rxjs';
import { HUB_LOGGER, HubConfigToken } from '../hub.tokens';
import type { Unit } from './active-registrations';
import { deconflictionOutcome } from './deconfliction-errors';
import { DeconflictionMetrics } from './deconfliction.metrics';
import { DeconflictionService, DECONFLICTION_AUDIT_PREFIX } from './deconfliction.service';
import type { StoredNotice } from './deconfliction.store';
import { validateWatchHits } from './deconfliction.validator';
import { AuditLog } from '@intel/audit';

/** A stored registration as the wire gives it (personas and targets alike). */
function registration(out: { registrationId: string; registeredAt: Date }) {
  return { registrationId: out.registrationId, registeredAt: timestampFromDate(out.registeredAt) };
}

/**
 * gRPC edge of `intel.v1.Deconfliction`: covert units only (`covertUnitCaller`), errors mapped
 * (fields named, nothing revealed), every refusal audited under `Deconfliction.*.refused`
 * with the fields refused and never the values sent.
 */
@Controller()
@DeconflictionControllerMethods()
export class DeconflictionGrpcController implements DeconflictionController {
  constructor(
    @Inject(DeconflictionService) private readonly service: DeconflictionService,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(HubConfigToken) private readonly config: HubConfig,
    @Inject(DeconflictionMetrics) private readonly metrics: DeconflictionMetrics,
    @Inject(HUB_LOGGER) private readonly logger: Logger,
  ) {}

  registerPersona(
    r: RegisterPersonaRequest,
    md?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<DeconflictionRegistration> {
    return this.unary('RegisterPersona', md, call, (unit) =>
      this.service.registerPersona(unit, r).then(registration),
    );
  }

  retirePersona(
    r: RetireRegistrationRequest,
    md?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<RegistrationRetired> {
    return this.unary('RetirePersona', md, call, (unit) => this.retired('persona', unit, r));
  }

  registerTarget(
    r: RegisterTargetRequest,
    md?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<DeconflictionRegistration> {
    return this.unary('RegisterTarget', md, call, (unit) =>
      this.service.registerTarget(unit, r).then(registration),
    );
  }

  retireTarget(
    r: RetireRegistrationRequest,
    md?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<RegistrationRetired> {
    return this.unary('RetireTarget', md, call, (unit) => this.retired('target', unit, r));
  }

  acknowledgeHit(
    r: AcknowledgeHitRequest,
    md?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<HitAcknowledged> {
    return this.unary('AcknowledgeHit', md, call, async (unit) => {
      const out = await this.service.acknowledge(unit, r);
      return { noticeId: out.noticeId, acknowledgedAt: timestampFromDate(out.acknowledgedAt) };
    });
  }

  watchHits(r: WatchHitsRequest, md?: Metadata, call?: AuthContextCarrier): Observable<HitNotice> {
    const down = this.notServing('WatchHits');
    if (down) return throwError(() => down);
    let unit: Unit | undefined;
    return defer(() =>
      from(
        new Promise<Observable<StoredNotice>>((resolve) => {
          unit = covertUnitCaller(this.config.grpc.security, call, md);
          const { justification } = validateWatchHits(r);
          this.metrics.calls.inc({ rpc: 'WatchHits', code: 'OK' });
          resolve(this.service.watch(unit, justification));
        }),
      ),
    ).pipe(
      switchMap((notices) => notices.pipe(map(toNotice))),
      catchError((err: unknown) =>
        from(this.refuse('WatchHits', unit, err)).pipe(switchMap((e) => throwError(() => e))),
      ),
    );
  }

  private retired(what: 'persona' | 'target', unit: Unit, r: RetireRegistrationRequest) {
    return this.service.retire(what, unit, r).then((out) => ({
      registrationId: out.registrationId,
      retiredAt: timestampFromDate(out.retiredAt),
    }));
  }

  private async unary<T>(
    rpc: string,
    md: Metadata | undefined,
    call: AuthContextCarrier | undefined,
    fn: (unit: Unit) => Promise<T>,
  ): Promise<T> {
    const down = this.notServing(rpc);
    if (down) throw down;
    let unit: Unit | undefined;
    try {
      unit = covertUnitCaller(this.config.grpc.security, call, md);
      const out = await fn(unit);
      this.metrics.calls.inc({ rpc, code: 'OK' });
      return out;
    } catch (err) {
      throw await this.refuse(rpc, unit, err);
    }
  }

  /**
   * A hub that does not serve deconfliction (a standby; a hub that lost its lock or has not
   * loaded the registrations) refuses every call UNAVAILABLE, retryable, before identifying the
   * caller, and audits nothing: it writes nothing to the database the leader works on. The
   * error to answer with, or undefined while it serves.
   */
  private notServing(rpc: string) {
    if (this.service.serving) return undefined;
    this.metrics.calls.inc({ rpc, code: status[status.UNAVAILABLE] });
    return rpcError(
      status.UNAVAILABLE,
      'deconfliction is not available on this hub just now; retry shortly',
    );
  }

  /** Audits a refusal (fields only, never values) and returns the gRPC error to send. */
  private async refuse(rpc: string, unit: Unit | undefined, err: unknown) {
    const outcome = deconflictionOutcome(err);
    this.metrics.calls.inc({ rpc, code: status[outcome.code] });
    if (outcome.code === status.INTERNAL)
      this.logger.error({ err, rpc }, 'Deconfliction call failed');
    await this.audit
      .append({
        at: new Date(),
        callerForce: unit?.force ?? '',
        callerName: unit?.unit ?? '(unidentified)',
        action: `${DECONFLICTION_AUDIT_PREFIX}${rpc}.refused`,
        purposeCode: '',
        reason: '',
        operationRef: '',
        request: { fields: outcome.fields },
        response: { code: status[outcome.code] },
        recipients: [],
      })
      .catch((auditErr: unknown) =>
        this.logger.error(
          { err: auditErr, rpc },
          'a refused deconfliction call could not be audited',
        ),
      );
    return rpcError(outcome.code, outcome.message);
  }
}

const KINDS: Record<StoredNotice['kind'], HitKind> = {
  PERSONA_IN_RECORD: HitKind.HIT_KIND_PERSONA_IN_RECORD,
  PERSONA_QUERIED: HitKind.HIT_KIND_PERSONA_QUERIED,
  SHARED_TARGET: HitKind.HIT_KIND_SHARED_TARGET,
  PERSONAS_IN_CONTACT: HitKind.HIT_KIND_PERSONAS_IN_CONTACT,
  PERSONA_ALREADY_HELD: HitKind.HIT_KIND_PERSONA_ALREADY_HELD,
  TARGET_IS_PERSONA: HitKind.HIT_KIND_TARGET_IS_PERSONA,
};

/** A stored notice as its unit receives it: nothing beyond what the two sides need. */
export function toNotice(n: StoredNotice): HitNotice {
  return {
    hitId: n.hitId,
    noticeId: n.noticeId,
    kind: KINDS[n.kind],
    registrationId: n.registrationId,
    otherForce: n.otherForce,
    otherUnit: n.otherUnit,
    hitAt: timestampFromDate(n.hitAt),
  };
}
