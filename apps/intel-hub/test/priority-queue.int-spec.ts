import { DataSource } from 'typeorm';
import {
  NationalStoreRepository,
  type QueuedEntity,
} from '../src/resolution/national-store.repository';
import { hubDatabase } from './hub-database.fixture';

// The resolution queue's priority lane on the real PostgreSQL, as the hub's own role: while
// lane entities are queued a batch holds those alone; a lane copy that arrives after its
// entity was queued from the ordinary topic moves that entity to the front.
describe('resolution queue priority (integration: real PostgreSQL, the hub role)', () => {
  const hub = hubDatabase('it_priority_queue');
  const store = new NationalStoreRepository();
  let app: DataSource;
  const bulk = (i: number): QueuedEntity => ({
    entity: 'nominal',
    forceCode: '46',
    id: `bulk-${i}`,
  });
  const claim = (limit: number) =>
    app.transaction(async (tx) => (await store.claimQueue(tx, limit)).map((e) => e.id));

  beforeAll(async () => {
    await hub.provision();
    app = new DataSource({ type: 'postgres', url: hub.database.appUrl, extra: { max: 4 } });
    await app.initialize();
  });
  afterAll(async () => {
    await app?.destroy();
    await hub.drop();
  });

  it('claims the lane alone while it is queued, then the bulk oldest first', async () => {
    await store.enqueue(app, [bulk(1), bulk(2), bulk(3)]);
    await store.enqueue(app, [{ entity: 'incident', forceCode: '46', id: 'risk', priority: true }]);
    expect(await claim(10)).toEqual(['risk']);
    await store.dequeue(app, [{ entity: 'incident', forceCode: '46', id: 'risk' }]);
    expect(await claim(2)).toEqual(['bulk-1', 'bulk-2']);
  });

  it('a lane copy that came second moves its queued entity to the front; an unqueued one stays out', async () => {
    await store.enqueue(app, [{ entity: 'incident', forceCode: '46', id: 'late' }]);
    expect((await claim(10)).indexOf('late')).toBe(3);
    await store.prioritise(app, [
      { entity: 'incident', forceCode: '46', id: 'late' },
      { entity: 'incident', forceCode: '46', id: 'never-queued' },
    ]);
    expect(await claim(10)).toEqual(['late']);
    const { n } = (
      await app.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM resolution_queue`)
    )[0]!;
    expect(Number(n)).toBe(4);
  });

  it('an ordinary enqueue of an entity already on the lane keeps it there', async () => {
    await store.enqueue(app, [{ entity: 'incident', forceCode: '46', id: 'late' }]);
    expect(await claim(10)).toEqual(['late']);
  });
});
