import {
  Alert,
  HandlingCode,
  IncidentState,
  NominalState,
  type FlagType,
  type SubjectRole,
} from '@intel/contracts';
import { canCopy, type Sql } from '@intel/db';
import type { MatchParameters, RestoredLink } from '@intel/matching';
import type { IncidentLike } from '@intel/disclosure';
import { withAlertId, type AlertDraft } from '../alerts/alert-plan';
import { alertColumns } from '../alerts/consultation-alert-rows';
import type { DerivedFlag, IncidentView, MemberView } from '../flags/derive-flags';
import { uniqueLinks, type StoredLink } from './link-pairs';
import { memberKey, splitMemberKey, type MemberKey } from './member-key';

export interface QueuedEntity {
  entity: 'nominal' | 'incident';
  forceCode: string;
  id: string;
  /** Came by the priority lane (`intel.priority.v1`): resolved ahead of the batch queue. */
  priority?: boolean;
}

export interface StoredFlag extends DerivedFlag {
  raisedAt: Date;
}

export type { StoredLink };

/** A nominal's state decoded, and as stored (protobuf), which the index keeps. */
export interface StoredState {
  state: NominalState;
  encoded: Buffer;
}

/** The matching parameters the index was built with (`matching_parameters`, latest row). */
export interface SavedParameters {
  source: 'index' | 'reference';
  nominals: number;
  parameters: MatchParameters;
}

/** A person as a read of it finds it in the database (NationalStoreRepository.personRead). */
export interface PersonRead {
  /** The person's id now (the one asked for, or the one it was merged into). */
  id: string;
  createdAt: Date;
  incidents: IncidentLike[];
  /** The ids merged into it, oldest first. */
  mergedFrom: string[];
}

/**
 * The fewest persons created at once that are written by COPY (when the connection allows:
 * `Sql.copy`) rather than in one `INSERT … SELECT FROM unnest(…)`.
 */
export const COPY_MIN_ROWS = 1_000;

/** Everything the national index keeps in PostgreSQL, in set-based statements. */
export class NationalStoreRepository {
  async enqueue(tx: Sql, entities: QueuedEntity[]): Promise<void> {
    if (entities.length === 0) return;
    await tx.query(
      `INSERT INTO resolution_queue (entity, force_code, id, priority)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])
       ON CONFLICT (entity, force_code, id) DO UPDATE
         SET priority = resolution_queue.priority OR EXCLUDED.priority`,
      [
        entities.map((e) => e.entity),
        entities.map((e) => e.forceCode),
        entities.map((e) => e.id),
        entities.map((e) => e.priority === true),
      ],
    );
  }

  /** Moves entities already queued to the front (the priority lane); others are untouched. */
  async prioritise(tx: Sql, entities: QueuedEntity[]): Promise<void> {
    if (entities.length === 0) return;
    await tx.query(
      `UPDATE resolution_queue q SET priority = true
       FROM unnest($1::text[], $2::text[], $3::text[]) AS t(e, f, i)
       WHERE q.entity = t.e AND q.force_code = t.f AND q.id = t.i AND NOT q.priority`,
      [entities.map((e) => e.entity), entities.map((e) => e.forceCode), entities.map((e) => e.id)],
    );
  }

