import { NominalState, PersonRecord } from '@intel/contracts';
import { runCombined, type Sql, type Statement } from '@intel/db';
import { CANDIDATE_KEY_PREFIX } from './same-person.matcher';

export interface ExistingSourceRecord {
  sourceSystem: string;
  sourceRecordId: string;
  nominalId: string;
  contentHash: Buffer;
  withdrawn: boolean;
  nominalVersion: number;
}

export interface NominalRow {
  id: string;
  version: number;
  published: boolean;
  createdAt: Date;
}

export interface LiveSourceRecord {
  sourceSystem: string;
  sourceRecordId: string;
  nominalId: string;
  record: PersonRecord;
}

/** A live source record without its content: enough to find its normalised form in a cache. */
export interface LiveRecordRef {
  sourceSystem: string;
  sourceRecordId: string;
  nominalId: string;
  contentHash: Buffer;
}

export interface PersonRecordWrite {
  sourceSystem: string;
  sourceRecordId: string;
  nominalId: string;
  contentHash: Buffer;
  record: PersonRecord;
}

export interface NominalWrite {
  id: string;
  version: number;
  state: NominalState;
  published: boolean;
}

interface RecordRefRow {
  source_system: string;
  source_record_id: string;
  nominal_id: string;
  content_hash: Buffer;
}

const recordRef = (r: RecordRefRow): LiveRecordRef => ({
  sourceSystem: r.source_system,
  sourceRecordId: r.source_record_id,
  nominalId: r.nominal_id,
  contentHash: r.content_hash,
});

/** SQL for source records, nominals and their match keys. One method per query. */
export class NominalRepository {
  async findSourceRecords(
    tx: Sql,
    keys: Array<{ sourceSystem: string; sourceRecordId: string }>,
  ): Promise<ExistingSourceRecord[]> {
    const rows = await tx.query<
      Array<{
        source_system: string;
        source_record_id: string;
        nominal_id: string;
        content_hash: Buffer;
        withdrawn: boolean;
        version: string;
      }>
    >(
      `SELECT p.source_system, p.source_record_id, p.nominal_id, p.content_hash,
              (p.withdrawn_at IS NOT NULL) AS withdrawn, n.version
         FROM unnest($1::text[], $2::text[]) AS k(s, i)
         JOIN person_record p ON p.source_system = k.s AND p.source_record_id = k.i
         JOIN nominal n ON n.id = p.nominal_id`,
      [keys.map((k) => k.sourceSystem), keys.map((k) => k.sourceRecordId)],
    );
    return rows.map((r) => ({
      sourceSystem: r.source_system,
      sourceRecordId: r.source_record_id,
      nominalId: r.nominal_id,
      contentHash: r.content_hash,
      withdrawn: r.withdrawn,
      nominalVersion: Number(r.version),
    }));
  }

  /**
   * The nominals holding each key. A candidate key (`blk:`, docs/force-node.md) answers at most
   * `candidateCap` of its nominals: the caller only needs to know that a block is larger than
   * it compares (same-person.matcher MAX_CANDIDATES_PER_KEY), not all of a common name's
   * holders. Identifier keys answer every holder (they link outright).
   */
  async findNominalsByKeys(
    tx: Sql,
    keys: string[],
    candidateCap = Number.MAX_SAFE_INTEGER,
  ): Promise<Array<{ key: string; nominalId: string }>> {
    if (keys.length === 0) return [];
    const candidate = keys.filter((k) => k.startsWith(CANDIDATE_KEY_PREFIX));
    const identity = keys.filter((k) => !k.startsWith(CANDIDATE_KEY_PREFIX));
    const rows = await tx.query<Array<{ key: string; nominal_id: string }>>(
      `SELECT key, nominal_id FROM nominal_key WHERE key = ANY($1::text[])
       UNION ALL
       SELECT c.key, n.nominal_id FROM unnest($2::text[]) AS c(key)
       CROSS JOIN LATERAL (
         SELECT nominal_id FROM nominal_key WHERE key = c.key LIMIT $3
       ) n`,
      [identity, candidate, Math.min(candidateCap, Number.MAX_SAFE_INTEGER)],
    );
    return rows.map((r) => ({ key: r.key, nominalId: r.nominal_id }));
  }

