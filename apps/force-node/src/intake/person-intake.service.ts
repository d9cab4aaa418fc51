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
import { subjectRefKey } from '../incidents/incident-state';
import { republishIncidentsNaming } from '../incidents/incident-republisher';
import type { IncidentRepository } from '../incidents/incident.repository';
import { planLinks, type LinkItem } from '../nominals/link-plan';
import { personMatchKeys } from '../nominals/match-keys';
import { MAX_CANDIDATES_PER_KEY, type SamePersonMatcher } from '../nominals/same-person.matcher';
import type { NormalisedRecord } from '@intel/matching';
import { isShareable, mergeNominalState } from '../nominals/nominal-state';
import type {
  LiveSourceRecord,
  NominalRepository,
  PersonRecordWrite,
} from '../nominals/nominal.repository';
import { nominalUpserted, withdrawn, type OutboxMessage } from '../outbox/outbox-message';
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
    private readonly matcher: SamePersonMatcher,
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

    const normalised = new Map(
      linkItems.map((l) => [l.index, this.matcher.normalise(records[l.index] as PersonRecord)]),
    );
    const candidateKeys = new Map(
      linkItems.map((l) => [
        l.index,
        this.matcher.candidateKeys(normalised.get(l.index) as NormalisedRecord),
      ]),
    );
    const allKeys = [
      ...new Set(linkItems.flatMap((l) => [...l.keys, ...(candidateKeys.get(l.index) ?? [])])),
    ];
    const nominalsByKey = new Map<string, string[]>();
    for (const hit of await this.nominals.findNominalsByKeys(tx, allKeys)) {
      const list = nominalsByKey.get(hit.key) ?? [];
      list.push(hit.nominalId);
      nominalsByKey.set(hit.key, list);
    }
    // Keys to store for this chunk's records, computed once (normalising is the costly part).
    const storedKeys = new Map<PersonRecord, string[]>(
      linkItems.map((l) => [
        records[l.index] as PersonRecord,
        [...l.keys, ...(candidateKeys.get(l.index) ?? [])],
      ]),
    );
    await this.linkByEngine(tx, linkItems, normalised, candidateKeys, nominalsByKey);
    const touched = [
      ...new Set(
        linkItems
          .flatMap((l) => l.keys.flatMap((k) => nominalsByKey.get(k) ?? []))
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
      for (const key of new Set(
        merged.flatMap((r) => storedKeys.get(r) ?? this.matcher.keysToStore(r)),
      ))
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
    messages.push(
      ...(await republishIncidentsNaming(tx, this.incidents, this.forceCode, movedRefs, now)),
    );
    await this.outbox.append(tx, messages);
    await this.log.append(tx, logEntries);
    return results as SubmitResult[];
  }

  /**
   * Records without a shared identifier: candidates are the nominals (and the other records of
   * this chunk) sharing a blocking key; a candidate the engine puts in the CERTAIN band is linked
   * by giving both sides a synthetic key, so planLinks treats it like a shared identifier.
   */
  private async linkByEngine(
    tx: Sql,
    items: LinkItem[],
    normalised: Map<number, NormalisedRecord>,
    candidateKeys: Map<number, string[]>,
    nominalsByKey: Map<string, string[]>,
  ): Promise<void> {
    const candidatesOf = new Map<number, Set<string>>();
    for (const item of items) {
      const linked = new Set(item.keys.flatMap((k) => nominalsByKey.get(k) ?? []));
      const set = new Set<string>();
      for (const k of candidateKeys.get(item.index) ?? []) {
        const hits = nominalsByKey.get(k) ?? [];
        if (hits.length > MAX_CANDIDATES_PER_KEY) continue;
        for (const n of hits) if (!linked.has(n) && n !== item.currentNominalId) set.add(n);
      }
      if (set.size > 0) candidatesOf.set(item.index, set);
    }
    const candidateIds = [...new Set([...candidatesOf.values()].flatMap((s) => [...s]))];
    const recordsOf = new Map<string, NormalisedRecord[]>();
    for (const l of await this.nominals.findLiveRecords(tx, candidateIds)) {
      const list = recordsOf.get(l.nominalId) ?? [];
      list.push(this.matcher.normalise(l.record));
      recordsOf.set(l.nominalId, list);
    }
    for (const item of items) {
      const mine = normalised.get(item.index) as NormalisedRecord;
      for (const n of candidatesOf.get(item.index) ?? []) {
        if ((recordsOf.get(n) ?? []).some((other) => this.matcher.isSamePerson(mine, other))) {
          item.keys.push(`eng:${n}`);
          nominalsByKey.set(`eng:${n}`, [n]);
        }
      }
    }
    // Within the chunk: records sharing a candidate key are compared with each other.
    const byKey = new Map<string, LinkItem[]>();
    for (const item of items) {
      for (const k of candidateKeys.get(item.index) ?? []) {
        const list = byKey.get(k) ?? [];
        list.push(item);
        byKey.set(k, list);
      }
    }
    const compared = new Set<string>();
    for (const group of byKey.values()) {
      if (group.length < 2 || group.length > MAX_CANDIDATES_PER_KEY) continue;
      for (let x = 0; x < group.length; x++) {
        for (let y = x + 1; y < group.length; y++) {
          const a = group[x] as LinkItem;
          const b = group[y] as LinkItem;
          const pair = `eng-pair:${Math.min(a.index, b.index)}:${Math.max(a.index, b.index)}`;
          if (compared.has(pair)) continue;
          compared.add(pair);
          if (
            this.matcher.isSamePerson(
              normalised.get(a.index) as NormalisedRecord,
              normalised.get(b.index) as NormalisedRecord,
            )
          ) {
            a.keys.push(pair);
            b.keys.push(pair);
          }
        }
      }
    }
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
