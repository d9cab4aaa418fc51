import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { withDatabase } from '@intel/db';
import { EventType, IdentifierScheme, NameType, Sex } from '@intel/contracts';
import { lettersOnly, pncId, randomSerial, waitFor } from '@intel/testing';
import { ForceRecords } from './force-records.fixture';
import { HubHarness } from './hub.harness';

// docs/runbook.md "Restore from a database backup", step 3: the hub's database restored to an
// earlier point (here: a copy taken then, put back in its place) has lost what the hub applied
// after it, and the consumer group's offsets, kept by Kafka, were not restored with it. Started
// with a new consumer group, the hub applies those events again from the topics.
describe('hub restored to an earlier point (integration: real PostgreSQL + Kafka)', () => {
  const h = new HubHarness('it_restore', 'restore');
  const backup = `${h.dbName}_bak`;
  const tag = randomUUID().slice(0, 6);
  const family = lettersOnly(`Restall${tag}`);
  const pnc = pncId(1983, randomSerial());
  const records = new ForceRecords(`restore-${tag}`);
  const nominal = (nominalId: string) =>
    records.nominal(nominalId, {
      names: [{ given: ['Rhys'], family, type: NameType.NAME_TYPE_BIRTH }],
      datesOfBirth: [{ year: 1983, month: 4, day: 9 }],
      sex: Sex.SEX_MALE,
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
    });
  const ids = { norfolk: `nf-${tag}`, met: `met-${tag}` };
  const server = new Client({ connectionString: h.infra.databaseUrl });
  let db: Client | undefined;

  async function connect(): Promise<Client> {
    await db?.end().catch(() => undefined);
    db = new Client({ connectionString: withDatabase(h.infra.databaseUrl, h.dbName) });
    await db.connect();
    return db;
  }
  /** The members of the national person holding Norfolk's nominal, as `force:nominal`. */
  async function personOfNorfolk(): Promise<string[]> {
    const { rows } = await (db as Client).query<{ m: string }>(
      `SELECT m2.force_code || ':' || m2.nominal_id AS m
       FROM person_member m1 JOIN person_member m2 ON m2.person_id = m1.person_id
       WHERE m1.force_code = '36' AND m1.nominal_id = $1 ORDER BY 1`,
      [ids.norfolk],
    );
    return rows.map((r) => r.m);
  }
  async function until(members: string[], what: string): Promise<void> {
    await waitFor(async () => (await personOfNorfolk()).join() === members.join(), {
      timeoutMs: 120_000,
      intervalMs: 300,
      what,
    });
  }
  /** Stops the hub and closes every connection to its database (a copy needs none). */
  async function stopHub(): Promise<void> {
    await h.stopProcess();
    await db?.end().catch(() => undefined);
    db = undefined;
    await h.db.end().catch(() => undefined);
  }

  beforeAll(async () => {
    await server.connect();
    await h.startProcess();
    await connect();
  });
  afterAll(async () => {
    await records.close();
    await db?.end().catch(() => undefined);
    await h.stop();
    await server.query(`DROP DATABASE IF EXISTS "${backup}" WITH (FORCE)`).catch(() => undefined);
    await server.end();
  });

  it('restored to an earlier point and started with a new consumer group, the hub applies again what came after', async () => {
    await records.publish('36', EventType.EVENT_TYPE_NOMINAL_UPSERTED, ids.norfolk, {
      nominal: nominal(ids.norfolk),
    });
    await until([`36:${ids.norfolk}`], "Norfolk's record at the hub");
    // The backup: the database as it is now.
    await stopHub();
    await server.query(`CREATE DATABASE "${backup}" TEMPLATE "${h.dbName}"`);
    // After the backup the Met's record of the same person arrives and is applied.
    await h.startProcess();
    await connect();
    await records.publish('01', EventType.EVENT_TYPE_NOMINAL_UPSERTED, ids.met, {
      nominal: nominal(ids.met),
    });
    const both = [`01:${ids.met}`, `36:${ids.norfolk}`];
    await until(both, "the Met's record joining Norfolk's person");
    // The database is lost and restored from the backup: the Met's record is gone from it.
    await stopHub();
    await server.query(`DROP DATABASE "${h.dbName}" WITH (FORCE)`);
    await server.query(`CREATE DATABASE "${h.dbName}" TEMPLATE "${backup}"`);
    await connect();
    expect(await personOfNorfolk()).toEqual([`36:${ids.norfolk}`]);
    // Restarted on its old group it carries on from Kafka's offsets: a record sent now is
    // applied, the Met's never again.
    await h.startProcess();
    const marker = `nf-marker-${tag}`;
    await records.publish('36', EventType.EVENT_TYPE_NOMINAL_UPSERTED, marker, {
      nominal: records.nominal(marker, {
        names: [{ given: ['Marker'], family: `${family}z`, type: NameType.NAME_TYPE_BIRTH }],
        datesOfBirth: [],
        sex: Sex.SEX_UNSPECIFIED,
        identifiers: [],
      }),
    });
    await waitFor(
      async () =>
        (
          await (db as Client).query(
            `SELECT 1 FROM force_nominal WHERE force_code = '36' AND nominal_id = $1`,
            [marker],
          )
        ).rows.length === 1,
      { timeoutMs: 120_000, intervalMs: 300, what: 'the marker applied on the old group' },
    );
    expect(await personOfNorfolk()).toEqual([`36:${ids.norfolk}`]);
    await stopHub();
    // Restarted with a new consumer group (the runbook's step 3), it applies it again.
    await h.startProcess({ HUB_CONSUMER_GROUP: `${h.group}-restored` });
    await connect();
    await until(both, "the Met's record applied again after the restore");
  }, 400_000); // The hub reads the shared topics from the beginning twice.
});
