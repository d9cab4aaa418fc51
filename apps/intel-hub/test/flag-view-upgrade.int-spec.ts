import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FlagType, PurposeCode, type Flag, type PersonQuery } from '@intel/contracts';
import { databaseRoles, databaseUser, withDatabase } from '@intel/db';
import {
  covertHandling,
  lettersOnly,
  personRecord,
  pncId,
  randomSerial,
  waitFor,
} from '@intel/testing';
import { ForceNodeHarness } from '../../force-node/test/force-node.harness';
import { HubHarness } from './hub.harness';
import { INTEL_HUB_MIGRATIONS } from '../src/database/migrations';

// The upgrade to per-view flags (docs/hub.md, "Flags per view"): the migration that introduced
// person_flag_view copied each person's national flags, derived from every record including
// handling code C ones, into the public view. A hub upgraded over such a database must not
// answer another force from those copies: every person not yet derived per view is derived
// again before the hub answers. Force nodes and the hub as processes on the real Kafka and
// PostgreSQL; the database is taken back to the schema before per-view flags, as a pre-upgrade
// hub left it.
describe('upgrade to per-view flags (integration: force nodes + hub processes)', () => {
  const norfolk = new ForceNodeHarness('36');
  const met = new ForceNodeHarness('01');
  const hub = new HubHarness('it_flagview_upgrade', 'flagview');
  const { infra, dbName: hubDb, database: hubDatabase, db } = hub;

  const tag = randomUUID().slice(0, 6);
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Safeguarding enquiry: checking a subject against the national index',
    operationRef: `OP-U-${tag}`,
  };
  const registrationFlags = [
    FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
    FlagType.FLAG_TYPE_RSO_OUT_OF_AREA,
  ];

  beforeAll(async () => {
    await Promise.all([norfolk.start(), met.start()]);
    await hub.start();
  });
  afterAll(async () => {
    await hub.stop();
    await Promise.all([norfolk.stop(), met.stop()]);
  });

  /**
   * Takes the hub's database back to the schema before per-view flags (each later migration's
   * own `down`, as the owner), keeping the data a pre-upgrade hub wrote: person_flag, the
   * national flags derived from every record, C ones included.
   */
  async function backBeforePerViewFlags(): Promise<void> {
    const roles = databaseRoles(hubDb, databaseUser(hubDatabase.appUrl));
    const ds = new DataSource({
      type: 'postgres',
      url: withDatabase(infra.databaseUrl, hubDb),
      migrations: INTEL_HUB_MIGRATIONS,
      synchronize: false,
      logging: false,
      extra: { max: 1, options: `-c role=${roles.owner}` },
    });
    await ds.initialize();
    try {
      const last = async () =>
        (
          await ds.query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`)
        )[0]?.name;
      while ((await last()) !== 'AlertConsultedBy1764800000000')
        await ds.undoLastMigration({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  }

  it('a C-only registration copied into the public view by the migration reaches no other force once the hub starts', async () => {
    const pnc = pncId(1972, randomSerial());
    const family = lettersOnly(`Vance${tag}`);
    const dob = { year: 1972, month: 3, day: 14 };
    const names = [{ given: ['Ambrose'], family, type: 'NAME_TYPE_BIRTH' as never }];
    const ident = [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pnc }];
    const nf = await norfolk.client.submitPerson(
      personRecord({
        sourceSystem: 'visor',
        sourceRecordId: `nf-up-${tag}`,
        names,
        dateOfBirth: dob,
        identifiers: ident,
        registration: {
          active: true,
          managingForce: '36',
          startDate: { year: 2019, month: 6, day: 1 },
          endDate: undefined,
          visorRef: `V${randomSerial()}`,
        },
        handling: covertHandling(),
        subjectCategory: 'SUBJECT_CATEGORY_CONVICTED' as never,
      }),
    );
    const mt = await met.client.submitPerson(
      personRecord({
        sourceRecordId: `met-up-${tag}`,
        names,
        dateOfBirth: dob,
        identifiers: ident,
      }),
    );
    let personId = '';
    await waitFor(
      async () => {
        const { rows } = await db.query<{ person_id: string; n: string }>(
          `SELECT person_id, count(*)::text AS n FROM person_member
           WHERE (force_code, nominal_id) IN (('36', $1), ('01', $2)) GROUP BY person_id`,
          [nf.nominalId, mt.nominalId],
        );
        personId = rows[0]?.person_id ?? '';
        return rows.length === 1 && rows[0]?.n === '2';
      },
      { timeoutMs: 120_000, intervalMs: 300, what: 'one national person of both nominals' },
    );
    // The national flags (what a pre-upgrade hub kept, and the migration copied) name the
    // C registration.
    await waitFor(
      async () => {
        const { rows } = await db.query<{ flag_type: FlagType }>(
          `SELECT flag_type FROM person_flag WHERE person_id = $1`,
          [personId],
        );
        return rows.some((r) => r.flag_type === FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER);
      },
      { timeoutMs: 120_000, intervalMs: 300, what: 'the national registration flags' },
    );

    // The upgrade: a database as the pre-upgrade hub left it, and the new hub started on it.
    await hub.stopProcess();
    await backBeforePerViewFlags();
    await hub.startProcess();

    const q: PersonQuery = {
      names,
      dateOfBirth: dob,
      sex: 'SEX_MALE' as never,
      identifiers: ident,
      onlineIdentifiers: [],
      addresses: [],
    };
    const asMet = hub.as('01');
    const res = await asMet.checkPerson({ person: q, justification, maxResults: 5 });
    const m = res.matches.find((x) => x.nationalPersonId === personId);
    expect(m).toBeDefined();
    const got = await asMet.getPerson({ nationalPersonId: personId, justification });
    const leaks = (flags: Flag[]) =>
      flags.filter(
        (f) =>
          registrationFlags.includes(f.type) ||
          f.evidence.some((e) => e.forceCode === '36') ||
          /regist|managing force|36/i.test(f.reason),
      );
    expect(leaks(m!.flags)).toEqual([]);
    expect(leaks(got.flags)).toEqual([]);
    // Only the Met's own record is visible to it: nothing national to flag.
    expect(got.flags.map((f) => f.type)).not.toContain(FlagType.FLAG_TYPE_CROSS_FORCE);

    // Norfolk, the owner, still sees its registration flags.
    const own = await hub.as('36').getPerson({ nationalPersonId: personId, justification });
    expect(own.flags.map((f) => f.type)).toContain(FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER);

    // The public view as stored holds nothing from the C record either.
    const { rows: stored } = await db.query<{ flag_type: FlagType }>(
      `SELECT flag_type FROM person_flag_view WHERE person_id = $1 AND viewer = ''`,
      [personId],
    );
    expect(stored.map((r) => r.flag_type).filter((t) => registrationFlags.includes(t))).toEqual([]);
    // Nothing is left to derive: the next start does nothing more.
    const { rows: left } = await db.query(`SELECT person_id FROM person_view_underived`);
    expect(left).toEqual([]);
  });
});
