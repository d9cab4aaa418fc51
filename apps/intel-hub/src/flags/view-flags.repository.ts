import type { FlagType, RecordRef } from '@intel/contracts';
import type { Sql } from '@intel/db';
import type { DerivedFlag } from './derive-flags';

/** A flag as stored for one view, with when it first appeared in that view. */
export interface ViewFlag extends DerivedFlag {
  raisedAt: Date;
}

/** A person's flags per view (viewer '' = public view; else the C owner's force code). */
export type PersonViews<T> = Map<string, T>;

/**
 * `person_flag_view`: each person's flags per view, derived from that view's records alone
 * (`@intel/disclosure`), each dated from when it first appeared in that view.
 */
export class ViewFlagsRepository {
  /** The flag types each view of these persons had before this change. */
  async before(tx: Sql, personIds: string[]): Promise<Map<string, PersonViews<Set<FlagType>>>> {
    const out = new Map<string, PersonViews<Set<FlagType>>>();
    if (personIds.length === 0) return out;
    const rows = await tx.query<Array<{ person_id: string; viewer: string; flag_type: FlagType }>>(
      `SELECT person_id, viewer, flag_type FROM person_flag_view WHERE person_id = ANY($1::uuid[])`,
      [personIds],
    );
    for (const r of rows) {
      let views = out.get(r.person_id);
      if (!views) out.set(r.person_id, (views = new Map<string, Set<FlagType>>()));
      let types = views.get(r.viewer);
      if (!types) views.set(r.viewer, (types = new Set()));
      types.add(r.flag_type);
    }
    return out;
  }

  /**
   * Replaces the per-view flags of these persons, keeping the first-raised time of a flag that
   * stays in its view. Every view is returned (an empty one too: which views a person has is
   * what tells a C owner's view from the public one). `fresh`: the persons were created in this
   * transaction, so nothing is stored for them to replace.
   */
  async write(
    tx: Sql,
    persons: { personId: string; views: PersonViews<DerivedFlag[]> }[],
    at: Date,
    fresh = false,
  ): Promise<Map<string, PersonViews<ViewFlag[]>>> {
    const out = new Map<string, PersonViews<ViewFlag[]>>();
    if (persons.length === 0) return out;
    const flat = persons.flatMap((p) =>
      [...p.views].flatMap(([viewer, flags]) => flags.map((f) => ({ p: p.personId, viewer, f }))),
    );
    if (!fresh)
      await tx.query(
        `DELETE FROM person_flag_view v WHERE v.person_id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[], $3::text[], $4::text[]) AS k(p, w, t)
                       WHERE k.p = v.person_id AND k.w = v.viewer AND k.t = v.flag_type)`,
        [
          persons.map((p) => p.personId),
          flat.map((x) => x.p),
          flat.map((x) => x.viewer),
          flat.map((x) => x.f.type),
        ],
      );
    const raised = new Map<string, Date>();
    if (flat.length > 0) {
      const rows = await tx.query<
        Array<{ person_id: string; viewer: string; flag_type: string; raised_at: Date }>
      >(
        `INSERT INTO person_flag_view (person_id, viewer, flag_type, reason, evidence, raised_at)
         SELECT p, w, t, r, e, $6
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS x(p, w, t, r, e)
         ON CONFLICT (person_id, viewer, flag_type) DO UPDATE
           SET reason = EXCLUDED.reason, evidence = EXCLUDED.evidence
         RETURNING person_id, viewer, flag_type, raised_at`,
        [
          flat.map((x) => x.p),
          flat.map((x) => x.viewer),
          flat.map((x) => x.f.type),
          flat.map((x) => x.f.reason),
          flat.map((x) => JSON.stringify(x.f.evidence)),
          at,
        ],
      );
      for (const r of rows) raised.set(`${r.person_id}/${r.viewer}/${r.flag_type}`, r.raised_at);
    }
    for (const p of persons) {
      const views: PersonViews<ViewFlag[]> = new Map();
      for (const [viewer, flags] of p.views)
        views.set(
          viewer,
          flags.map((f) => ({
            ...f,
            raisedAt: raised.get(`${p.personId}/${viewer}/${f.type}`) ?? at,
          })),
        );
      out.set(p.personId, views);
    }
    return out;
  }

  /** Drops the flags of persons that ended (merged away or retired). */
  async forget(tx: Sql, personIds: string[]): Promise<void> {
    if (personIds.length === 0) return;
    await tx.query(`DELETE FROM person_flag_view WHERE person_id = ANY($1::uuid[])`, [personIds]);
  }

  /** Up to `limit` persons whose views were never derived per view (the upgrade's list). */
  async underived(tx: Sql, limit: number): Promise<string[]> {
    const rows = await tx.query<Array<{ person_id: string }>>(
      `SELECT person_id FROM person_view_underived ORDER BY person_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.person_id);
  }

  /** Takes these persons off the upgrade's list (their views are derived, or they ended). */
  async derived(tx: Sql, personIds: string[]): Promise<void> {
    if (personIds.length === 0) return;
    await tx.query(`DELETE FROM person_view_underived WHERE person_id = ANY($1::uuid[])`, [
      personIds,
    ]);
  }

  /**
   * Every person's per-view flags (loading the index), or those of `personIds` only (bringing a
   * snapshot up to date); a person without flags is left out.
   */
  async all(tx: Sql, personIds?: string[]): Promise<Map<string, PersonViews<ViewFlag[]>>> {
    const rows = await tx.query<
      Array<{
        person_id: string;
        viewer: string;
        flag_type: FlagType;
        reason: string;
        evidence: RecordRef[];
        raised_at: Date;
      }>
    >(
      `SELECT person_id, viewer, flag_type, reason, evidence, raised_at FROM person_flag_view` +
        (personIds ? ` WHERE person_id = ANY($1::uuid[])` : ''),
      personIds ? [personIds] : [],
    );
    const out = new Map<string, PersonViews<ViewFlag[]>>();
    for (const r of rows) {
      let views = out.get(r.person_id);
      if (!views) out.set(r.person_id, (views = new Map<string, ViewFlag[]>()));
      views.set(r.viewer, [
        ...(views.get(r.viewer) ?? []),
        { type: r.flag_type, reason: r.reason, evidence: r.evidence, raisedAt: r.raised_at },
      ]);
    }
    return out;
  }
}
