import { randomUUID } from 'node:crypto';
import {
  EventType,
  IdentifierScheme,
  NameType,
  PurposeCode,
  Sex,
  type CheckPersonCall,
  type NominalState,
} from '@intel/contracts';
import { lettersOnly, pncId, randomSerial, waitFor } from '@intel/testing';
import { ForceRecords } from './force-records.fixture';
import { HubHarness } from './hub.harness';

// docs/runbook.md "Replay from the beginning", after a loss: a hub on a fresh database and a new
// consumer group rebuilds the national picture from the signed events on the topics alone, the
// same persons, flags and incidents as the hub whose database was lost.
describe('hub replay into a fresh database (integration: real PostgreSQL + Kafka)', () => {
  const lost = new HubHarness('it_replay_lost', 'replay-lost');
  const rebuilt = new HubHarness('it_replay_fresh', 'replay-fresh');
  const tag = randomUUID().slice(0, 6);
  const family = lettersOnly(`Quayle${tag}`);
  const pnc = pncId(1981, randomSerial());
  const ids = { norfolk: `nf-${tag}`, met: `met-${tag}`, kent: `kent-${tag}` };
  const members: Array<[string, string]> = [
    ['36', ids.norfolk],
    ['01', ids.met],
    ['46', ids.kent],
  ];
  const records = new ForceRecords(`replay-${tag}`);
  const nominal = (nominalId: string, extra: Partial<NominalState> = {}) =>
    records.nominal(
      nominalId,
      {
        names: [{ given: ['Owen'], family, type: NameType.NAME_TYPE_BIRTH }],
        datesOfBirth: [{ year: 1981, month: 7, day: 2 }],
        sex: Sex.SEX_MALE,
        identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
      },
      extra,
    );
  const publish = (force: string, type: EventType, id: string, payload: object) =>
    records.publish(force, type, id, payload);

  /**
   * Our nominals' national picture in a hub's database, without its random person ids: each
   * person's members, flag types and incident count.
   */
  async function picture(h: HubHarness): Promise<string[]> {
    const { rows } = await h.db.query<{ members: string; flags: string | null; incidents: number }>(
      `SELECT string_agg(m.force_code || ':' || m.nominal_id, ',' ORDER BY m.force_code, m.nominal_id) AS members,
              (SELECT string_agg(DISTINCT f.flag_type, ',' ORDER BY f.flag_type)
                 FROM person_flag f WHERE f.person_id = m.person_id) AS flags,
              (SELECT count(*) FROM person_incident i WHERE i.person_id = m.person_id)::int AS incidents
       FROM person_member m
       JOIN unnest($1::text[], $2::text[]) AS t(f, n) ON m.force_code = t.f AND m.nominal_id = t.n
       GROUP BY m.person_id`,
      [members.map((m) => m[0]), members.map((m) => m[1])],
    );
    return rows.map((r) => `${r.members} | ${r.flags ?? ''} | ${r.incidents}`).sort();
  }

  beforeAll(async () => {
    await lost.start();
    await publish('36', EventType.EVENT_TYPE_NOMINAL_UPSERTED, ids.norfolk, {
      nominal: nominal(ids.norfolk),
    });
    await publish('01', EventType.EVENT_TYPE_NOMINAL_UPSERTED, ids.met, {
      nominal: nominal(ids.met),
    });
    // Someone else: a different person, whatever the order records come in.
    await publish('46', EventType.EVENT_TYPE_NOMINAL_UPSERTED, ids.kent, {
      nominal: nominal(ids.kent, {
        names: [{ given: ['Imogen'], family: `${family}x`, type: NameType.NAME_TYPE_BIRTH }],
        datesOfBirth: [{ year: 1994, month: 11, day: 23 }],
        sex: Sex.SEX_FEMALE,
        identifiers: [],
      }),
    });
    await publish('36', EventType.EVENT_TYPE_INCIDENT_UPSERTED, `inc-nf-${tag}`, {
      incident: records.incident(`inc-nf-${tag}`, ids.norfolk),
    });
    await publish('01', EventType.EVENT_TYPE_INCIDENT_UPSERTED, `inc-met-${tag}`, {
      incident: records.incident(`inc-met-${tag}`, ids.met),
    });
  });
  afterAll(async () => {
    await records.close();
    await lost.stop();
    await rebuilt.stop();
  });

  it('a hub on a fresh database and a new consumer group rebuilds the same persons, flags and incidents', async () => {
    await lost.personOf([members[0]!, members[1]!]);
    let before: string[] = [];
    await waitFor(
      async () => {
        before = await picture(lost);
        return before.length === 2 && before.some((p) => p.includes('REPEAT_OFFENDER'));
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the first hub to flag the person' },
    );
    expect(before).toEqual([
      `01:${ids.met},36:${ids.norfolk} | FLAG_TYPE_CROSS_FORCE,FLAG_TYPE_REPEAT_OFFENDER | 2`,
      `46:${ids.kent} |  | 0`,
    ]);
    // The database is lost: the hub stops and a new one starts on an empty database.
    await lost.stopProcess();
    await rebuilt.start();
    let after: string[] = [];
    await waitFor(
      async () => {
        after = await picture(rebuilt);
        return after.join('\n') === before.join('\n');
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the replay to rebuild the same picture' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; rebuilt: ${JSON.stringify(after)}`);
    });
    // Queries answer from the rebuilt index.
    const query: CheckPersonCall = {
      person: {
        names: [{ given: ['Owen'], family, type: NameType.NAME_TYPE_BIRTH }],
        dateOfBirth: { year: 1981, month: 7, day: 2 },
        sex: Sex.SEX_UNSPECIFIED,
        identifiers: [],
        onlineIdentifiers: [],
        addresses: [],
      },
      justification: {
        purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
        reason: 'runbook: replay into a fresh database',
        operationRef: '',
      },
      maxResults: 5,
    };
    const res = await rebuilt.as('46').checkPerson(query);
    expect(res.matches[0]?.holdings.map((x) => x.forceCode).sort()).toEqual(['01', '36']);
  }, 400_000); // Two hubs each read the shared topics from the beginning.
});
