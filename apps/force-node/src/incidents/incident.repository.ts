import { IncidentRecord, NominalState } from '@intel/contracts';
import type { Sql } from '@intel/db';
import type { ResolvedSubject } from './incident-state';
import { subjectRefKey } from './incident-state';

export interface ExistingIncident {
  id: string;
  sourceSystem: string;
  sourceRecordId: string;
  version: number;
  contentHash: Buffer;
  withdrawn: boolean;
}

export interface IncidentWrite {
  id: string;
  version: number;
  contentHash: Buffer;
  record: IncidentRecord;
}

/** SQL for incidents and their subjects. One method per query. */
export class IncidentRepository {
  async findBySourceKeys(
    tx: Sql,
    keys: Array<{ sourceSystem: string; sourceRecordId: string }>,
  ): Promise<ExistingIncident[]> {
    const rows = await tx.query<
      Array<{
        id: string;
        source_system: string;
        source_record_id: string;
        version: string;
        content_hash: Buffer;
        withdrawn: boolean;
      }>
    >(
      `SELECT i.id, i.source_system, i.source_record_id, i.version, i.content_hash, (i.withdrawn_at IS NOT NULL) AS withdrawn
         FROM unnest($1::text[], $2::text[]) AS k(s, r)
         JOIN incident i ON i.source_system = k.s AND i.source_record_id = k.r`,
      [keys.map((k) => k.sourceSystem), keys.map((k) => k.sourceRecordId)],
    );
    return rows.map((r) => ({
      id: r.id,
      sourceSystem: r.source_system,
      sourceRecordId: r.source_record_id,
      version: Number(r.version),
      contentHash: r.content_hash,
      withdrawn: r.withdrawn,
    }));
  }

  /** The current (last published) state of these nominals, by id. */
  async nominalStates(tx: Sql, ids: string[]): Promise<Map<string, NominalState>> {
    if (ids.length === 0) return new Map();
    const rows = await tx.query<Array<{ id: string; state: Buffer }>>(
      `SELECT id, state FROM nominal
        WHERE id = ANY($1::uuid[]) AND published AND withdrawn_at IS NULL`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, NominalState.decode(r.state)]));
  }

  /** Resolves person source keys to their nominal (live records only). */
  async resolveSubjects(
    tx: Sql,
    refs: Array<{ sourceSystem: string; sourceRecordId: string }>,
  ): Promise<Map<string, ResolvedSubject>> {
    const out = new Map<string, ResolvedSubject>();
    if (refs.length === 0) return out;
    const rows = await tx.query<
      Array<{
        source_system: string;
        source_record_id: string;
        nominal_id: string;
        category: string | null;
      }>
    >(
      `SELECT p.source_system, p.source_record_id, p.nominal_id, p.record->>'subjectCategory' AS category
         FROM unnest($1::text[], $2::text[]) AS k(s, r)
         JOIN person_record p ON p.source_system = k.s AND p.source_record_id = k.r
        WHERE p.withdrawn_at IS NULL`,
      [refs.map((k) => k.sourceSystem), refs.map((k) => k.sourceRecordId)],
    );
    for (const r of rows) {
      out.set(subjectRefKey(r.source_system, r.source_record_id), {
        nominalId: r.nominal_id,
        victimRecord: r.category === 'SUBJECT_CATEGORY_VICTIM',
      });
    }
    return out;
  }

  async upsert(tx: Sql, rows: IncidentWrite[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO incident (id, source_system, source_record_id, version, content_hash, record)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bytea[], $6::jsonb[])
       ON CONFLICT (source_system, source_record_id) DO UPDATE SET version = EXCLUDED.version,
         content_hash = EXCLUDED.content_hash, record = EXCLUDED.record,
         withdrawn_at = NULL, withdrawal_reason = NULL, updated_at = now()`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.record.sourceSystem),
        rows.map((r) => r.record.sourceRecordId),
        rows.map((r) => r.version),
        rows.map((r) => r.contentHash),
        rows.map((r) => JSON.stringify(IncidentRecord.toJSON(r.record))),
      ],
    );
    const ids = rows.map((r) => r.id);
    await tx.query(`DELETE FROM incident_subject WHERE incident_id = ANY($1::uuid[])`, [ids]);
    const subj = rows.flatMap((r) =>
      r.record.subjects.map((s, idx) => ({
        id: r.id,
        idx,
        sys: s.personSourceSystem || r.record.sourceSystem,
        rid: s.personSourceRecordId,
        role: s.role,
      })),
    );
    if (subj.length === 0) return;
    await tx.query(
      `INSERT INTO incident_subject (incident_id, idx, person_source_system, person_source_record_id, role)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[])`,
      [
        subj.map((s) => s.id),
        subj.map((s) => s.idx),
        subj.map((s) => s.sys),
        subj.map((s) => s.rid),
        subj.map((s) => s.role),
      ],
    );
  }

  /** Live incidents naming any of these person records as a subject (to republish after a merge). */
  async findLiveBySubjects(
    tx: Sql,
    refs: Array<{ sourceSystem: string; sourceRecordId: string }>,
  ): Promise<Array<{ id: string; version: number; record: IncidentRecord }>> {
    if (refs.length === 0) return [];
    const rows = await tx.query<Array<{ id: string; version: string; record: unknown }>>(
      `SELECT DISTINCT i.id, i.version, i.record
         FROM unnest($1::text[], $2::text[]) AS k(s, r)
         JOIN incident_subject s ON s.person_source_system = k.s AND s.person_source_record_id = k.r
         JOIN incident i ON i.id = s.incident_id
        WHERE i.withdrawn_at IS NULL`,
      [refs.map((k) => k.sourceSystem), refs.map((k) => k.sourceRecordId)],
    );
    return rows.map((r) => ({
      id: r.id,
      version: Number(r.version),
      record: IncidentRecord.fromJSON(r.record),
    }));
  }

  async bumpVersions(tx: Sql, rows: Array<{ id: string; version: number }>): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `UPDATE incident i SET version = v.version, updated_at = now() FROM unnest($1::uuid[], $2::bigint[]) AS v(id, version) WHERE i.id = v.id`,
      [rows.map((r) => r.id), rows.map((r) => r.version)],
    );
  }

  async markWithdrawn(tx: Sql, id: string, version: number, reason: string): Promise<void> {
    await tx.query(
      `UPDATE incident SET withdrawn_at = now(), withdrawal_reason = $3, version = $2, updated_at = now() WHERE id = $1`,
      [id, version, reason],
    );
  }
}
