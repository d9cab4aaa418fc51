import type { Metadata } from '@grpc/grpc-js';
import type { AuthContextCarrier } from '@intel/security';
import { Controller, Inject } from '@nestjs/common';
import {
  ForceIntakeControllerMethods,
  type BatchItem,
  type BatchItemResult,
  type BatchSummary,
  type ForceIntakeController,
  type IncidentRecord,
  type PersonRecord,
  type SubmitResult,
  type WithdrawRequest,
} from '@intel/contracts';
import { ForceNodeConfig } from '../force-node.tokens';
import {
  bufferCount,
  catchError,
  concatMap,
  defaultIfEmpty,
  defer,
  map,
  reduce,
  throwError,
  type Observable,
} from 'rxjs';
import { IntakeService, summarise } from './intake.service';
import { identify, toRpcError } from './intake-errors';

/** gRPC edge of `intel.v1.ForceIntake`: identify the caller, one service call, map errors. */
@Controller()
@ForceIntakeControllerMethods()
export class ForceIntakeGrpcController implements ForceIntakeController {
  constructor(
    @Inject(IntakeService) private readonly intake: IntakeService,
    @Inject(ForceNodeConfig) private readonly config: ForceNodeConfig,
  ) {}

  async submitPerson(
    request: PersonRecord,
    metadata?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<SubmitResult> {
    try {
      return await this.intake.submitPerson(request, identify(this.config, call, metadata));
    } catch (err) {
      throw toRpcError(err);
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
      throw toRpcError(err);
    }
  }

  /**
   * Returns an Observable, not a Promise: Nest only starts delivering the client's stream once
   * the handler has returned (GrpcStreamMethod drains its buffer then), so awaiting the stream
   * inside the handler would wait forever.
   */
  submitBatch(
    request: Observable<BatchItem>,
    metadata?: Metadata,
    call?: AuthContextCarrier,
  ): Observable<BatchSummary> {
    return defer(() => {
      const caller = identify(this.config, call, metadata);
      let base = 0;
      return request.pipe(
        bufferCount(this.config.intake.chunkSize),
        concatMap(async (chunk) => {
          const r = await this.intake.submitChunk(chunk, base, caller);
          base += chunk.length;
          return r;
        }),
        reduce((all: BatchItemResult[], chunk) => {
          for (const r of chunk) all.push(r);
          return all;
        }, []),
        defaultIfEmpty([] as BatchItemResult[]),
        map(summarise),
      );
    }).pipe(catchError((err: unknown) => throwError(() => toRpcError(err))));
  }

  async withdraw(
    request: WithdrawRequest,
    metadata?: Metadata,
    call?: AuthContextCarrier,
  ): Promise<SubmitResult> {
    try {
      return await this.intake.withdraw(request, identify(this.config, call, metadata));
    } catch (err) {
      throw toRpcError(err);
    }
  }
}