  async findNominals(tx: Sql, ids: string[]): Promise<NominalRow[]> {
    if (ids.length === 0) return [];
    const rows = await tx.query<
      Array<{ id: string; version: string; published: boolean; created_at: Date }>
    >(`SELECT id, version, published, created_at FROM nominal WHERE id = ANY($1::uuid[])`, [ids]);
    return rows.map((r) => ({
      id: r.id,
      version: Number(r.version),
      published: r.published,
      createdAt: r.created_at,
    }));
  }

  /** Live (not withdrawn) source records of the nominals, oldest first. */
  async findLiveRecords(tx: Sql, nominalIds: string[]): Promise<LiveSourceRecord[]> {
    if (nominalIds.length === 0) return [];
    const rows = await tx.query<
      Array<{
        source_system: string;
        source_record_id: string;
        nominal_id: string;
        record: unknown;
      }>
    >(
      `SELECT source_system, source_record_id, nominal_id, record FROM person_record
        WHERE nominal_id = ANY($1::uuid[]) AND withdrawn_at IS NULL ORDER BY seq`,
      [nominalIds],
    );
    return rows.map((r) => ({
      sourceSystem: r.source_system,
      sourceRecordId: r.source_record_id,
      nominalId: r.nominal_id,
      record: PersonRecord.fromJSON(r.record),
    }));
  }

  /** Like findLiveRecords, without the records themselves (content hash instead). */
  async findLiveRecordRefs(tx: Sql, nominalIds: string[]): Promise<LiveRecordRef[]> {
    if (nominalIds.length === 0) return [];
    const rows = await tx.query<RecordRefRow[]>(
      `SELECT source_system, source_record_id, nominal_id, content_hash FROM person_record
        WHERE nominal_id = ANY($1::uuid[]) AND withdrawn_at IS NULL`,
      [nominalIds],
    );
    return rows.map(recordRef);
  }

  /** The stored records with these source keys (any order; unknown keys are left out). */
  async findRecords(
    tx: Sql,
    keys: Array<{ sourceSystem: string; sourceRecordId: string }>,
  ): Promise<Array<LiveRecordRef & { record: PersonRecord }>> {
    if (keys.length === 0) return [];
    const rows = await tx.query<Array<RecordRefRow & { record: unknown }>>(
      `SELECT p.source_system, p.source_record_id, p.nominal_id, p.content_hash, p.record
         FROM unnest($1::text[], $2::text[]) AS k(s, i)
         JOIN person_record p ON p.source_system = k.s AND p.source_record_id = k.i`,
      [keys.map((k) => k.sourceSystem), keys.map((k) => k.sourceRecordId)],
    );
    return rows.map((r) => ({ ...recordRef(r), record: PersonRecord.fromJSON(r.record) }));
  }

  async upsertNominals(tx: Sql, rows: NominalWrite[]): Promise<void> {
    await runCombined(tx, [this.upsertNominalsStatement(rows)]);
  }

  upsertNominalsStatement(rows: NominalWrite[]): Statement | undefined {
    if (rows.length === 0) return undefined;
    return {
      sql: `INSERT INTO nominal (id, version, state, published)
       SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bytea[], $4::boolean[])
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state,
         published = EXCLUDED.published, updated_at = now()`,
      params: [
        rows.map((r) => r.id),
        rows.map((r) => r.version),
        rows.map((r) => Buffer.from(NominalState.encode(r.state).finish())),
        rows.map((r) => r.published),
      ],
    };
  }

  /** Nominals merged into another: withdrawn, their records and keys re-pointed to the survivor. */
  async absorbNominals(
    tx: Sql,
    absorbed: Array<{ id: string; survivor: string; version: number }>,
  ): Promise<void> {
    if (absorbed.length === 0) return;
    const params = [
      absorbed.map((a) => a.id),
      absorbed.map((a) => a.survivor),
      absorbed.map((a) => a.version),
    ];
    await tx.query(
      `UPDATE nominal n SET merged_into = a.survivor, withdrawn_at = now(), version = a.version, published = false, updated_at = now()
         FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS a(id, survivor, version) WHERE n.id = a.id`,
      params,
    );
    await tx.query(
      `UPDATE person_record p SET nominal_id = a.survivor, updated_at = now()
         FROM unnest($1::uuid[], $2::uuid[]) AS a(id, survivor) WHERE p.nominal_id = a.id`,
      params.slice(0, 2),
    );
  }

