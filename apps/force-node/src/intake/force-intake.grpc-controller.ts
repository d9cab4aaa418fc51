import type { Metadata } from '@grpc/grpc-js';
import type { AuthContextCarrier } from '@intel/security';
import { Controller, Inject } from '@nestjs/common';
import {
  ForceIntakeControllerMethods,
  type BatchItem,
  type BatchSummary,
  type ForceIntakeController,
  type IncidentRecord,
  type PersonRecord,
  type SubmitResult,
  type WithdrawRequest,
} from '@intel/contracts';
import { ForceNodeConfig } from '../force-node.tokens';
import { catchError, concatMap, defer, reduce, throwError, type Observable } from 'rxjs';
import { FailureReporter } from './failure-reporter';
import { IntakeService } from './intake.service';
import { identify, toRpcError } from './intake-errors';

/** The server call of a client-streaming RPC: grpc-js sets `cancelled` when the client cancels. */
interface StreamCall extends AuthContextCarrier {
  cancelled?: boolean;
}

/** gRPC edge of `intel.v1.ForceIntake`: identify the caller, one service call, map errors. */
@Controller()
@ForceIntakeControllerMethods()
export class ForceIntakeGrpcController implements ForceIntakeController {
  constructor(
    @Inject(IntakeService) private readonly intake: IntakeService,
    @Inject(ForceNodeConfig) private readonly config: ForceNodeConfig,
    @Inject(FailureReporter) private readonly failures: FailureReporter,
  ) {}

  async submitPerson(
    request: PersonRecord,
    metadata?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<SubmitResult> {
    try {
      return await this.intake.submitPerson(request, identify(this.config, call, metadata));
    } catch (err) {
      throw toRpcError(err, this.failures, 'SubmitPerson');
    }
  }

  async submitIncident(
    request: IncidentRecord,
    metadata?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<SubmitResult> {
    try {
      return await this.intake.submitIncident(request, identify(this.config, call, metadata));
    } catch (err) {
      throw toRpcError(err, this.failures, 'SubmitIncident');
    }
  }

  /**
   * Items are validated and held as they arrive; the batch is stored at half-close in one
   * transaction that commits only if the call has not been cancelled (IntakeService.applyBatch).
   * Returns an Observable, not a Promise: Nest only starts delivering the client's stream once
   * the handler has returned (GrpcStreamMethod drains its buffer then), so awaiting the stream
   * inside the handler would wait forever.
   */
  submitBatch(
    request: Observable<BatchItem>,
    metadata?: Metadata,
    call?: StreamCall,
  ): Observable<BatchSummary> {
    return defer(() => {
      const caller = identify(this.config, call, metadata);
      return request.pipe(
        reduce((batch, item) => {
          batch.add(item);
          return batch;
        }, this.intake.openBatch()),
        concatMap((batch) => this.intake.applyBatch(batch, caller, () => call?.cancelled === true)),
      );
    }).pipe(
      catchError((err: unknown) => throwError(() => toRpcError(err, this.failures, 'SubmitBatch'))),
    );
  }

  async withdraw(
    request: WithdrawRequest,
    metadata?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<SubmitResult> {
    try {
      return await this.intake.withdraw(request, identify(this.config, call, metadata));
    } catch (err) {
      throw toRpcError(err, this.failures, 'Withdraw');
    }
  }
}
