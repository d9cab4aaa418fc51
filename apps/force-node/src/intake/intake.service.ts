import type {
  BatchItem,
  BatchItemResult,
  BatchSummary,
  IncidentRecord,
  PersonRecord,
  SubmitResult,
  WithdrawRequest,
} from '@intel/contracts';
import {
  RecordValidationError,
  validateIncidentRecord,
  validatePersonRecord,
  validateWithdrawRequest,
} from '@intel/records';
import type { ForceNodeMetrics } from '../force-node.metrics';
import type { OutboxRelay } from '../outbox/outbox.relay';
import type { IncidentIntakeService } from './incident-intake.service';
import type { PersonIntakeService } from './person-intake.service';
import type { WithdrawalService } from './withdrawal.service';

export class BatchTooLargeError extends Error {}

/**
 * The force node's use cases, behind the gRPC edge: validate, store and de-duplicate, publish
 * through the outbox. A rejected record changes nothing; in a batch it is reported by index and
 * field and never costs the other items.
 */
export class IntakeService {
  constructor(
    private readonly persons: PersonIntakeService,
    private readonly incidents: IncidentIntakeService,
    private readonly withdrawals: WithdrawalService,
    private readonly relay: OutboxRelay,
    private readonly metrics: ForceNodeMetrics,
    private readonly maxBatchItems: number,
  ) {}

  async submitPerson(record: PersonRecord, caller: string): Promise<SubmitResult> {
    const valid = this.validated('person', () => validatePersonRecord(record));
    const [result] = await this.persons.submit([valid], caller);
    this.accepted('person', result as SubmitResult);
    this.relay.wake();
    return result as SubmitResult;
  }

  async submitIncident(record: IncidentRecord, caller: string): Promise<SubmitResult> {
    const valid = this.validated('incident', () => validateIncidentRecord(record));
    const [outcome] = await this.incidents.submit([valid], caller);
    if (!outcome) throw new Error('no outcome for the incident');
    if ('error' in outcome) {
      this.metrics.rejected.inc({ kind: 'incident', code: outcome.error.code });
      throw new PreconditionError(outcome.error.field, outcome.error.message);
    }
    this.accepted('incident', outcome.result);
    this.relay.wake();
    return outcome.result;
  }

  async withdraw(request: WithdrawRequest, caller: string): Promise<SubmitResult> {
    const valid = this.validated('withdrawal', () => validateWithdrawRequest(request));
    const result = await this.withdrawals.withdraw(valid, caller);
    this.relay.wake();
    return result;
  }

  /**
   * One chunk of a SubmitBatch stream: validate every item, then store the valid persons and
   * then the valid incidents (so an incident may name a person sent earlier in the same chunk).
   */
  async submitChunk(
    items: BatchItem[],
    baseIndex: number,
    caller: string,
  ): Promise<BatchItemResult[]> {
    if (baseIndex + items.length > this.maxBatchItems) {
      throw new BatchTooLargeError(`a batch holds at most ${this.maxBatchItems} items; split it`);
    }
    const results = new Array<BatchItemResult>(items.length);
    const persons: Array<{ i: number; r: PersonRecord }> = [];
    const incidents: Array<{ i: number; r: IncidentRecord }> = [];
    items.forEach((item, i) => {
      const index = baseIndex + i;
      try {
        if (item.person) persons.push({ i, r: validatePersonRecord(item.person) });
        else if (item.incident) incidents.push({ i, r: validateIncidentRecord(item.incident) });
        else
          results[i] = itemError(
            index,
            'INVALID_ARGUMENT',
            'item',
            'a batch item needs a person or an incident',
          );
      } catch (err) {
        if (!(err instanceof RecordValidationError)) throw err;
        const kind = item.person ? 'person' : 'incident';
        this.metrics.rejected.inc({ kind, code: 'INVALID_ARGUMENT' });
        results[i] = itemError(index, 'INVALID_ARGUMENT', `${kind}.${err.field}`, err.message);
      }
    });
    const personResults = await this.persons.submit(
      persons.map((p) => p.r),
      caller,
    );
    persons.forEach((p, k) => {
      const result = personResults[k] as SubmitResult;
      this.accepted('person', result);
      results[p.i] = { index: baseIndex + p.i, result, error: undefined };
    });
    const incidentOutcomes = await this.incidents.submit(
      incidents.map((x) => x.r),
      caller,
    );
    incidents.forEach((x, k) => {
      const outcome = incidentOutcomes[k];
      if (outcome && 'result' in outcome) {
        this.accepted('incident', outcome.result);
        results[x.i] = { index: baseIndex + x.i, result: outcome.result, error: undefined };
      } else if (outcome) {
        this.metrics.rejected.inc({ kind: 'incident', code: outcome.error.code });
        results[x.i] = itemError(
          baseIndex + x.i,
          outcome.error.code,
          `incident.${outcome.error.field}`,
          // Like validation errors, the message names the field it is about.
          `${outcome.error.field}: ${outcome.error.message}`,
        );
      }
    });
    this.relay.wake();
    return results;
  }

  private validated<T>(kind: string, validate: () => T): T {
    try {
      return validate();
    } catch (err) {
      if (err instanceof RecordValidationError)
        this.metrics.rejected.inc({ kind, code: 'INVALID_ARGUMENT' });
      throw err;
    }
  }

  private accepted(kind: string, result: SubmitResult): void {
    this.metrics.accepted.inc({ kind, outcome: result.outcome });
  }
}

export class PreconditionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

function itemError(index: number, code: string, field: string, message: string): BatchItemResult {
  return { index, result: undefined, error: { code, field, message } };
}

export function summarise(results: BatchItemResult[]): BatchSummary {
  const rejected = results.filter((r) => r.error).length;
  return { received: results.length, accepted: results.length - rejected, rejected, results };
}
