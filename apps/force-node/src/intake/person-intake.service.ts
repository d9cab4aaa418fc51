import { randomUUID } from 'node:crypto';
import {
  SubmitOutcome,
  timestampFromDate,
  type NominalState,
  type PersonRecord,
  type SubmitResult,
} from '@intel/contracts';
import { inTransaction, type Sql } from '@intel/db';
import { contentHash } from '@intel/records';
import type { DataSource } from 'typeorm';
import { buildIncidentState, subjectRefKey } from '../incidents/incident-state';
import type { IncidentRepository } from '../incidents/incident.repository';
import { planLinks, type LinkItem } from '../nominals/link-plan';
import { personMatchKeys } from '../nominals/match-keys';
import { isShareable, mergeNominalState } from '../nominals/nominal-state';
import type {
  LiveSourceRecord,
  NominalRepository,
  PersonRecordWrite,
} from '../nominals/nominal.repository';
import {
  incidentUpserted,
  nominalUpserted,
  withdrawn,
  type OutboxMessage,
} from '../outbox/outbox-message';
import type { OutboxRepository } from '../outbox/outbox.repository';
import { takeIntakeLock } from './intake-lock';
import type { RecordLogEntry, RecordLogRepository } from './record-log.repository';

const sourceKey = (r: { sourceSystem: string; sourceRecordId: string }) =>
  subjectRefKey(r.sourceSystem, r.sourceRecordId);

/**
 * Stores person records and de-duplicates them into nominals (DESIGN.md §4, first half):
 * unchanged content → UNCHANGED and nothing published; changed → UPDATED, new version; a new
 * record that shares a key with an existing nominal → MERGED into it. The nominal's new state
 * and its outbox row are written in one transaction, so nothing accepted is published twice or
 * lost.
 */
export class PersonIntakeService {
  constructor(
    private readonly ds: DataSource,
    private readonly forceCode: string,
    private readonly nominals: NominalRepository,
    private readonly incidents: IncidentRepository,
    private readonly outbox: OutboxRepository,
    private readonly log: RecordLogRepository,
  ) {}

  /** Validated, canonical records; one result per record, in order. */
  async submit(records: PersonRecord[], caller: string): Promise<SubmitResult[]> {
    if (records.length === 0) return [];
    return inTransaction(this.ds, async (tx) => {
      await takeIntakeLock(tx);
      const results: SubmitResult[] = [];
      // A source key repeated within a batch is processed in order: split at repeats.
      for (const part of splitAtRepeatedKeys(records))
        results.push(...(await this.submitChunk(tx, part, caller)));
      return results;
    });
  }