  /**
   * Claims up to `limit` queued entities (other hub processes skip them), oldest first in a
   * total order: a batch cut in halves (batch-isolation) takes the same entities again. While
   * entities of the priority lane are queued, a batch holds those alone: it is small, so an
   * immediate-risk incident's alerts are not held back by thousands of bulk entities resolved
   * in the same transaction.
   */
  async claimQueue(tx: Sql, limit: number): Promise<QueuedEntity[]> {
    type Row = { entity: 'nominal' | 'incident'; force_code: string; id: string };
    let rows = await tx.query<Row[]>(
      `SELECT entity, force_code, id FROM resolution_queue WHERE priority
       ORDER BY queued_at, entity, force_code, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length === 0)
      rows = await tx.query<Row[]>(
        `SELECT entity, force_code, id FROM resolution_queue
         ORDER BY queued_at, entity, force_code, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
    return rows.map((r) => ({ entity: r.entity, forceCode: r.force_code, id: r.id }));
  }

  async dequeue(tx: Sql, entities: QueuedEntity[]): Promise<void> {
    if (entities.length === 0) return;
    await tx.query(
      `DELETE FROM resolution_queue q USING unnest($1::text[], $2::text[], $3::text[]) AS t(e, f, i)
       WHERE q.entity = t.e AND q.force_code = t.f AND q.id = t.i`,
      [entities.map((e) => e.entity), entities.map((e) => e.forceCode), entities.map((e) => e.id)],
    );
  }

  /**
   * Sets entities aside after their resolution failed for a reason of their own (isolated to
   * each alone): off the queue, into `resolution_set_aside` with the error's class.
   */
  async setAside(tx: Sql, entities: QueuedEntity[], errorClass: string): Promise<void> {
    if (entities.length === 0) return;
    const cols = [
      entities.map((e) => e.entity),
      entities.map((e) => e.forceCode),
      entities.map((e) => e.id),
    ];
    await tx.query(
      `INSERT INTO resolution_set_aside (entity, force_code, id, error_class)
       SELECT * , $4::text FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (entity, force_code, id) DO UPDATE
         SET attempts = resolution_set_aside.attempts + 1, error_class = EXCLUDED.error_class,
             last_failed = now()`,
      [...cols, errorClass],
    );
    await this.dequeue(tx, entities);
  }

  /** Entities resolved after all (a newer version, or re-queued) are no longer set aside. */
  async clearSetAside(tx: Sql, entities: QueuedEntity[]): Promise<void> {
    if (entities.length === 0) return;
    await tx.query(
      `DELETE FROM resolution_set_aside s USING unnest($1::text[], $2::text[], $3::text[]) AS t(e, f, i)
       WHERE s.entity = t.e AND s.force_code = t.f AND s.id = t.i`,
      [entities.map((e) => e.entity), entities.map((e) => e.forceCode), entities.map((e) => e.id)],
    );
  }

  /** Puts every entity set aside back on the queue (operators, after a fix); returns how many. */
  async requeueSetAside(tx: Sql): Promise<number> {
    const rows = await tx.query<unknown[]>(
      `WITH moved AS (DELETE FROM resolution_set_aside RETURNING entity, force_code, id)
       INSERT INTO resolution_queue (entity, force_code, id)
       SELECT entity, force_code, id FROM moved ON CONFLICT DO NOTHING
       RETURNING 1`,
    );
    return rows.length;
  }

  /** Age of the queue's oldest entity (ms, 0 when empty) and how many entities are set aside. */
  async resolutionBacklog(tx: Sql): Promise<{ headAgeMs: number; setAside: number }> {
    const [row] = await tx.query<Array<{ age_ms: number | null; set_aside: string }>>(
      `SELECT (SELECT extract(epoch FROM now() - min(queued_at)) * 1000 FROM resolution_queue)::float8
                AS age_ms,
              (SELECT count(*) FROM resolution_set_aside) AS set_aside`,
    );
    return { headAgeMs: Math.max(0, row?.age_ms ?? 0), setAside: Number(row?.set_aside ?? 0) };
  }

  /**
   * The fence: a resolution transaction goes on only while the leadership epoch is the one its
   * hub took. FOR SHARE makes a new leader's epoch bump wait for this transaction, so nothing
   * a deposed hub resolves can commit after its successor has started loading.
   */
  async leadershipEpoch(tx: Sql): Promise<number | undefined> {
    const rows = await tx.query<Array<{ epoch: string }>>(
      `SELECT epoch::text FROM hub_leadership WHERE id = 1 FOR SHARE`,
    );
    return rows[0] ? Number(rows[0].epoch) : undefined;
  }

  async queueLength(tx: Sql): Promise<number> {
    const [row] = await tx.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM resolution_queue`,
    );
    return Number(row?.n ?? 0);
  }

  /** Current states of nominals, decoded and as stored (null when withdrawn or unknown). */
  async nominalStates(tx: Sql, keys: MemberKey[]): Promise<Map<MemberKey, StoredState | null>> {
    const out = new Map<MemberKey, StoredState | null>(keys.map((k) => [k, null]));
    if (keys.length === 0) return out;
    const parts = keys.map(splitMemberKey);
    const rows = await tx.query<
      Array<{ force_code: string; nominal_id: string; state: Buffer | null }>
    >(
      `SELECT n.force_code, n.nominal_id, n.state
       FROM force_nominal n JOIN unnest($1::text[], $2::text[]) AS t(f, i)
         ON n.force_code = t.f AND n.nominal_id = t.i`,
      [parts.map((p) => p.forceCode), parts.map((p) => p.nominalId)],
    );
    for (const r of rows)
      out.set(
        memberKey(r.force_code, r.nominal_id),
        r.state ? { state: NominalState.decode(r.state), encoded: r.state } : null,
      );
    return out;
  }

  /**
   * Live nominals in key order, a page at a time (rebuilding the index), as stored: the caller
   * decodes each when it needs it, so that a load holds no decoded state for long.
   */
  async nominalPage(
    tx: Sql,
    after: { forceCode: string; nominalId: string } | undefined,
    limit: number,
  ): Promise<{ key: MemberKey; encoded: Buffer }[]> {
    const rows = await tx.query<Array<{ force_code: string; nominal_id: string; state: Buffer }>>(
      `SELECT force_code, nominal_id, state FROM force_nominal
       WHERE state IS NOT NULL AND (force_code, nominal_id) > ($1, $2)
       ORDER BY force_code, nominal_id LIMIT $3`,
      [after?.forceCode ?? '', after?.nominalId ?? '', limit],
    );
    return rows.map((r) => ({ key: memberKey(r.force_code, r.nominal_id), encoded: r.state }));
  }

  /**
   * Replaces the subjects recorded for incidents from their current state (none once withdrawn);
   * returns every nominal named before or after, whose persons must be recomputed.
   */
  async replaceIncidentSubjects(
    tx: Sql,
    incidents: { forceCode: string; id: string }[],
  ): Promise<MemberKey[]> {
    if (incidents.length === 0) return [];
    const forces = incidents.map((i) => i.forceCode);
    const ids = incidents.map((i) => i.id);
    const old = await tx.query<Array<{ force_code: string; nominal_id: string }>>(
      `DELETE FROM incident_subject s USING unnest($1::text[], $2::text[]) AS t(f, i)
       WHERE s.force_code = t.f AND s.incident_id = t.i
       RETURNING s.force_code, s.nominal_id`,
      [forces, ids],
    );
    const states = await tx.query<
      Array<{ force_code: string; incident_id: string; state: Buffer }>
    >(
      `SELECT n.force_code, n.incident_id, n.state
       FROM force_incident n JOIN unnest($1::text[], $2::text[]) AS t(f, i)
         ON n.force_code = t.f AND n.incident_id = t.i
       WHERE n.state IS NOT NULL`,
      [forces, ids],
    );
    const rows: { f: string; i: string; n: string; r: string }[] = [];
    for (const s of states) {
      const inc = IncidentState.decode(s.state);
      for (const sub of inc.subjects)
        if (sub.nominalId)
          rows.push({ f: s.force_code, i: s.incident_id, n: sub.nominalId, r: sub.role });
    }
    if (rows.length > 0)
      await tx.query(
        `INSERT INTO incident_subject (force_code, incident_id, nominal_id, role)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
        [rows.map((r) => r.f), rows.map((r) => r.i), rows.map((r) => r.n), rows.map((r) => r.r)],
      );
    return [
      ...new Set([
        ...old.map((o) => memberKey(o.force_code, o.nominal_id)),
        ...rows.map((r) => memberKey(r.f, r.n)),
      ]),
    ];
  }

