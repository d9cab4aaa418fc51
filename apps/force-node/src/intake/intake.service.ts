import type {
  BatchItemResult,
  BatchSummary,
  IncidentRecord,
  PersonRecord,
  SubmitResult,
  WithdrawRequest,
} from '@intel/contracts';
import { inTransaction, type Sql } from '@intel/db';
import {
  RecordValidationError,
  validateIncidentRecord,
  validatePersonRecord,
  validateWithdrawRequest,
} from '@intel/records';
import { DataSource } from 'typeorm';
import { ForceNodeMetrics } from '../force-node.metrics';
import { OutboxRelay } from '../outbox/outbox.relay';
import { FailureReporter } from './failure-reporter';
import { IncidentIntakeService } from './incident-intake.service';
import { CandidateKeyIndex } from '../nominals/candidate-key-index';
import { takeIntakeLock } from './intake-lock';
import { classifyFailure } from './intake-failure';
import { PendingBatch, itemError, type BatchLimits, type ValidItem } from './pending-batch';
import { PersonIntakeService } from './person-intake.service';
import type { PreparedPerson } from './prepared-person';
import { WithdrawalService } from './withdrawal.service';
import { Inject, Injectable } from '@nestjs/common';
import { BATCH_LIMITS } from '../force-node.tokens';

export { BatchTooLargeError } from './pending-batch';

/** The client cancelled a SubmitBatch before its transaction committed: nothing was kept. */
export class BatchCancelledError extends Error {}

/**
 * The force node's use cases, behind the gRPC edge: validate, store and de-duplicate, publish
 * through the outbox. A rejected record changes nothing; in a batch it is reported by index and
 * field and never costs the other items.
 */
