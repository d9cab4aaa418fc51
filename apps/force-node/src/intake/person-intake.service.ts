import { randomUUID } from 'node:crypto';
import {
  SubmitOutcome,
  timestampFromDate,
  type NominalState,
  type PersonRecord,
  type SubmitResult,
} from '@intel/contracts';
import { inTransaction, runCombined, type Sql } from '@intel/db';
import { DataSource } from 'typeorm';
import { subjectRefKey } from '../incidents/incident-state';
import { republishIncidentsNaming } from '../incidents/incident-republisher';
import { IncidentRepository } from '../incidents/incident.repository';
import { planLinks, type LinkItem } from '../nominals/link-plan';
import { CandidateKeyIndex } from '../nominals/candidate-key-index';
import {
  CANDIDATE_KEY_PREFIX,
  MAX_CANDIDATES_PER_KEY,
  SamePersonMatcher,
} from '../nominals/same-person.matcher';
import type { NormalisedRecord } from '@intel/matching';
import { NormalisedRecordCache } from '../nominals/normalised-record.cache';
import { isShareable, mergeNominalState } from '../nominals/nominal-state';
import {
  LiveRecordRef,
  LiveSourceRecord,
  NominalRepository,
  PersonRecordWrite,
} from '../nominals/nominal.repository';
import { nominalUpserted, withdrawn, type OutboxMessage } from '../outbox/outbox-message';
import { OutboxRepository } from '../outbox/outbox.repository';
import { takeIntakeLock } from './intake-lock';
import { preparePerson, type PreparedPerson } from './prepared-person';
import { RecordLogEntry, RecordLogRepository } from './record-log.repository';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { FORCE_CODE } from '../force-node.tokens';

const sourceKey = (r: { sourceSystem: string; sourceRecordId: string }) =>
  subjectRefKey(r.sourceSystem, r.sourceRecordId);

/**
 * Normalised records kept for comparing new records with candidate nominals' records. One is
 * about 2.5 KB on the heap (measured on the bench's records), so this is some 125 MB at most.
 */
const NORMALISED_CACHE_RECORDS = 50_000;

/**
 * Stores person records and de-duplicates them into nominals (docs/force-node.md, "De-duplication"):
 * unchanged content → UNCHANGED and nothing published; changed → UPDATED, new version; a new
 * record that shares a key with an existing nominal → MERGED into it. The nominal's new state
 * and its outbox row are written in one transaction, so nothing accepted is published twice or
 * lost.
 */