  /** Creates persons; returns each new id's creation seq. */
  async createPersons(
    tx: Sql,
    created: { personId: string; splitFrom: string | undefined }[],
    at: Date,
  ): Promise<Map<string, number>> {
    if (created.length === 0) return new Map();
    if (canCopy(tx) && created.length >= COPY_MIN_ROWS) return this.copyPersons(tx, created, at);
    const rows = await tx.query<Array<{ person_id: string; seq: string }>>(
      `INSERT INTO national_person (person_id, split_from, created_at)
       SELECT p, s, $3 FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS t(p, s, o) ORDER BY o
       RETURNING person_id, seq`,
      [created.map((c) => c.personId), created.map((c) => c.splitFrom ?? null), at],
    );
    await tx.query(
      `INSERT INTO person_history (person_id, kind, other_person, at)
       SELECT p, CASE WHEN s IS NULL THEN 'created' ELSE 'split' END, s, $3
       FROM unnest($1::uuid[], $2::uuid[]) AS t(p, s)`,
      [created.map((c) => c.personId), created.map((c) => c.splitFrom ?? null), at],
    );
    return new Map(rows.map((r) => [r.person_id, Number(r.seq)]));
  }

  /**
   * `createPersons` in bulk: the creation seqs taken from the sequence first (in creation order),
   * then the persons and their history written by COPY.
   */
  private async copyPersons(
    tx: Sql & Required<Pick<Sql, 'copy'>>,
    created: { personId: string; splitFrom: string | undefined }[],
    at: Date,
  ): Promise<Map<string, number>> {
    const taken = await tx.query<Array<{ seq: string }>>(
      `SELECT nextval(pg_get_serial_sequence('national_person', 'seq'))::text AS seq
       FROM generate_series(1, $1)`,
      [created.length],
    );
    const seqs = taken.map((r) => Number(r.seq)).sort((x, y) => x - y);
    await tx.copy(
      'national_person (person_id, seq, split_from, created_at)',
      created.map((c, i) => [c.personId, seqs[i], c.splitFrom ?? null, at]),
    );
    await tx.copy(
      'person_history (person_id, kind, other_person, at)',
      created.map((c) => [c.personId, c.splitFrom ? 'split' : 'created', c.splitFrom ?? null, at]),
    );
    return new Map(created.map((c, i) => [c.personId, seqs[i] as number]));
  }