@Injectable()
export class IntakeService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(PersonIntakeService) private readonly persons: PersonIntakeService,
    @Inject(IncidentIntakeService) private readonly incidents: IncidentIntakeService,
    @Inject(WithdrawalService) private readonly withdrawals: WithdrawalService,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(ForceNodeMetrics) private readonly metrics: ForceNodeMetrics,
    @Inject(FailureReporter) private readonly failures: FailureReporter,
    @Inject(BATCH_LIMITS) private readonly limits: BatchLimits,
    @Inject(CandidateKeyIndex) private readonly candidateIndex: CandidateKeyIndex,
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

  /** A SubmitBatch stream to fill as items arrive (validated, bounded, nothing stored yet). */
  openBatch(): PendingBatch {
    return new PendingBatch(this.limits, (kind) =>
      this.metrics.rejected.inc({ kind, code: 'INVALID_ARGUMENT' }),
    );
  }

  /**
   * Applies a whole batch at half-close, in ONE transaction that commits only if the call is
   * still live just before the commit: a client-streaming call acknowledges nothing before its
   * BatchSummary, so a cancelled batch keeps nothing. The intake lock is taken only now, never
   * while a slow client streams. Valid items are stored `chunkSize` at a time under a savepoint;
   * a chunk the database refuses for a data reason is redone item by item, so that only the
   * offending item fails (INTERNAL with a reference id) and the others are kept.
   */
  async applyBatch(
    batch: PendingBatch,
    caller: string,
    isCancelled: () => boolean,
  ): Promise<BatchSummary> {
    const results = [...batch.results];
    const accepted: Array<[string, SubmitResult]> = [];
    // Derived without the lock: content hashes, keys, normalised forms.
    const chunks = batch.chunks().map((items) => ({
      items,
      persons: this.persons.prepare(items.flatMap((v) => (v.person ? [v.person] : []))),
    }));
    if (isCancelled()) throw new BatchCancelledError('the call was cancelled; nothing was kept');
    if (chunks.length > 0) {
      await inTransaction(this.ds, async (tx) => {
        await takeIntakeLock(tx);
        for (const chunk of chunks) {
          if (isCancelled()) throw new BatchCancelledError('the call was cancelled');
          await this.applyChunk(tx, chunk.items, chunk.persons, caller, results, accepted);
        }
        // The commit point: a cancel that arrives after this check is too late (see docs).
        if (isCancelled()) throw new BatchCancelledError('the call was cancelled');
      });
    }
    for (const c of chunks) this.persons.remember(c.persons);
    for (const [kind, r] of accepted) this.accepted(kind, r);
    this.relay.wake();
    return summarise(results as BatchItemResult[]);
  }

  private async applyChunk(
    tx: Sql,
    items: ValidItem[],
    persons: PreparedPerson[][],
    caller: string,
    results: Array<BatchItemResult | undefined>,
    accepted: Array<[string, SubmitResult]>,
  ): Promise<void> {
    // The candidate keys this transaction gave nominals (in memory) roll back with the savepoint.
    const chunkMark = this.candidateIndex.mark(tx);
    await tx.query('SAVEPOINT intake_chunk');
    try {
      const out = await this.storeItems(tx, items, persons, caller);
      await tx.query('RELEASE SAVEPOINT intake_chunk');
      this.collect(out, results, accepted);
      return;
    } catch (err) {
      if (classifyFailure(err) !== 'data') throw err;
      await tx.query('ROLLBACK TO SAVEPOINT intake_chunk');
      this.candidateIndex.rollbackTo(tx, chunkMark);
    }
    // One item refused by the database: find it, keep the others (in their order).
    const prepared = new Map(persons.flat().map((p) => [p.record, p]));
    for (const item of items) {
      const itemMark = this.candidateIndex.mark(tx);
      await tx.query('SAVEPOINT intake_item');
      try {
        const one = item.person ? [[prepared.get(item.person) as PreparedPerson]] : [];
        const out = await this.storeItems(tx, [item], one, caller);
        await tx.query('RELEASE SAVEPOINT intake_item');
        this.collect(out, results, accepted);
      } catch (err) {
        if (classifyFailure(err) !== 'data') throw err;
        await tx.query('ROLLBACK TO SAVEPOINT intake_item');
        this.candidateIndex.rollbackTo(tx, itemMark);
        const { ref } = this.failures.report(err, { rpc: 'SubmitBatch', index: item.index });
        const kind = item.person ? 'person' : 'incident';
        this.metrics.rejected.inc({ kind, code: 'INTERNAL' });
        results[item.index] = itemError(
          item.index,
          'INTERNAL',
          kind,
          `could not be stored (reference ${ref}); nothing of this item was kept and resending it unchanged will not help`,
        );
      }
    }
  }

  /**
   * Persons first, then incidents, so an incident may name a person sent earlier in the same
   * chunk. Returns each item's result (or FAILED_PRECONDITION), by batch index.
   */
  private async storeItems(
    tx: Sql,
    items: ValidItem[],
    persons: PreparedPerson[][],
    caller: string,
  ): Promise<Array<[ValidItem, BatchItemResult, string | undefined]>> {
    const out: Array<[ValidItem, BatchItemResult, string | undefined]> = [];
    const personItems = items.filter((v) => v.person);
    const incidentItems = items.filter((v) => v.incident);
    const personResults = await this.persons.submitPrepared(tx, persons, caller);
    personItems.forEach((v, k) => {
      const result = personResults[k] as SubmitResult;
      out.push([v, { index: v.index, result, error: undefined }, 'person']);
    });
    const outcomes = await this.incidents.submitIn(
      tx,
      incidentItems.map((v) => v.incident as IncidentRecord),
      caller,
    );
    incidentItems.forEach((v, k) => {
      const outcome = outcomes[k];
      if (outcome && 'result' in outcome)
        out.push([v, { index: v.index, result: outcome.result, error: undefined }, 'incident']);
      else if (outcome)
        out.push([
          v,
          itemError(
            v.index,
            outcome.error.code,
            `incident.${outcome.error.field}`,
            // Like validation errors, the message names the field it is about.
            `${outcome.error.field}: ${outcome.error.message}`,
          ),
          undefined,
        ]);
    });
    return out;
  }

  private collect(
    out: Array<[ValidItem, BatchItemResult, string | undefined]>,
    results: Array<BatchItemResult | undefined>,
    accepted: Array<[string, SubmitResult]>,
  ): void {
    for (const [v, r, kind] of out) {
      results[v.index] = r;
      if (kind && r.result) accepted.push([kind, r.result]);
      else if (r.error) this.metrics.rejected.inc({ kind: 'incident', code: r.error.code });
    }
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

export function summarise(results: BatchItemResult[]): BatchSummary {
  const rejected = results.filter((r) => r.error).length;
  return { received: results.length, accepted: results.length - rejected, rejected, results };
}
