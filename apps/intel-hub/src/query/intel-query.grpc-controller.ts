import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import {
  IntelQueryControllerMethods,
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
import { rpcError, status } from '@intel/grpc';
import type { Logger } from '@intel/observability';
import { RecordValidationError } from '@intel/records';
import { UnauthenticatedError, callerIdentity, type AuthContextCarrier } from '@intel/security';
import { defer, type Observable } from 'rxjs';
import { AlertFeed, InvalidAlertIdError } from '../alerts/alert-feed';
import { HubMetrics } from '../hub.metrics';
import { HUB_LOGGER, HubConfigToken } from '../hub.tokens';
import type { Caller } from './consultation-audit';
import { IndexNotReadyError, IntelQueryService, PersonNotFoundError } from './intel-query.service';

interface ServerCall extends AuthContextCarrier {
  getDeadline?: () => Date | number;
}

class DeadlineExceededError extends Error {}

/** gRPC edge of `intel.v1.IntelQuery`: identify the caller, check the deadline, map errors. */
@Controller()
@IntelQueryControllerMethods()
export class IntelQueryGrpcController implements IntelQueryController {
  constructor(
    @Inject(IntelQueryService) private readonly query: IntelQueryService,
    @Inject(AlertFeed) private readonly feed: AlertFeed,
    @Inject(HubConfigToken) private readonly config: HubConfig,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(HUB_LOGGER) private readonly logger: Logger,
  ) {}

  checkPerson(
    r: CheckPersonRequest,
    md?: Metadata,
    call?: ServerCall,
  ): Promise<CheckPersonResponse> {
    return this.unary('CheckPerson', md, call, (caller) => this.query.checkPerson(r, caller));
  }

  checkIdentifiers(
    r: CheckIdentifiersRequest,
    md?: Metadata,
    call?: ServerCall,
  ): Promise<CheckIdentifiersResponse> {
    return this.unary('CheckIdentifiers', md, call, (caller) =>
      this.query.checkIdentifiers(r, caller),
    );
  }

  getPerson(r: GetPersonRequest, md?: Metadata, call?: ServerCall): Promise<NationalPerson> {
    return this.unary('GetPerson', md, call, (caller) => this.query.getPerson(r, caller));
  }

  watchAlerts(r: WatchAlertsRequest, md?: Metadata, call?: ServerCall): Observable<Alert> {
    return defer(() => {
      try {
        const caller = this.identify(md, call);
        this.metrics.queries.inc({ rpc: 'WatchAlerts', code: 'OK' });
        return this.feed.watch(caller.force, r.sinceAlertId ?? '');
      } catch (err) {
        throw this.toRpcError('WatchAlerts', err);
      }
    });
  }

  private async unary<T>(
    rpc: string,
    md: Metadata | undefined,
    call: ServerCall | undefined,
    fn: (caller: Caller) => Promise<T>,
  ): Promise<T> {
    const end = this.metrics.queryLatency.startTimer({ rpc });
    try {
      const caller = this.identify(md, call);
      checkDeadline(call);
      const out = await fn(caller);
      checkDeadline(call);
      this.metrics.queries.inc({ rpc, code: 'OK' });
      return out;
    } catch (err) {
      throw this.toRpcError(rpc, err);
    } finally {
      end();
    }
  }

  private identify(md: Metadata | undefined, call: ServerCall | undefined): Caller {
    const id = callerIdentity(this.config.grpc.security, call, md);
    if (!id.forceCode)
      throw new UnauthenticatedError(
        'the client certificate must name a force (OU=force-NN); in plaintext mode send x-dev-force',
      );
    return { force: id.forceCode, system: id.system };
  }

  private toRpcError(rpc: string, err: unknown) {
    const [code, message] = classify(err);
    this.metrics.queries.inc({ rpc, code: status[code] });
    if (code === status.INTERNAL) this.logger.error({ err, rpc }, 'IntelQuery call failed');
    return rpcError(code, message);
  }
}

function classify(err: unknown): [status, string] {
  if (err instanceof RecordValidationError) return [status.INVALID_ARGUMENT, err.message];
  if (err instanceof InvalidAlertIdError) return [status.INVALID_ARGUMENT, err.message];
  if (err instanceof UnauthenticatedError) return [status.UNAUTHENTICATED, err.message];
  if (err instanceof PersonNotFoundError) return [status.NOT_FOUND, err.message];
  if (err instanceof IndexNotReadyError) return [status.UNAVAILABLE, err.message];
  if (err instanceof DeadlineExceededError) return [status.DEADLINE_EXCEEDED, err.message];
  return [status.INTERNAL, 'internal error; the call was not answered'];
}

/** Gives up before doing (or disclosing) anything once the caller's deadline has passed. */
function checkDeadline(call: ServerCall | undefined): void {
  const d = call?.getDeadline?.();
  if (d === undefined) return;
  const ms = d instanceof Date ? d.getTime() : d;
  if (Number.isFinite(ms) && ms < Date.now())
    throw new DeadlineExceededError('the call deadline passed before it could be answered');
}