  async endPersons(
    tx: Sql,
    merged: { from: string; into: string }[],
    retired: string[],
    at: Date,
  ): Promise<void> {
    if (merged.length > 0) {
      await tx.query(
        `UPDATE national_person p SET merged_into = t.i
         FROM unnest($1::uuid[], $2::uuid[]) AS t(f, i) WHERE p.person_id = t.f`,
        [merged.map((m) => m.from), merged.map((m) => m.into)],
      );
      await tx.query(
        `INSERT INTO person_history (person_id, kind, other_person, at)
         SELECT i, 'merged', f, $3 FROM unnest($1::uuid[], $2::uuid[]) AS t(f, i)`,
        [merged.map((m) => m.from), merged.map((m) => m.into), at],
      );
    }
    if (retired.length > 0) {
      await tx.query(
        `UPDATE national_person SET retired_at = $2 WHERE person_id = ANY($1::uuid[])`,
        [retired, at],
      );
      await tx.query(
        `INSERT INTO person_history (person_id, kind, at) SELECT unnest($1::uuid[]), 'retired', $2`,
        [retired, at],
      );
    }
    const ended = [...merged.map((m) => m.from), ...retired];
    if (ended.length > 0) {
      await tx.query(`DELETE FROM person_flag WHERE person_id = ANY($1::uuid[])`, [ended]);
      await tx.query(`DELETE FROM person_incident WHERE person_id = ANY($1::uuid[])`, [ended]);
    }
  }

  /**
   * Ends the memberships of `unassign` and sets those of `assign`. `fresh`: none of `assign`'s
   * members has a membership yet (a first start: the table is empty), so they are written by
   * COPY when there are COPY_MIN_ROWS or more; a membership there after all fails the COPY on
   * its key, and the transaction with it.
   */
  async setMembers(
    tx: Sql,
    assign: Map<MemberKey, string>,
    unassign: MemberKey[],
    at: Date,
    fresh = false,
  ) {
    if (unassign.length > 0) {
      const parts = unassign.map(splitMemberKey);
      await tx.query(
        `DELETE FROM person_member m USING unnest($1::text[], $2::text[]) AS t(f, i)
         WHERE m.force_code = t.f AND m.nominal_id = t.i`,
        [parts.map((p) => p.forceCode), parts.map((p) => p.nominalId)],
      );
    }
    if (fresh && canCopy(tx) && assign.size >= COPY_MIN_ROWS) {
      await tx.copy(
        'person_member (force_code, nominal_id, person_id, linked_at)',
        (function* () {
          for (const [k, p] of assign) {
            const { forceCode, nominalId } = splitMemberKey(k);
            yield [forceCode, nominalId, p, at];
          }
        })(),
      );
      return;
    }
    if (assign.size > 0) {
      const entries = [...assign].map(([k, p]) => ({ ...splitMemberKey(k), p }));
      await tx.query(
        `INSERT INTO person_member (force_code, nominal_id, person_id, linked_at)
         SELECT f, i, p, $4 FROM unnest($1::text[], $2::text[], $3::uuid[]) AS t(f, i, p)
         ON CONFLICT (force_code, nominal_id) DO UPDATE
           SET person_id = EXCLUDED.person_id, linked_at = EXCLUDED.linked_at`,
        [
          entries.map((e) => e.forceCode),
          entries.map((e) => e.nominalId),
          entries.map((e) => e.p),
          at,
        ],
      );
    }
  }

  /** Drops the links of re-scored or removed nominals and stores the new ones. */
  async replaceLinks(tx: Sql, rescored: MemberKey[], links: StoredLink[], at: Date) {
    if (rescored.length > 0)
      await tx.query(
        `DELETE FROM person_link WHERE member_a = ANY($1::text[]) OR member_b = ANY($1::text[])`,
        [rescored],
      );
    if (links.length === 0) return;
    // One row per pair: both ends of a link re-scored in one batch report it twice.
    const norm = uniqueLinks(links);
    await tx.query(
      `INSERT INTO person_link (member_a, member_b, score, band, explanation, decided_at)
       SELECT a, b, s, d, e, $6 FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::jsonb[])
         AS t(a, b, s, d, e)
       ON CONFLICT (member_a, member_b) DO UPDATE
         SET score = EXCLUDED.score, band = EXCLUDED.band, explanation = EXCLUDED.explanation,
             decided_at = EXCLUDED.decided_at`,
      [
        norm.map((l) => l.a),
        norm.map((l) => l.b),
        norm.map((l) => l.score),
        norm.map((l) => l.band),
        norm.map((l) => JSON.stringify(l.explanation)),
        at,
      ],
    );
  }