  private async submitChunk(
    tx: Sql,
    records: PersonRecord[],
    caller: string,
  ): Promise<SubmitResult[]> {
    const now = new Date();
    const ts = timestampFromDate(now);
    const hashes = records.map((r) => contentHash(r));
    const existing = new Map(
      (await this.nominals.findSourceRecords(tx, records)).map((e) => [sourceKey(e), e]),
    );
    const results = new Array<SubmitResult | undefined>(records.length).fill(undefined);
    const linkItems: LinkItem[] = [];
    const changed = new Set<number>();
    records.forEach((r, i) => {
      const ex = existing.get(sourceKey(r));
      if (ex && !ex.withdrawn && ex.contentHash.equals(hashes[i] as Buffer)) {
        results[i] = {
          nominalId: ex.nominalId,
          outcome: SubmitOutcome.SUBMIT_OUTCOME_UNCHANGED,
          version: ex.nominalVersion,
          incidentId: '',
        };
        return;
      }
      if (ex && !ex.withdrawn) changed.add(i);
      linkItems.push({
        index: i,
        keys: personMatchKeys(r),
        currentNominalId: ex && !ex.withdrawn ? ex.nominalId : undefined,
      });
    });
    if (linkItems.length === 0) return results as SubmitResult[];

    const allKeys = [...new Set(linkItems.flatMap((l) => l.keys))];
    const nominalsByKey = new Map<string, string[]>();
    for (const hit of await this.nominals.findNominalsByKeys(tx, allKeys)) {
      const list = nominalsByKey.get(hit.key) ?? [];
      list.push(hit.nominalId);
      nominalsByKey.set(hit.key, list);
    }
    const touched = [
      ...new Set(
        [...nominalsByKey.values()]
          .flat()
          .concat(linkItems.flatMap((l) => l.currentNominalId ?? [])),
      ),
    ];
    const nominalRows = new Map(
      (await this.nominals.findNominals(tx, touched)).map((n) => [n.id, n]),
    );
    const groups = planLinks(
      linkItems,
      nominalsByKey,
      new Map([...nominalRows.values()].map((n) => [n.id, n.createdAt.getTime()])),
    );

    // Every live record of every touched nominal, to rebuild merged states.
    const live = await this.nominals.findLiveRecords(tx, touched);
    const liveByNominal = new Map<string, LiveSourceRecord[]>();
    for (const l of live) {
      const list = liveByNominal.get(l.nominalId) ?? [];
      list.push(l);
      liveByNominal.set(l.nominalId, list);
    }
    const chunkKeys = new Set(linkItems.map((l) => sourceKey(records[l.index] as PersonRecord)));

    const nominalWrites: Array<{
      id: string;
      version: number;
      state: NominalState;
      published: boolean;
    }> = [];
    const absorbed: Array<{ id: string; survivor: string; version: number }> = [];
    const sourceWrites: PersonRecordWrite[] = [];
    const keyWrites: Array<{ key: string; nominalId: string }> = [];
    const messages: OutboxMessage[] = [];
    const movedRefs: Array<{ sourceSystem: string; sourceRecordId: string }> = [];
    const logEntries: RecordLogEntry[] = [];

    for (const g of groups) {
      const survivorRow = g.nominals[0] ? nominalRows.get(g.nominals[0]) : undefined;
      const survivorId = survivorRow?.id ?? randomUUID();
      const version = (survivorRow?.version ?? 0) + 1;
      // Existing records of the group's nominals (minus those this chunk replaces), then the chunk's.
      const merged: PersonRecord[] = [];
      for (const n of g.nominals) {
        for (const l of liveByNominal.get(n) ?? []) {
          if (chunkKeys.has(sourceKey(l))) continue;
          merged.push(l.record);
          if (n !== survivorId) movedRefs.push(l);
        }
      }
      for (const i of g.items) merged.push(records[i] as PersonRecord);
      const state = mergeNominalState(survivorId, version, merged, ts);
      const publishable = merged.some(isShareable);
      nominalWrites.push({ id: survivorId, version, state, published: publishable });
      if (publishable) messages.push(nominalUpserted(this.forceCode, state, now));
      else if (survivorRow?.published)
        messages.push(
          ...withdrawn(this.forceCode, 'nominal', survivorId, version, 'no shareable records', now),
        );
      for (const key of new Set(merged.flatMap(personMatchKeys)))
        keyWrites.push({ key, nominalId: survivorId });

      for (const other of g.nominals.slice(1)) {
        const row = nominalRows.get(other);
        const v = (row?.version ?? 0) + 1;
        absorbed.push({ id: other, survivor: survivorId, version: v });
        if (row?.published)
          messages.push(
            ...withdrawn(
              this.forceCode,
              'nominal',
              other,
              v,
              `merged into ${survivorId}`,
              now,
              survivorId,
            ),
          );
      }
      let first = !survivorRow;
      for (const i of g.items) {
        const r = records[i] as PersonRecord;
        sourceWrites.push({
          sourceSystem: r.sourceSystem,
          sourceRecordId: r.sourceRecordId,
          nominalId: survivorId,
          contentHash: hashes[i] as Buffer,
          record: r,
        });
        const outcome = changed.has(i)
          ? SubmitOutcome.SUBMIT_OUTCOME_UPDATED
          : first
            ? SubmitOutcome.SUBMIT_OUTCOME_CREATED
            : SubmitOutcome.SUBMIT_OUTCOME_MERGED;
        first = false;
        results[i] = { nominalId: survivorId, outcome, version, incidentId: '' };
        logEntries.push({
          caller,
          action: 'submit',
          entity: 'person',
          sourceSystem: r.sourceSystem,
          sourceRecordId: r.sourceRecordId,
          outcome,
          entityId: survivorId,
        });
      }
    }

    // Order matters: new nominals exist before records point at them; absorbed ones move last.
    await this.nominals.upsertNominals(tx, nominalWrites);
    await this.nominals.upsertSourceRecords(tx, sourceWrites);
    await this.nominals.absorbNominals(tx, absorbed);
    // Only nominals that existed before can hold stale keys; new ones just get theirs.
    const existingIds = nominalWrites.filter((n) => nominalRows.has(n.id)).map((n) => n.id);
    await this.nominals.replaceKeys(tx, [...existingIds, ...absorbed.map((a) => a.id)], keyWrites);
    messages.push(...(await this.republishIncidents(tx, movedRefs, now)));
    await this.outbox.append(tx, messages);
    await this.log.append(tx, logEntries);
    return results as SubmitResult[];
  }

  /** Incidents whose subjects moved to another nominal are republished with the new ids. */
  private async republishIncidents(
    tx: Sql,
    moved: Array<{ sourceSystem: string; sourceRecordId: string }>,
    now: Date,
  ): Promise<OutboxMessage[]> {
    const affected = await this.incidents.findLiveBySubjects(tx, moved);
    if (affected.length === 0) return [];
    const refs = affected.flatMap((a) =>
      a.record.subjects.map((s) => ({
        sourceSystem: s.personSourceSystem || a.record.sourceSystem,
        sourceRecordId: s.personSourceRecordId,
      })),
    );
    const resolved = await this.incidents.resolveSubjects(tx, refs);
    const bumped = affected.map((a) => ({ ...a, version: a.version + 1 }));
    await this.incidents.bumpVersions(tx, bumped);
    return bumped.map((a) =>
      incidentUpserted(
        this.forceCode,
        buildIncidentState(
          a.id,
          a.version,
          a.record,
          (s, r) => resolved.get(subjectRefKey(s, r)),
          timestampFromDate(now),
        ),
        now,
      ),
    );
  }
}

/** Splits records so that no source key repeats within a part (later copies see earlier ones). */
export function splitAtRepeatedKeys<T extends { sourceSystem: string; sourceRecordId: string }>(
  records: T[],
): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let seen = new Set<string>();
  for (const r of records) {
    const k = sourceKey(r);
    if (seen.has(k)) {
      parts.push(current);
      current = [];
      seen = new Set();
    }
    seen.add(k);
    current.push(r);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
