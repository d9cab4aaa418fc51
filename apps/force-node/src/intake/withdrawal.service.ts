import {
  RecordKind,
  SubmitOutcome,
  timestampFromDate,
  type SubmitResult,
  type WithdrawRequest,
} from '@intel/contracts';
import { inTransaction, type Sql } from '@intel/db';
import { DataSource } from 'typeorm';
import { republishIncidentsNaming } from '../incidents/incident-republisher';
import { IncidentRepository } from '../incidents/incident.repository';
import { SamePersonMatcher } from '../nominals/same-person.matcher';
import { isShareable, mergeNominalState } from '../nominals/nominal-state';
import { NominalRepository } from '../nominals/nominal.repository';
import { nominalUpserted, withdrawn, type OutboxMessage } from '../outbox/outbox-message';
import { OutboxRepository } from '../outbox/outbox.repository';
import { takeIntakeLock } from './intake-lock';
import { RecordLogRepository } from './record-log.repository';
import { Inject, Injectable } from '@nestjs/common';
import { FORCE_CODE } from '../force-node.tokens';

export class RecordNotFoundError extends Error {}

/**
 * MoPI disposal or correction (docs/domain.md, "MoPI"): the source record is withdrawn; its nominal is
 * rebuilt from what remains and republished, or withdrawn (event + tombstone) when nothing
 * remains, so that every copy downstream goes too.
 */
@Injectable()
export class WithdrawalService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(FORCE_CODE) private readonly forceCode: string,
    @Inject(NominalRepository) private readonly nominals: NominalRepository,
    @Inject(IncidentRepository) private readonly incidents: IncidentRepository,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(RecordLogRepository) private readonly log: RecordLogRepository,
    @Inject(SamePersonMatcher) private readonly matcher: SamePersonMatcher,
  ) {}

  async withdraw(req: WithdrawRequest, caller: string): Promise<SubmitResult> {
    return inTransaction(this.ds, async (tx) => {
      await takeIntakeLock(tx);
      const result =
        req.kind === RecordKind.RECORD_KIND_INCIDENT
          ? await this.withdrawIncident(tx, req)
          : await this.withdrawPerson(tx, req);
      await this.log.append(tx, [
        {
          caller,
          action: 'withdraw',
          entity: req.kind === RecordKind.RECORD_KIND_INCIDENT ? 'incident' : 'person',
          sourceSystem: req.sourceSystem,
          sourceRecordId: req.sourceRecordId,
          outcome: `${result.outcome}: ${req.reason}`,
          entityId: result.nominalId || result.incidentId || null,
        },
      ]);
      return result;
    });
  }

  private async withdrawPerson(tx: Sql, req: WithdrawRequest): Promise<SubmitResult> {
    const [ex] = await this.nominals.findSourceRecords(tx, [req]);
    if (!ex || ex.withdrawn)
      throw new RecordNotFoundError(
        `no live person record ${req.sourceSystem}/${req.sourceRecordId}`,
      );
    const now = new Date();
    const [nominal] = await this.nominals.findNominals(tx, [ex.nominalId]);
    const version = (nominal?.version ?? ex.nominalVersion) + 1;
    await this.nominals.markSourceRecordWithdrawn(
      tx,
      req.sourceSystem,
      req.sourceRecordId,
      req.reason,
    );
    const remaining = (await this.nominals.findLiveRecords(tx, [ex.nominalId])).map(
      (l) => l.record,
    );
    const messages: OutboxMessage[] = [];
    const shareable = remaining.some(isShareable);
    if (shareable) {
      const state = mergeNominalState(ex.nominalId, version, remaining, timestampFromDate(now));
      await this.nominals.upsertNominals(tx, [
        { id: ex.nominalId, version, state, published: true },
      ]);
      messages.push(nominalUpserted(this.forceCode, state, now));
    } else if (remaining.length > 0) {
      const state = mergeNominalState(ex.nominalId, version, remaining, timestampFromDate(now));
      await this.nominals.upsertNominals(tx, [
        { id: ex.nominalId, version, state, published: false },
      ]);
      if (nominal?.published)
        messages.push(
          ...withdrawn(this.forceCode, 'nominal', ex.nominalId, version, req.reason, now),
        );
    } else {
      await this.nominals.markNominalWithdrawn(tx, ex.nominalId, version);
      if (nominal?.published)
        messages.push(
          ...withdrawn(this.forceCode, 'nominal', ex.nominalId, version, req.reason, now),
        );
    }
    await this.nominals.replaceKeys(
      tx,
      [ex.nominalId],
      [...new Set(remaining.flatMap((r) => this.matcher.keysToStore(r)))].map((key) => ({
        key,
        nominalId: ex.nominalId,
      })),
    );
    // Incidents naming the withdrawn record lose that subject: republish them.
    messages.push(
      ...(await republishIncidentsNaming(tx, this.incidents, this.forceCode, [req], now)),
    );
    await this.outbox.append(tx, messages);
    return {
      nominalId: ex.nominalId,
      outcome: SubmitOutcome.SUBMIT_OUTCOME_WITHDRAWN,
      version,
      incidentId: '',
    };
  }

  private async withdrawIncident(tx: Sql, req: WithdrawRequest): Promise<SubmitResult> {
    const [ex] = await this.incidents.findBySourceKeys(tx, [req]);
    if (!ex || ex.withdrawn)
      throw new RecordNotFoundError(`no live incident ${req.sourceSystem}/${req.sourceRecordId}`);
    const version = ex.version + 1;
    await this.incidents.markWithdrawn(tx, ex.id, version, req.reason);
    await this.outbox.append(
      tx,
      withdrawn(this.forceCode, 'incident', ex.id, version, req.reason, new Date()),
    );
    return {
      nominalId: '',
      incidentId: ex.id,
      outcome: SubmitOutcome.SUBMIT_OUTCOME_WITHDRAWN,
      version,
    };
  }
}