@Injectable()
export class PersonIntakeService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(FORCE_CODE) private readonly forceCode: string,
    @Inject(NominalRepository) private readonly nominals: NominalRepository,
    @Inject(IncidentRepository) private readonly incidents: IncidentRepository,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(RecordLogRepository) private readonly log: RecordLogRepository,
    @Inject(SamePersonMatcher) private readonly matcher: SamePersonMatcher,
    @Inject(CandidateKeyIndex) private readonly candidateIndex: CandidateKeyIndex,
    @Optional()
    @Inject(NormalisedRecordCache)
    private readonly normalisedCache = new NormalisedRecordCache(NORMALISED_CACHE_RECORDS),
  ) {}

  /** Validated, canonical records; one result per record, in order. */
  async submit(records: PersonRecord[], caller: string): Promise<SubmitResult[]> {
    if (records.length === 0) return [];
    const parts = this.prepare(records);
    const results = await inTransaction(this.ds, async (tx) => {
      await takeIntakeLock(tx);
      return this.submitPrepared(tx, parts, caller);
    });
    this.remember(parts);
    return results;
  }

  /**
   * What needs no stored state, derived before the lock so it never holds up another
   * submission. A source key repeated within the records is processed in order: split at
   * repeats.
   */
  prepare(records: PersonRecord[]): PreparedPerson[][] {
    return splitAtRepeatedKeys(records).map((part) =>
      part.map((r) => preparePerson(r, this.matcher)),
    );
  }

  /** Stores prepared records in the caller's transaction, which holds the intake lock. */
  async submitPrepared(
    tx: Sql,
    parts: PreparedPerson[][],
    caller: string,
  ): Promise<SubmitResult[]> {
    const out: SubmitResult[] = [];
    for (const part of parts) out.push(...(await this.submitChunk(tx, part, caller)));
    return out;
  }

  /**
   * After the commit only: content hash → normalised form is pure, but a rolled-back chunk's
   * records would only take the room of ones that are stored.
   */
  remember(parts: PreparedPerson[][]): void {
    for (const part of parts) for (const p of part) this.normalisedCache.set(p.hash, p.normalised);
  }

  private async submitChunk(
    tx: Sql,
    prepared: PreparedPerson[],
    caller: string,
  ): Promise<SubmitResult[]> {
    const now = new Date();
    const ts = timestampFromDate(now);
    const records = prepared.map((p) => p.record);
    const hashes = prepared.map((p) => p.hash);
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
        // A copy: linkByEngine adds synthetic keys to it.
        keys: [...(prepared[i] as PreparedPerson).matchKeys],
        currentNominalId: ex && !ex.withdrawn ? ex.nominalId : undefined,
      });
    });
    if (linkItems.length === 0) return results as SubmitResult[];

    const normalised = new Map(
      linkItems.map((l) => [l.index, (prepared[l.index] as PreparedPerson).normalised]),
    );
    const candidateKeys = new Map(
      linkItems.map((l) => [l.index, (prepared[l.index] as PreparedPerson).candidateKeys]),
    );
    const nominalsByKey = new Map<string, string[]>();
    // Identifier keys from nominal_key, every holder (they link outright).
    for (const hit of await this.nominals.findNominalsByKeys(tx, [
      ...new Set(linkItems.flatMap((l) => l.keys)),
    ])) {
      const list = nominalsByKey.get(hit.key) ?? [];
      list.push(hit.nominalId);
      nominalsByKey.set(hit.key, list);
    }
    // Candidate keys from memory (this transaction's writes included). A key over the cap is
    // skipped by linkByEngine: one past the cap says so.
    const candidates = await this.candidateIndex.open(tx);
    for (const l of linkItems)
      for (const k of candidateKeys.get(l.index) ?? [])
        if (!nominalsByKey.has(k))
          nominalsByKey.set(k, candidates.holders(k, MAX_CANDIDATES_PER_KEY + 1));
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
      candidateKeys: string[];
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
      const nominalCandidateKeys: string[] = [];
      for (const key of new Set(
        merged.flatMap((r) => storedKeys.get(r) ?? this.matcher.keysToStore(r)),
      )) {
        if (key.startsWith(CANDIDATE_KEY_PREFIX)) nominalCandidateKeys.push(key);
        else keyWrites.push({ key, nominalId: survivorId });
      }
      nominalWrites.push({
        id: survivorId,
        version,
        state,
        published: publishable,
        candidateKeys: nominalCandidateKeys,
      });
      if (publishable) messages.push(nominalUpserted(this.forceCode, state, now));
      else if (survivorRow?.published)
        messages.push(
          ...withdrawn(this.forceCode, 'nominal', survivorId, version, 'no shareable records', now),
        );

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

    // Only nominals that existed before can hold stale keys; new ones just get theirs.
    const existingIds = nominalWrites.filter((n) => nominalRows.has(n.id)).map((n) => n.id);
    await this.nominals.deleteKeys(tx, [...existingIds, ...absorbed.map((a) => a.id)]);
    // Records looked up above and not found are new; the rest (changed, or re-submitted after
    // a withdrawal) replace their stored row.
    const stored = (w: PersonRecordWrite) => existing.has(sourceKey(w));
    // The common case in one round trip (the intake lock is held throughout): nominals, new
    // records and their keys (checked against the nominals at the statement's end), the events
    // and the log.
    await runCombined(tx, [
      this.nominals.upsertNominalsStatement(nominalWrites),
      this.nominals.insertSourceRecordsStatement(sourceWrites.filter((w) => !stored(w))),
      this.nominals.insertKeysStatement(keyWrites),
      this.outbox.appendStatement(messages),
      this.log.appendStatement(logEntries),
    ]);
    // Then what changes rows that exist: records (their nominals exist now), and absorbed
    // nominals' records moving last; incidents naming moved records are republished after.
    await this.nominals.upsertSourceRecords(tx, sourceWrites.filter(stored));
    await this.nominals.absorbNominals(tx, absorbed);
    await this.outbox.append(
      tx,
      await republishIncidentsNaming(tx, this.incidents, this.forceCode, movedRefs, now),
    );
    // Later chunks of this transaction find these nominals by their new keys (a savepoint
    // rolled back takes them out again: IntakeService).
    for (const n of nominalWrites) candidates.set(n.id, n.candidateKeys);
    for (const a of absorbed) candidates.set(a.id, []);
    return results as SubmitResult[];
  }

  /**
   * The normalised live records of each nominal: from the cache by content hash, fetching and
   * normalising only the records it does not hold.
   */
  private async normalisedLiveRecords(
    tx: Sql,
    nominalIds: string[],
  ): Promise<Map<string, NormalisedRecord[]>> {
    const refs = await this.nominals.findLiveRecordRefs(tx, nominalIds);
    const found = new Map<string, NormalisedRecord>();
    const misses: LiveRecordRef[] = [];
    for (const r of refs) {
      const hit = this.normalisedCache.get(r.contentHash);
      if (hit) found.set(sourceKey(r), hit);
      else misses.push(r);
    }
    for (const r of await this.nominals.findRecords(tx, misses)) {
      const n = this.matcher.normalise(r.record);
      found.set(sourceKey(r), n);
      this.normalisedCache.set(r.contentHash, n);
    }
    const byNominal = new Map<string, NormalisedRecord[]>();
    for (const r of refs) {
      const n = found.get(sourceKey(r));
      if (n === undefined) continue;
      const list = byNominal.get(r.nominalId) ?? [];
      list.push(n);
      byNominal.set(r.nominalId, list);
    }
    return byNominal;
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
    const recordsOf = await this.normalisedLiveRecords(tx, candidateIds);
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
    // Pairs compared once, as numbers (a pair's key text is made only for a link).
    const compared = new Set<number>();
    const span = items.reduce((m, i) => Math.max(m, i.index), 0) + 1;
    for (const group of byKey.values()) {
      if (group.length < 2 || group.length > MAX_CANDIDATES_PER_KEY) continue;
      for (let x = 0; x < group.length; x++) {
        for (let y = x + 1; y < group.length; y++) {
          const a = group[x] as LinkItem;
          const b = group[y] as LinkItem;
          const lo = Math.min(a.index, b.index);
          const hi = Math.max(a.index, b.index);
          if (compared.has(lo * span + hi)) continue;
          compared.add(lo * span + hi);
          if (
            this.matcher.isSamePerson(
              normalised.get(a.index) as NormalisedRecord,
              normalised.get(b.index) as NormalisedRecord,
            )
          ) {
            const pair = `eng-pair:${lo}:${hi}`;
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