  /** Every stored link, as the index restores them (member keys and scores only). */
  async allLinks(tx: Sql): Promise<RestoredLink[]> {
    const rows = await tx.query<Array<{ member_a: string; member_b: string; score: number }>>(
      `SELECT member_a, member_b, score FROM person_link`,
    );
    return rows.map((r) => ({ a: r.member_a, b: r.member_b, score: r.score }));
  }

  /** Replaces every stored link (the index was rebuilt by scoring every nominal again). */
  async replaceAllLinks(tx: Sql, links: Iterable<StoredLink>, at: Date): Promise<void> {
    await tx.query(`DELETE FROM person_link`);
    if (canCopy(tx)) {
      // Streamed as they come: each pair once (`links` gives each once), in canonical order.
      await tx.copy(
        'person_link (member_a, member_b, score, band, explanation, decided_at)',
        (function* () {
          for (const l of links) {
            const [a, b] = l.a <= l.b ? [l.a, l.b] : [l.b, l.a];
            yield [a, b, l.score, l.band, JSON.stringify(l.explanation), at];
          }
        })(),
      );
      return;
    }
    let page: StoredLink[] = [];
    for (const l of links) {
      page.push(l);
      if (page.length === 5_000) {
        await this.replaceLinks(tx, [], page, at);
        page = [];
      }
    }
    await this.replaceLinks(tx, [], page, at);
  }

  /** How many live nominals the hub holds. */
  async nominalCount(tx: Sql): Promise<number> {
    const rows = await tx.query<{ n: string }[]>(`SELECT count(*)::text AS n FROM force_nominal`);
    return Number(rows[0]?.n ?? 0);
  }

  async savedParameters(tx: Sql): Promise<SavedParameters | undefined> {
    const rows = await tx.query<
      Array<{ source: 'index' | 'reference'; nominals: number; parameters: string }>
    >(
      `SELECT source, nominals, parameters::text AS parameters FROM matching_parameters
       ORDER BY id DESC LIMIT 1`,
    );
    const r = rows[0];
    return (
      r && {
        source: r.source,
        nominals: r.nominals,
        parameters: JSON.parse(r.parameters) as MatchParameters,
      }
    );
  }

  async saveParameters(tx: Sql, saved: SavedParameters): Promise<void> {
    await tx.query(
      `INSERT INTO matching_parameters (source, nominals, parameters) VALUES ($1, $2, $3::json)`,
      [saved.source, saved.nominals, JSON.stringify(saved.parameters)],
    );
  }

  /** Incidents naming any of `members`, with the roles they hold in each. */
  async incidentsOf(tx: Sql, members: MemberKey[]): Promise<Map<MemberKey, IncidentView[]>> {
    const out = new Map<MemberKey, IncidentView[]>();
    if (members.length === 0) return out;
    const parts = members.map(splitMemberKey);
    const rows = await tx.query<
      Array<{
        force_code: string;
        incident_id: string;
        nominal_id: string;
        roles: string[];
        state: Buffer;
      }>
    >(
      `SELECT s.force_code, s.incident_id, s.nominal_id, array_agg(s.role) AS roles, i.state
       FROM incident_subject s
       JOIN unnest($1::text[], $2::text[]) AS t(f, n) ON s.force_code = t.f AND s.nominal_id = t.n
       JOIN force_incident i ON i.force_code = s.force_code AND i.incident_id = s.incident_id
       WHERE i.state IS NOT NULL
       GROUP BY s.force_code, s.incident_id, s.nominal_id, i.state`,
      [parts.map((p) => p.forceCode), parts.map((p) => p.nominalId)],
    );
    for (const r of rows) {
      const k = memberKey(r.force_code, r.nominal_id);
      const view: IncidentView = {
        forceCode: r.force_code,
        incidentId: r.incident_id,
        state: IncidentState.decode(r.state),
        roles: r.roles as SubjectRole[],
      };
      out.set(k, [...(out.get(k) ?? []), view]);
    }
    return out;
  }

  /** What was stored for persons before this change: their flag types and offending incidents. */
  async storedViews(
    tx: Sql,
    personIds: string[],
  ): Promise<Map<string, { flags: Set<FlagType>; incidents: Set<string> }>> {
    const out = new Map(
      personIds.map((p) => [p, { flags: new Set<FlagType>(), incidents: new Set<string>() }]),
    );
    if (personIds.length === 0) return out;
    const flags = await tx.query<Array<{ person_id: string; flag_type: FlagType }>>(
      `SELECT person_id, flag_type FROM person_flag WHERE person_id = ANY($1::uuid[])`,
      [personIds],
    );
    for (const f of flags) out.get(f.person_id)?.flags.add(f.flag_type);
    const incidents = await tx.query<
      Array<{ person_id: string; force_code: string; incident_id: string }>
    >(
      `SELECT person_id, force_code, incident_id FROM person_incident WHERE person_id = ANY($1::uuid[])`,
      [personIds],
    );
    for (const i of incidents)
      out.get(i.person_id)?.incidents.add(`${i.force_code}:${i.incident_id}`);
    return out;
  }

