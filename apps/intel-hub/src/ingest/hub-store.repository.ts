import type { Sql } from '@intel/db';
import type { HubEvent } from './hub-event';
import { versionKey } from './version-bounds';

/** What the hub holds of an entity: its version and the ids of the events handled for it. */
export interface StoredVersion {
  version: number;
  /** Empty for a row stored before event ids were kept. */
  eventIds: readonly string[];
}

export interface ApplyResult {
  /** Events that changed the store. */
  applied: HubEvent[];
  /** Events whose version was not newer than the stored one (or superseded in the batch). */
  stale: HubEvent[];
}

const isNominal = (e: HubEvent) => e.kind === 'nominal-upserted' || e.kind === 'nominal-withdrawn';
/** Nominals and incidents are keyed apart: the same id in both is two entities. */
const entityKey = (e: HubEvent) => `${isNominal(e) ? 'n' : 'i'}:${e.forceCode}:${e.id}`;

/** The newest event per entity (a later one wins a tie); the rest are stale. */
function newestPerEntity(events: HubEvent[]): { newest: HubEvent[]; superseded: HubEvent[] } {
  const best = new Map<string, HubEvent>();
  for (const e of events) {
    const cur = best.get(entityKey(e));
    if (!cur || e.version >= cur.version) best.set(entityKey(e), e);
  }
  const newest = [...best.values()];
  const keep = new Set(newest);
  return { newest, superseded: events.filter((e) => !keep.has(e)) };
}

/**
 * How many event ids a row keeps: those of its newest versions. A copy of an older event comes
 * back as stale by version instead of as a duplicate by id, and is not applied either way; the
 * bound keeps a long-lived entity's row from growing by 16 bytes with every version.
 */
export const EVENT_IDS_KEPT = 16;

/** `ids` (an SQL uuid[] expression) cut to its last EVENT_IDS_KEPT elements. */
const lastIds = (ids: string): string =>
  `(${ids})[greatest(cardinality(${ids}) - ${EVENT_IDS_KEPT - 1}, 1):]`;

/**
 * The hub's copy of force state (force_nominal, force_incident): each entity's newest version
 * and the id of the event that brought it.
 * Set-based: a few statements per batch, whatever its size (catch-up from the beginning of a
 * topic is the hub's common case).
 */
export class HubStoreRepository {
  /**
   * The stored version of each entity the events touch (withdrawn ones included), by
   * versionKey, with the ids of the events handled for it.
   */
  async currentVersions(tx: Sql, events: HubEvent[]): Promise<Map<string, StoredVersion>> {
    const out = new Map<string, StoredVersion>();
    const nominals = events.filter(isNominal);
    const incidents = events.filter((e) => !isNominal(e));
    if (nominals.length > 0) {
      const rows = await tx.query<Array<{ f: string; i: string; v: string; e: string[] }>>(
        `SELECT n.force_code AS f, n.nominal_id AS i, n.version AS v, n.event_ids::text[] AS e
         FROM force_nominal n JOIN unnest($1::text[], $2::text[]) AS t(f, i)
           ON n.force_code = t.f AND n.nominal_id = t.i`,
        [nominals.map((e) => e.forceCode), nominals.map((e) => e.id)],
      );
      for (const r of rows)
        out.set(versionKey({ kind: 'nominal-upserted', forceCode: r.f, id: r.i }), {
          version: Number(r.v),
          eventIds: r.e,
        });
    }
    if (incidents.length > 0) {
      const rows = await tx.query<Array<{ f: string; i: string; v: string; e: string[] }>>(
        `SELECT n.force_code AS f, n.incident_id AS i, n.version AS v, n.event_ids::text[] AS e
         FROM force_incident n JOIN unnest($1::text[], $2::text[]) AS t(f, i)
           ON n.force_code = t.f AND n.incident_id = t.i`,
        [incidents.map((e) => e.forceCode), incidents.map((e) => e.id)],
      );
      for (const r of rows)
        out.set(versionKey({ kind: 'incident-upserted', forceCode: r.f, id: r.i }), {
          version: Number(r.v),
          eventIds: r.e,
        });
    }
    return out;
  }

