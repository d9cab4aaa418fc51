import type { Sql } from '@intel/db';
import type { HubEvent } from './hub-event';
import { HubStoreRepository } from './hub-store.repository';

/** A transaction that records its statements and answers as if every row were newer. */
function fakeTx(
  accepted: (sql: string, params: unknown[]) => Array<Record<string, string>>,
): Sql & { calls: Array<{ sql: string; params: unknown[] }> } {
  const calls: Array<{ sql: string; params: unknown[] }> = [];
  return {
    calls,
    query: <T>(sql: string, params: unknown[] = []) => {
      calls.push({ sql, params });
      return Promise.resolve(accepted(sql, params) as T);
    },
  };
}

const upsert = (id: string, version: number, eventId = `e-${id}-${version}`): HubEvent => ({
  kind: 'nominal-upserted',
  eventId,
  forceCode: '36',
  id,
  version,
  state: Buffer.from(`state-${version}`),
});

const allRows = (sql: string, params: unknown[]) => {
  const forces = params[0] as string[];
  const ids = params[1] as string[];
  const idColumn = sql.includes('force_nominal') ? 'nominal_id' : 'incident_id';
  return forces.map((f, i) => ({ force_code: f, [idColumn]: ids[i] as string }));
};

describe('HubStoreRepository.apply', () => {
  const repo = new HubStoreRepository();
  const at = new Date('2026-11-28T12:00:00Z');

  it('writes only the newest event per entity; the rest of the batch is stale', async () => {
    const tx = fakeTx(allRows);
    const events = [upsert('a', 1), upsert('a', 3), upsert('a', 2), upsert('b', 1)];
    const r = await repo.apply(tx, events, at);
    expect(r.applied.map((e) => `${e.id}${e.version}`).sort()).toEqual(['a3', 'b1']);
    expect(r.stale.map((e) => `${e.id}${e.version}`).sort()).toEqual(['a1', 'a2']);
    expect(tx.calls).toHaveLength(1);
    expect(tx.calls[0]?.params.slice(0, 3)).toEqual([
      ['36', '36'],
      ['a', 'b'],
      [3, 1],
    ]);
    // Every handled event's id goes to its entity's row (a later copy of any is a duplicate).
    expect(tx.calls[0]?.params[6]).toEqual(['e-a-1,e-a-3,e-a-2', 'e-b-1']);
  });

  it('counts an event the database did not take (older or equal version) as stale', async () => {
    const tx = fakeTx(() => []);
    const r = await repo.apply(tx, [upsert('a', 1)], at);
    expect(r.applied).toEqual([]);
    expect(r.stale).toHaveLength(1);
    // Its id is still recorded on the entity's row.
    expect(tx.calls).toHaveLength(2);
    expect(tx.calls[1]?.sql).toContain('UPDATE force_nominal');
    expect(tx.calls[1]?.params).toEqual([['36'], ['a'], ['e-a-1']]);
  });

  it('writes a withdrawal without state, and keeps nominals and incidents apart', async () => {
    const tx = fakeTx(allRows);
    const events: HubEvent[] = [
      { kind: 'nominal-withdrawn', eventId: 'w', forceCode: '36', id: 'x', version: 2 },
      { kind: 'incident-withdrawn', eventId: 'v', forceCode: '36', id: 'x', version: 5 },
    ];
    const r = await repo.apply(tx, events, at);
    expect(r.applied).toHaveLength(2);
    expect(tx.calls).toHaveLength(2);
    const [nominalCall, incidentCall] = tx.calls;
    expect(nominalCall?.params[3]).toEqual([null]);
    expect(nominalCall?.params[4]).toEqual([true]);
    expect(incidentCall?.sql).toContain('force_incident');
    expect(incidentCall?.params[3]).toEqual([null]);
  });

  it('does nothing for an empty batch', async () => {
    const tx = fakeTx(allRows);
    expect(await repo.apply(tx, [], at)).toEqual({ applied: [], stale: [] });
    expect(await repo.currentVersions(tx, [])).toEqual(new Map());
    expect(tx.calls).toHaveLength(0);
  });
});