  /**
   * Replaces the flags of persons (keeping the first-raised time of a flag that stays) and the
   * offending incidents recorded for them, in a few statements whatever their number. `fresh`:
   * the persons were created in this transaction, so nothing is stored for them to replace.
   */
  async writeFlags(
    tx: Sql,
    persons: { personId: string; flags: DerivedFlag[]; incidents: IncidentView[] }[],
    at: Date,
    fresh = false,
  ): Promise<Map<string, StoredFlag[]>> {
    const out = new Map<string, StoredFlag[]>();
    if (persons.length === 0) return out;
    const ids = persons.map((p) => p.personId);
    const flat = persons.flatMap((p) => p.flags.map((f) => ({ p: p.personId, f })));
    if (!fresh)
      await tx.query(
        `DELETE FROM person_flag f WHERE f.person_id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[], $3::text[]) AS k(p, t)
                       WHERE k.p = f.person_id AND k.t = f.flag_type)`,
        [ids, flat.map((x) => x.p), flat.map((x) => x.f.type)],
      );
    const raised = new Map<string, Date>();
    if (flat.length > 0) {
      const rows = await tx.query<Array<{ person_id: string; flag_type: string; raised_at: Date }>>(
        `INSERT INTO person_flag (person_id, flag_type, reason, evidence, raised_at)
         SELECT p, t, r, e, $5 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) AS x(p, t, r, e)
         ON CONFLICT (person_id, flag_type) DO UPDATE
           SET reason = EXCLUDED.reason, evidence = EXCLUDED.evidence
         RETURNING person_id, flag_type, raised_at`,
        [
          flat.map((x) => x.p),
          flat.map((x) => x.f.type),
          flat.map((x) => x.f.reason),
          flat.map((x) => JSON.stringify(x.f.evidence)),
          at,
        ],
      );
      for (const r of rows) raised.set(`${r.person_id}/${r.flag_type}`, r.raised_at);
    }
    for (const p of persons)
      out.set(
        p.personId,
        p.flags.map((f) => ({ ...f, raisedAt: raised.get(`${p.personId}/${f.type}`) ?? at })),
      );
    if (!fresh)
      await tx.query(`DELETE FROM person_incident WHERE person_id = ANY($1::uuid[])`, [ids]);
    const inc = persons.flatMap((p) => p.incidents.map((i) => ({ p: p.personId, i })));
    if (inc.length > 0)
      await tx.query(
        `INSERT INTO person_incident (person_id, force_code, incident_id)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
        [inc.map((x) => x.p), inc.map((x) => x.i.forceCode), inc.map((x) => x.i.incidentId)],
      );
    return out;
  }

  /**
   * Stores alerts in one INSERT (atomic without a transaction); returns them with ids, in order.
   * `consultedBy`: the force whose consultation raised them (none for index changes).
   */
  async insertAlerts(tx: Sql, drafts: AlertDraft[], consultedBy?: string): Promise<Alert[]> {
    if (drafts.length === 0) return [];
    const ids = await tx.query<Array<{ alert_id: string }>>(
      `SELECT nextval('alert_alert_id_seq')::text AS alert_id FROM generate_series(1, $1)`,
      [drafts.length],
    );
    const alerts: Alert[] = drafts.map((d, i) => withAlertId(d, ids[i]?.alert_id ?? ''));
    await tx.query(
      `INSERT INTO alert (alert_id, recipient_force, alert_type, person_id, payload, immediate,
                          ack_due_at, escalates_alert_id, consulted_by)
       SELECT *, $9::text FROM unnest($1::bigint[], $2::text[], $3::text[], $4::uuid[], $5::bytea[],
                                      $6::boolean[], $7::timestamptz[], $8::bigint[])`,
      [alerts.map((a) => a.alertId), ...alertColumns(alerts), consultedBy ?? null],
    );
    return alerts;
  }

  /** Alerts raised by consultations in the last `withinMs`, oldest first (the quiet window). */
  async recentConsultationAlerts(
    tx: Sql,
    withinMs: number,
  ): Promise<{ consultedBy: string; alert: Alert; raisedAt: Date }[]> {
    const rows = await tx.query<Array<{ consulted_by: string; payload: Buffer; raised_at: Date }>>(
      `SELECT consulted_by, payload, raised_at FROM alert
       WHERE consulted_by IS NOT NULL AND raised_at > now() - $1 * interval '1 millisecond'
       ORDER BY alert_id`,
      [withinMs],
    );
    return rows.map((r) => ({
      consultedBy: r.consulted_by,
      alert: Alert.decode(r.payload),
      raisedAt: r.raised_at,
    }));
  }

  /** Alerts for a force after an id, oldest first; of these types only, unless none is given. */
  async alertsFor(
    tx: Sql,
    force: string,
    afterId: string,
    limit: number,
    types: readonly string[] = [],
  ): Promise<Alert[]> {
    const rows = await tx.query<Array<{ payload: Buffer }>>(
      `SELECT payload FROM alert WHERE recipient_force = $1 AND alert_id > $2::bigint
         AND (cardinality($4::text[]) = 0 OR alert_type = ANY($4::text[]))
       ORDER BY alert_id LIMIT $3`,
      [force, afterId || '0', limit, types],
    );
    return rows.map((r) => Alert.decode(r.payload));
  }

  async unpublishedAlerts(tx: Sql, limit: number): Promise<{ id: string; payload: Buffer }[]> {
    const rows = await tx.query<Array<{ alert_id: string; payload: Buffer }>>(
      `SELECT alert_id::text, payload FROM alert WHERE published_at IS NULL
       ORDER BY immediate DESC, alert_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => ({ id: r.alert_id, payload: r.payload }));
  }