  /**
   * Source records not stored before (the caller has looked them up under the intake lock): a
   * plain INSERT, without ON CONFLICT's speculative insertion, and the rows as one JSON
   * document (one JSON.stringify, no per-element array escaping; the record stays an object).
   */
  insertSourceRecordsStatement(rows: PersonRecordWrite[]): Statement | undefined {
    if (rows.length === 0) return undefined;
    return {
      sql: `INSERT INTO person_record (source_system, source_record_id, nominal_id, content_hash, record)
       SELECT r.s, r.i, r.n, decode(r.h, 'base64'), r.r
         FROM jsonb_to_recordset($1::jsonb) AS r(s text, i text, n uuid, h text, r jsonb)`,
      params: [
        JSON.stringify(
          rows.map((r) => ({
            s: r.sourceSystem,
            i: r.sourceRecordId,
            n: r.nominalId,
            h: r.contentHash.toString('base64'),
            r: PersonRecord.toJSON(r.record),
          })),
        ),
      ],
    };
  }

  async upsertSourceRecords(tx: Sql, rows: PersonRecordWrite[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO person_record (source_system, source_record_id, nominal_id, content_hash, record)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::bytea[], $5::jsonb[])
       ON CONFLICT (source_system, source_record_id) DO UPDATE SET nominal_id = EXCLUDED.nominal_id,
         content_hash = EXCLUDED.content_hash, record = EXCLUDED.record,
         withdrawn_at = NULL, withdrawal_reason = NULL, updated_at = now()`,
      [
        rows.map((r) => r.sourceSystem),
        rows.map((r) => r.sourceRecordId),
        rows.map((r) => r.nominalId),
        rows.map((r) => r.contentHash),
        rows.map((r) => JSON.stringify(PersonRecord.toJSON(r.record))),
      ],
    );
  }

  async markSourceRecordWithdrawn(
    tx: Sql,
    sourceSystem: string,
    sourceRecordId: string,
    reason: string,
  ): Promise<void> {
    await tx.query(
      `UPDATE person_record SET withdrawn_at = now(), withdrawal_reason = $3, updated_at = now()
        WHERE source_system = $1 AND source_record_id = $2`,
      [sourceSystem, sourceRecordId, reason],
    );
  }

  async markNominalWithdrawn(tx: Sql, id: string, version: number): Promise<void> {
    await tx.query(
      `UPDATE nominal SET withdrawn_at = now(), version = $2, published = false, updated_at = now() WHERE id = $1`,
      [id, version],
    );
  }

  /**
   * Replaces the match keys of the given nominals with `keys` (keys of other nominals
   * untouched). Every nominal in `keys` must be in `nominalIds` or new, each pair given once.
   */
  async replaceKeys(
    tx: Sql,
    nominalIds: string[],
    keys: Array<{ key: string; nominalId: string }>,
  ): Promise<void> {
    await this.deleteKeys(tx, nominalIds);
    await runCombined(tx, [this.insertKeysStatement(keys)]);
  }

  /** Drops every match key of the nominals. */
  async deleteKeys(tx: Sql, nominalIds: string[]): Promise<void> {
    if (nominalIds.length === 0) return;
    await tx.query(`DELETE FROM nominal_key WHERE nominal_id = ANY($1::uuid[])`, [nominalIds]);
  }

  /**
   * Match keys for nominals that hold none (new, or just cleared by deleteKeys), each pair
   * once. No ON CONFLICT: a conflict would be a bug, so it fails rather than hides it.
   */
  insertKeysStatement(keys: Array<{ key: string; nominalId: string }>): Statement | undefined {
    if (keys.length === 0) return undefined;
    return {
      sql: `INSERT INTO nominal_key (key, nominal_id) SELECT * FROM unnest($1::text[], $2::uuid[])`,
      params: [keys.map((k) => k.key), keys.map((k) => k.nominalId)],
    };
  }

  async nominalVersion(db: Sql, id: string): Promise<number | undefined> {
    const [row] = await db.query<Array<{ version: string }>>(
      `SELECT version FROM nominal WHERE id = $1`,
      [id],
    );
    return row ? Number(row.version) : undefined;
  }
}
