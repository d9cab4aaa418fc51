import type { Sql } from '@intel/db';
import type { HubEvent } from './hub-event';
import { versionKey } from './version-bounds';

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
 * The hub's copy of force state (force_nominal, force_incident) and the applied event ids.
 * Set-based: a few statements per batch, whatever its size (catch-up from the beginning of a
 * topic is the hub's common case).
 */
export class HubStoreRepository {
  /** Records the event ids; returns those not processed before (redeliveries are left out). */
  async markProcessed(tx: Sql, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await tx.query<Array<{ event_id: string }>>(
      `INSERT INTO processed_event (event_id) SELECT unnest($1::uuid[])
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventIds],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /** The stored version of each entity the events touch (withdrawn ones included), by versionKey. */
  async currentVersions(tx: Sql, events: HubEvent[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const nominals = events.filter(isNominal);
    const incidents = events.filter((e) => !isNominal(e));
    if (nominals.length > 0) {
      const rows = await tx.query<Array<{ f: string; i: string; v: string }>>(
        `SELECT n.force_code AS f, n.nominal_id AS i, n.version AS v
         FROM force_nominal n JOIN unnest($1::text[], $2::text[]) AS t(f, i)
           ON n.force_code = t.f AND n.nominal_id = t.i`,
        [nominals.map((e) => e.forceCode), nominals.map((e) => e.id)],
      );
      for (const r of rows)
        out.set(versionKey({ kind: 'nominal-upserted', forceCode: r.f, id: r.i }), Number(r.v));
    }
    if (incidents.length > 0) {
      const rows = await tx.query<Array<{ f: string; i: string; v: string }>>(
        `SELECT n.force_code AS f, n.incident_id AS i, n.version AS v
         FROM force_incident n JOIN unnest($1::text[], $2::text[]) AS t(f, i)
           ON n.force_code = t.f AND n.incident_id = t.i`,
        [incidents.map((e) => e.forceCode), incidents.map((e) => e.id)],
      );
      for (const r of rows)
        out.set(versionKey({ kind: 'incident-upserted', forceCode: r.f, id: r.i }), Number(r.v));
    }
    return out;
  }

  /**
   * Applies each entity's newest event when its version is newer than the stored one: an older
   * or equal version changes nothing. A withdrawal keeps the row (version, withdrawn_at) and
   * drops the state (MoPI: every copy must go); a newer upsert brings it back.
   */
  async apply(tx: Sql, events: HubEvent[], at: Date): Promise<ApplyResult> {
    const { newest, superseded } = newestPerEntity(events);
    const applied: HubEvent[] = [];
    const nominals = newest.filter(isNominal);
    const incidents = newest.filter((e) => !isNominal(e));
    if (nominals.length > 0) {
      const rows = await tx.query<Array<{ force_code: string; nominal_id: string }>>(
        `INSERT INTO force_nominal (force_code, nominal_id, version, state, withdrawn_at, updated_at)
         SELECT f, i, v, s, CASE WHEN w THEN $6::timestamptz END, $6::timestamptz
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[], $5::boolean[]) AS t(f, i, v, s, w)
         ON CONFLICT (force_code, nominal_id) DO UPDATE
           SET version = EXCLUDED.version, state = EXCLUDED.state,
               withdrawn_at = EXCLUDED.withdrawn_at, updated_at = EXCLUDED.updated_at
           WHERE force_nominal.version < EXCLUDED.version
         RETURNING force_code, nominal_id`,
        [
          nominals.map((e) => e.forceCode),
          nominals.map((e) => e.id),
          nominals.map((e) => e.version),
          nominals.map((e) => (e.kind === 'nominal-upserted' ? e.state : null)),
          nominals.map((e) => e.kind === 'nominal-withdrawn'),
          at,
        ],
      );
      const done = new Set(rows.map((r) => `n:${r.force_code}:${r.nominal_id}`));
      for (const e of nominals) (done.has(entityKey(e)) ? applied : superseded).push(e);
    }
    if (incidents.length > 0) {
      const rows = await tx.query<Array<{ force_code: string; incident_id: string }>>(
        `INSERT INTO force_incident
           (force_code, incident_id, version, state, shared_reference, withdrawn_at, updated_at)
         SELECT f, i, v, s, r, CASE WHEN w THEN $7::timestamptz END, $7::timestamptz
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[], $5::text[], $6::boolean[])
           AS t(f, i, v, s, r, w)
         ON CONFLICT (force_code, incident_id) DO UPDATE
           SET version = EXCLUDED.version, state = EXCLUDED.state,
               shared_reference = EXCLUDED.shared_reference,
               withdrawn_at = EXCLUDED.withdrawn_at, updated_at = EXCLUDED.updated_at
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
        ],
      );
      const done = new Set(rows.map((r) => `i:${r.force_code}:${r.incident_id}`));
      for (const e of incidents) (done.has(entityKey(e)) ? applied : superseded).push(e);
    }
    return { applied, stale: superseded };
  }
}