  /**
   * Marks the relay's alerts published, in the relay's transaction. That transaction commits
   * without waiting for its WAL to reach the disk (`synchronous_commit` off for it alone): a
   * mark lost in a crash only has the alert published again under the same event id, which
   * consumers de-duplicate (at-least-once, as before). So a relay round takes no flush of its
   * own, and under query load, where the rounds follow each other every RELAY_ROUND_GAP_MS,
   * their flushes do not queue with the audit's durable commits that every answer waits for.
   * The alerts themselves were stored by a durable commit before the relay could read them.
   */
  async markPublished(tx: Sql, ids: string[]): Promise<void> {
    await tx.query(`SET LOCAL synchronous_commit TO OFF`);
    await tx.query(`UPDATE alert SET published_at = now() WHERE alert_id = ANY($1::bigint[])`, [
      ids,
    ]);
  }

  /** Every live person with its members, and the stored flags (loading the index). */
  async allMemberships(tx: Sql): Promise<{ personId: string; seq: number; key: MemberKey }[]> {
    return this.memberships(tx, '', []);
  }

  /** Members with their person's creation seq, for persons the clause picks. */
  private async memberships(
    tx: Sql,
    clause: string,
    params: unknown[],
  ): Promise<{ personId: string; seq: number; key: MemberKey }[]> {
    const rows = await tx.query<
      Array<{ person_id: string; seq: string; force_code: string; nominal_id: string }>
    >(
      `SELECT m.person_id, p.seq::text, m.force_code, m.nominal_id
       FROM person_member m JOIN national_person p USING (person_id) ${clause}`,
      params,
    );
    return rows.map((r) => ({
      personId: r.person_id,
      seq: Number(r.seq),
      key: memberKey(r.force_code, r.nominal_id),
    }));
  }

