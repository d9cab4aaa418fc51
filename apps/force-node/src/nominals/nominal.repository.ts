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
  /** The nominal's candidate keys (`blk:`) as they are now; left out, the stored ones stay. */
  candidateKeys?: string[];
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
   * The nominals holding each identifier key (they link outright). Candidate keys (`blk:`) are
   * not rows: CandidateKeyIndex serves them from memory.
   */
  async findNominalsByKeys(
    tx: Sql,
    keys: string[],
  ): Promise<Array<{ key: string; nominalId: string }>> {
    const identity = keys.filter((k) => !k.startsWith(CANDIDATE_KEY_PREFIX));
    if (identity.length === 0) return [];
    const rows = await tx.query<Array<{ key: string; nominal_id: string }>>(
      `SELECT key, nominal_id FROM nominal_key WHERE key = ANY($1::text[])`,
      [identity],
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

  /**
   * Nominals inserted or updated; those given `candidateKeys` get them (and a new stamp from
   * `nominal_candidate_keys_seq`, CandidateKeyIndex), the others keep theirs. The rows as one
   * JSON document (the state in base64).
   */
  upsertNominalsStatement(rows: NominalWrite[]): Statement | undefined {
    if (rows.length === 0) return undefined;
    return {
      sql: `INSERT INTO nominal (id, version, state, published, candidate_keys, candidate_keys_seq)
       SELECT r.id, r.v, decode(r.s, 'base64'), r.p, COALESCE(r.k, '{}'),
              CASE WHEN r.k IS NOT NULL THEN nextval('nominal_candidate_keys_seq') END
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, v bigint, s text, p boolean, k text[])
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state,
         published = EXCLUDED.published, updated_at = now(),
         candidate_keys = CASE WHEN EXCLUDED.candidate_keys_seq IS NULL
           THEN nominal.candidate_keys ELSE EXCLUDED.candidate_keys END,
         candidate_keys_seq = COALESCE(EXCLUDED.candidate_keys_seq, nominal.candidate_keys_seq)`,
      params: [
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            v: r.version,
            s: Buffer.from(NominalState.encode(r.state).finish()).toString('base64'),
            p: r.published,
            k: r.candidateKeys ?? null,
          })),
        ),
      ],
    };
  }

  /**
   * Nominals merged into another: withdrawn, their records re-pointed to the survivor, their
   * candidate keys cleared (the survivor's are written with it; identifier keys: deleteKeys).
   */
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
      `UPDATE nominal n SET merged_into = a.survivor, withdrawn_at = now(), version = a.version, published = false, updated_at = now(),
              candidate_keys = '{}', candidate_keys_seq = nextval('nominal_candidate_keys_seq')
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
   * untouched): identifier keys as `nominal_key` rows, candidate keys (`blk:`) on the nominal's
   * row with a new stamp. Every nominal in `keys` must be in `nominalIds`, each pair given once.
   */
  async replaceKeys(
    tx: Sql,
    nominalIds: string[],
    keys: Array<{ key: string; nominalId: string }>,
  ): Promise<void> {
    await this.deleteKeys(tx, nominalIds);
    await runCombined(tx, [
      this.insertKeysStatement(keys.filter((k) => !k.key.startsWith(CANDIDATE_KEY_PREFIX))),
    ]);
    if (nominalIds.length === 0) return;
    const candidate = new Map<string, string[]>(nominalIds.map((id) => [id, []]));
    for (const k of keys)
      if (k.key.startsWith(CANDIDATE_KEY_PREFIX)) candidate.get(k.nominalId)?.push(k.key);
    await tx.query(
      `UPDATE nominal n SET candidate_keys = r.k,
              candidate_keys_seq = nextval('nominal_candidate_keys_seq')
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, k text[]) WHERE n.id = r.id`,
      [JSON.stringify([...candidate].map(([id, k]) => ({ id, k })))],
    );
  }

  /** Drops every identifier key of the nominals (`nominal_key` rows). */
  async deleteKeys(tx: Sql, nominalIds: string[]): Promise<void> {
    if (nominalIds.length === 0) return;
    await tx.query(`DELETE FROM nominal_key WHERE nominal_id = ANY($1::uuid[])`, [nominalIds]);
  }

  /**
   * Identifier keys for nominals that hold none (new, or just cleared by deleteKeys), each pair
   * once; candidate keys (`blk:`) are not rows and must not be given. No ON CONFLICT: a conflict would be a bug, so it fails rather than hides it.
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
