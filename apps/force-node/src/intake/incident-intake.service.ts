import { randomUUID } from 'node:crypto';
import {
  SubmitOutcome,
  timestampFromDate,
  type IncidentRecord,
  type IncidentState,
  type NominalState,
  type SubmitResult,
} from '@intel/contracts';
import { inTransaction, type Sql } from '@intel/db';
import { contentHash, type FieldError } from '@intel/records';
import { DataSource } from 'typeorm';
import { buildIncidentState, subjectRefKey } from '../incidents/incident-state';
import { IncidentRepository, IncidentWrite } from '../incidents/incident.repository';
import { incidentUpserted, priorityCopies, type OutboxMessage } from '../outbox/outbox-message';
import { OutboxRepository } from '../outbox/outbox.repository';
import { splitAtRepeatedKeys } from './person-intake.service';
import { takeIntakeLock } from './intake-lock';
import { RecordLogEntry, RecordLogRepository } from './record-log.repository';
import { Inject, Injectable } from '@nestjs/common';
import { FORCE_CODE } from '../force-node.tokens';

/** A per-item outcome: a result, or why this item (and only this item) was refused. */
export type ItemOutcome =
  { result: SubmitResult } | { error: FieldError & { code: 'FAILED_PRECONDITION' } };

/**
 * Stores incidents, de-duplicated on their source key, with subjects resolved to the nominals
 * of this force; publishes each new version through the outbox in the same transaction.
 */
@Injectable()
export class IncidentIntakeService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(FORCE_CODE) private readonly forceCode: string,
    @Inject(IncidentRepository) private readonly incidents: IncidentRepository,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(RecordLogRepository) private readonly log: RecordLogRepository,
  ) {}

  async submit(records: IncidentRecord[], caller: string): Promise<ItemOutcome[]> {
    if (records.length === 0) return [];
    return inTransaction(this.ds, async (tx) => {
      await takeIntakeLock(tx);
      return this.submitIn(tx, records, caller);
    });
  }

  /** Stores incidents in the caller's transaction, which holds the intake lock. */
  async submitIn(tx: Sql, records: IncidentRecord[], caller: string): Promise<ItemOutcome[]> {
    const out: ItemOutcome[] = [];
    for (const part of splitAtRepeatedKeys(records))
      out.push(...(await this.submitChunk(tx, part, caller)));
    return out;
  }

  private async submitChunk(
    tx: Sql,
    records: IncidentRecord[],
    caller: string,
  ): Promise<ItemOutcome[]> {
    const now = new Date();
    const ts = timestampFromDate(now);
    const existing = new Map(
      (await this.incidents.findBySourceKeys(tx, records)).map((e) => [
        subjectRefKey(e.sourceSystem, e.sourceRecordId),
        e,
      ]),
    );
    const refs = records.flatMap((r) =>
      r.subjects.map((s) => ({
        sourceSystem: s.personSourceSystem || r.sourceSystem,
        sourceRecordId: s.personSourceRecordId,
      })),
    );
    const resolved = await this.incidents.resolveSubjects(tx, refs);
    const writes: IncidentWrite[] = [];
    const messages: OutboxMessage[] = [];
    const logEntries: RecordLogEntry[] = [];
    const urgent: IncidentState[] = [];
    const out = records.map((r): ItemOutcome => {
      const hash = contentHash(r);
      const ex = existing.get(subjectRefKey(r.sourceSystem, r.sourceRecordId));
      if (ex && !ex.withdrawn && ex.contentHash.equals(hash)) {
        return {
          result: {
            nominalId: '',
            incidentId: ex.id,
            outcome: SubmitOutcome.SUBMIT_OUTCOME_UNCHANGED,
            version: ex.version,
          },
        };
      }
      const missing = r.subjects.findIndex(
        (s) =>
          !resolved.has(
            subjectRefKey(s.personSourceSystem || r.sourceSystem, s.personSourceRecordId),
          ),
      );
      if (missing >= 0) {
        return {
          error: {
            code: 'FAILED_PRECONDITION',
            field: `subjects[${missing}].personSourceRecordId`,
            message:
              'no live person record with this source key in this force: submit the person first',
          },
        };
      }
      const id = ex?.id ?? randomUUID();
      const version = (ex?.version ?? 0) + 1;
      writes.push({ id, version, contentHash: hash, record: r });
      const state = buildIncidentState(
        id,
        version,
        r,
        (s, rid) => resolved.get(subjectRefKey(s, rid)),
        ts,
      );
      messages.push(incidentUpserted(this.forceCode, state, now));
      if (r.immediateRiskToChild) urgent.push(state);
      const outcome =
        ex && !ex.withdrawn
          ? SubmitOutcome.SUBMIT_OUTCOME_UPDATED
          : SubmitOutcome.SUBMIT_OUTCOME_CREATED;
      logEntries.push({
        caller,
        action: 'submit',
        entity: 'incident',
        sourceSystem: r.sourceSystem,
        sourceRecordId: r.sourceRecordId,
        outcome,
        entityId: id,
      });
      return { result: { nominalId: '', incidentId: id, outcome, version } };
    });
    await this.incidents.upsert(tx, writes);
    // The priority lane: the incident and its subjects' current states, ahead of bulk work.
    if (urgent.length > 0) {
      const states = await this.incidents.nominalStates(
        tx,
        urgent.flatMap((i) => i.subjects.map((s) => s.nominalId)),
      );
      for (const i of urgent)
        messages.push(
          ...priorityCopies(
            this.forceCode,
            i,
            [...new Set(i.subjects.map((s) => s.nominalId))]
              .map((n) => states.get(n))
              .filter((n): n is NominalState => n !== undefined),
            now,
          ),
        );
    }
    await this.outbox.append(tx, messages);
    await this.log.append(tx, logEntries);
    return out;
  }
}