  /** The persons of these members (bringing a snapshot up to date). */
  async personsOfMembers(tx: Sql, keys: MemberKey[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const parts = keys.map(splitMemberKey);
    const rows = await tx.query<Array<{ person_id: string }>>(
      `SELECT DISTINCT m.person_id FROM person_member m
       JOIN unnest($1::text[], $2::text[]) AS t(f, i) ON m.force_code = t.f AND m.nominal_id = t.i`,
      [parts.map((p) => p.forceCode), parts.map((p) => p.nominalId)],
    );
    return rows.map((r) => r.person_id);
  }

  /** These persons' members, each with its person's creation seq, person by person. */
  async membershipsOf(
    tx: Sql,
    personIds: string[],
  ): Promise<{ personId: string; seq: number; key: MemberKey }[]> {
    if (personIds.length === 0) return [];
    return this.memberships(
      tx,
      'WHERE m.person_id = ANY($1::uuid[]) ORDER BY p.seq, m.force_code, m.nominal_id',
      [personIds],
    );
  }

  /** The stored links naming any of these members. */
  async linksOf(tx: Sql, keys: MemberKey[]): Promise<RestoredLink[]> {
    if (keys.length === 0) return [];
    const rows = await tx.query<Array<{ member_a: string; member_b: string; score: number }>>(
      `SELECT member_a, member_b, score FROM person_link
       WHERE member_a = ANY($1::text[]) OR member_b = ANY($1::text[])`,
      [keys],
    );
    return rows.map((r) => ({ a: r.member_a, b: r.member_b, score: r.score }));
  }

  /** The person an id now stands for, following merges (GetPerson on an old id). */
  async currentPersonId(
    tx: Sql,
    personId: string,
  ): Promise<{ id: string; createdAt: Date } | undefined> {
    const rows = await tx.query<Array<{ person_id: string; created_at: Date }>>(
      `WITH RECURSIVE chain(id, depth) AS (
         SELECT $1::uuid, 0
         UNION ALL
         SELECT p.merged_into, c.depth + 1 FROM national_person p JOIN chain c ON p.person_id = c.id
         WHERE p.merged_into IS NOT NULL AND c.depth < 100)
       SELECT p.person_id, p.created_at FROM chain c JOIN national_person p ON p.person_id = c.id
       ORDER BY c.depth DESC LIMIT 1`,
      [personId],
    );
    const r = rows[0];
    return r ? { id: r.person_id, createdAt: r.created_at } : undefined;
  }

  /**
   * Every id that stands for the same person as `personId`: the person it now is (following
   * merges up) and every id merged into that one, at any depth (the audit of a person counts
   * what was consulted under its former ids). `personId` itself, even when unknown. Bounded.
   */
  async mergedFamily(tx: Sql, personId: string, max = 1000): Promise<string[]> {
    const rows = await tx.query<Array<{ id: string }>>(
      `WITH RECURSIVE up(id, depth) AS (
         SELECT $1::uuid, 0
         UNION ALL
         SELECT p.merged_into, u.depth + 1 FROM national_person p JOIN up u ON p.person_id = u.id
         WHERE p.merged_into IS NOT NULL AND u.depth < 100),
       top AS (SELECT id FROM up ORDER BY depth DESC LIMIT 1),
       down(id, depth) AS (
         SELECT id, 0 FROM top
         UNION ALL
         SELECT p.person_id, d.depth + 1 FROM national_person p JOIN down d ON p.merged_into = d.id
         WHERE d.depth < 100)
       SELECT id::text FROM (SELECT id FROM down UNION SELECT $1::uuid) f ORDER BY id LIMIT $2`,
      [personId, max],
    );
    return rows.map((r) => r.id);
  }

  /**
   * What a read of a person (GetPerson) takes from the database, in one statement (one round
   * trip, one plan): the person `personId` now is (followed up its merges, as currentPersonId),
   * its incidents (the person's own, by force and id; a withdrawn one, with no state, is its
   * owner's alone) and the ids merged into it, oldest first. undefined: no such person.
   */
  async personRead(tx: Sql, personId: string): Promise<PersonRead | undefined> {
    const rows = await tx.query<
      Array<{
        person_id: string;
        created_at: Date;
        incident_forces: string[] | null;
        incident_ids: string[] | null;
        incident_states: Array<Buffer | null> | null;
        merged_from: string[] | null;
      }>
    >(
      `WITH RECURSIVE chain(id, depth) AS (
         SELECT $1::uuid, 0
         UNION ALL
         SELECT p.merged_into, c.depth + 1 FROM national_person p JOIN chain c ON p.person_id = c.id
         WHERE p.merged_into IS NOT NULL AND c.depth < 100),
       cur AS (
         SELECT p.person_id, p.created_at FROM chain c JOIN national_person p ON p.person_id = c.id
         ORDER BY c.depth DESC LIMIT 1)
       SELECT cur.person_id, cur.created_at, inc.forces AS incident_forces,
              inc.ids AS incident_ids, inc.states AS incident_states, m.ids AS merged_from
       FROM cur
       CROSS JOIN LATERAL (
         SELECT array_agg(p.force_code ORDER BY p.force_code, p.incident_id) AS forces,
                array_agg(p.incident_id ORDER BY p.force_code, p.incident_id) AS ids,
                array_agg(i.state ORDER BY p.force_code, p.incident_id) AS states
         FROM person_incident p JOIN force_incident i USING (force_code, incident_id)
         WHERE p.person_id = cur.person_id) inc
       CROSS JOIN LATERAL (
         SELECT array_agg(n.person_id::text ORDER BY n.seq) AS ids
         FROM national_person n WHERE n.merged_into = cur.person_id) m`,
      [personId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const states = r.incident_states ?? [];
    return {
      id: r.person_id,
      createdAt: r.created_at,
      incidents: (r.incident_ids ?? []).map((incidentId, n) => {
        const state = states[n];
        return {
          forceCode: r.incident_forces?.[n] ?? '',
          incidentId,
          // A withdrawn incident (no state) is its owner's alone: nothing says it may be shared.
          state: {
            handling: state
              ? IncidentState.decode(state).handling
              : { handlingCode: HandlingCode.HANDLING_CODE_C },
          },
        };
      }),
      mergedFrom: r.merged_from ?? [],
    };
  }

  async membersWithStates(tx: Sql, keys: MemberKey[]): Promise<MemberView[]> {
    const states = await this.nominalStates(tx, keys);
    const out: MemberView[] = [];
    for (const [k, s] of states) if (s) out.push({ ...splitMemberKey(k), state: s.state });
    return out;
  }
}