  /**
   * Applies each entity's newest event when its version is newer than the stored one: an older
   * or equal version changes nothing. A withdrawal keeps the row (version, withdrawn_at) and
   * drops the state (MoPI: every copy must go); a newer upsert brings it back. The ids of every
   * event handled for an entity (applied, superseded in the batch, or stale) are added to its
   * row's `event_ids` (the last EVENT_IDS_KEPT), so a later copy of any of them is known as a
   * duplicate.
   */
  async apply(tx: Sql, events: HubEvent[], at: Date): Promise<ApplyResult> {
    const { newest, superseded } = newestPerEntity(events);
    const idsOf = new Map<string, string[]>();
    for (const e of events) {
      const list = idsOf.get(entityKey(e)) ?? [];
      list.push(e.eventId);
      idsOf.set(entityKey(e), list);
    }
    const ids = (e: HubEvent) => (idsOf.get(entityKey(e)) ?? []).join(',');
    const applied: HubEvent[] = [];
    const notTaken: HubEvent[] = [];
    const nominals = newest.filter(isNominal);
    const incidents = newest.filter((e) => !isNominal(e));
    if (nominals.length > 0) {
      const rows = await tx.query<Array<{ force_code: string; nominal_id: string }>>(
        `INSERT INTO force_nominal
           (force_code, nominal_id, version, state, withdrawn_at, updated_at, event_ids)
         SELECT f, i, v, s, CASE WHEN w THEN $6::timestamptz END, $6::timestamptz,
                ${lastIds("string_to_array(e, ',')::uuid[]")}
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[], $5::boolean[], $7::text[])
           AS t(f, i, v, s, w, e)
         ON CONFLICT (force_code, nominal_id) DO UPDATE
           SET version = EXCLUDED.version, state = EXCLUDED.state,
               withdrawn_at = EXCLUDED.withdrawn_at, updated_at = EXCLUDED.updated_at,
               event_ids = ${lastIds('force_nominal.event_ids || EXCLUDED.event_ids')}
           WHERE force_nominal.version < EXCLUDED.version
         RETURNING force_code, nominal_id`,
        [
          nominals.map((e) => e.forceCode),
          nominals.map((e) => e.id),
          nominals.map((e) => e.version),
          nominals.map((e) => (e.kind === 'nominal-upserted' ? e.state : null)),
          nominals.map((e) => e.kind === 'nominal-withdrawn'),
          at,
          nominals.map(ids),
        ],
      );
      const done = new Set(rows.map((r) => `n:${r.force_code}:${r.nominal_id}`));
      for (const e of nominals) (done.has(entityKey(e)) ? applied : notTaken).push(e);
    }
    if (incidents.length > 0) {
      const rows = await tx.query<Array<{ force_code: string; incident_id: string }>>(
        `INSERT INTO force_incident
           (force_code, incident_id, version, state, shared_reference, withdrawn_at, updated_at,
            event_ids)
         SELECT f, i, v, s, r, CASE WHEN w THEN $7::timestamptz END, $7::timestamptz,
                ${lastIds("string_to_array(e, ',')::uuid[]")}
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[], $5::text[], $6::boolean[],
                     $8::text[])
           AS t(f, i, v, s, r, w, e)
         ON CONFLICT (force_code, incident_id) DO UPDATE
           SET version = EXCLUDED.version, state = EXCLUDED.state,
               shared_reference = EXCLUDED.shared_reference,
               withdrawn_at = EXCLUDED.withdrawn_at, updated_at = EXCLUDED.updated_at,
               event_ids = ${lastIds('force_incident.event_ids || EXCLUDED.event_ids')}
           WHERE force_incident.version < EXCLUDED.version
         RETURNING force_code, incident_id`,
        [
          incidents.map((e) => e.forceCode),
          incidents.map((e) => e.id),
          incidents.map((e) => e.version),
          incidents.map((e) => (e.kind === 'incident-upserted' ? e.state : null)),
          incidents.map((e) => (e.kind === 'incident-upserted' ? e.sharedReference : null)),
          incidents.map((e) => e.kind === 'incident-withdrawn'),
          at,
          incidents.map(ids),
        ],
      );
      const done = new Set(rows.map((r) => `i:${r.force_code}:${r.incident_id}`));
      for (const e of incidents) (done.has(entityKey(e)) ? applied : notTaken).push(e);
    }
    // Entities whose stored version was newer already: only their handled ids are added.
    await this.addEventIds(tx, notTaken, ids);
    return { applied, stale: [...superseded, ...notTaken] };
  }

  private async addEventIds(
    tx: Sql,
    entities: HubEvent[],
    ids: (e: HubEvent) => string,
  ): Promise<void> {
    for (const [table, column, list] of [
      ['force_nominal', 'nominal_id', entities.filter(isNominal)],
      ['force_incident', 'incident_id', entities.filter((e) => !isNominal(e))],
    ] as const) {
      if (list.length === 0) continue;
      await tx.query(
        `UPDATE ${table} n SET event_ids = ${lastIds("n.event_ids || string_to_array(t.e, ',')::uuid[]")}
         FROM unnest($1::text[], $2::text[], $3::text[]) AS t(f, i, e)
         WHERE n.force_code = t.f AND n.${column} = t.i`,
        [list.map((e) => e.forceCode), list.map((e) => e.id), list.map(ids)],
      );
    }
  }
}
