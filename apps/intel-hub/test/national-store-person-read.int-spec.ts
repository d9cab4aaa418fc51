import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { HandlingCode, IncidentState } from '@intel/contracts';
import { preparingSql, withDatabase } from '@intel/db';
import { covertHandling, handlingP } from '@intel/testing';
import { NationalStoreRepository } from '../src/resolution/national-store.repository';
import { hubDatabase } from './hub-database.fixture';
import { suspectIncident } from './review.fixture';

// GetPerson's one read of a person (NationalStoreRepository.personRead) on the real
// PostgreSQL, as the hub's role, run as a named statement as GetPerson runs it: the person an
// old id now is, its incidents in order with their handling, and the ids merged into it.
describe('NationalStoreRepository.personRead (integration: real PostgreSQL)', () => {
  const hub = hubDatabase('it_person_read');
  let app: DataSource;
  let su: Client;
  const store = new NationalStoreRepository();

  // P is the person now; P0 was merged into P (first), P1 into P (later), P00 into P0. Q has
  // nothing.
  const [P, P0, P1, P00, Q] = [
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
  ];

  beforeAll(async () => {
    await hub.provision();
    app = new DataSource({ type: 'postgres', url: hub.database.appUrl, extra: { max: 2 } });
    await app.initialize();
    su = new Client({ connectionString: withDatabase(hub.serverUrl, hub.dbName) });
    await su.connect();
    for (const id of [P, P0, P1, P00, Q])
      await su.query(`INSERT INTO national_person (person_id) VALUES ($1)`, [id]);
    await su.query(`UPDATE national_person SET merged_into = $1 WHERE person_id IN ($2, $3)`, [
      P,
      P0,
      P1,
    ]);
    await su.query(`UPDATE national_person SET merged_into = $1 WHERE person_id = $2`, [P0, P00]);
    const incident = async (force: string, id: string, state: Buffer | null) => {
      await su.query(
        `INSERT INTO force_incident (force_code, incident_id, version, state) VALUES ($1, $2, 1, $3)`,
        [force, id, state],
      );
      await su.query(
        `INSERT INTO person_incident (person_id, force_code, incident_id) VALUES ($1, $2, $3)`,
        [P, force, id],
      );
    };
    const encoded = (handling: ReturnType<typeof handlingP>) =>
      Buffer.from(IncidentState.encode({ ...suspectIncident('n1'), handling }).finish());
    await incident('46', 'b', encoded(handlingP()));
    await incident('36', 'z', encoded(covertHandling()));
    await incident('46', 'a', null);
  });

  afterAll(async () => {
    await app?.destroy();
    await su?.end();
    await hub.drop();
  });

  it('given an id merged twice over, then the person it is now, its incidents by force and id, and the ids merged into it oldest first', async () => {
    const sql = preparingSql(app);
    // Twice: the second runs the statement PostgreSQL prepared on that connection.
    for (const asked of [P00, P00, P0, P]) {
      const read = await store.personRead(sql, asked);
      expect(read?.id).toBe(P);
      expect(read?.mergedFrom).toEqual([P0, P1]);
      expect(read?.createdAt).toBeInstanceOf(Date);
      expect(
        read?.incidents.map((i) => [i.forceCode, i.incidentId, i.state?.handling?.handlingCode]),
      ).toEqual([
        ['36', 'z', covertHandling().handlingCode],
        // Withdrawn (no state): its owner's alone.
        ['46', 'a', HandlingCode.HANDLING_CODE_C],
        ['46', 'b', handlingP().handlingCode],
      ]);
    }
  });

  it('given a person with no incidents and nothing merged into it, then empty lists', async () => {
    const read = await store.personRead(preparingSql(app), Q);
    expect(read).toMatchObject({ id: Q, incidents: [], mergedFrom: [] });
  });

  it('given an unknown id, then nothing', async () => {
    expect(await store.personRead(preparingSql(app), randomUUID())).toBeUndefined();
  });
});
