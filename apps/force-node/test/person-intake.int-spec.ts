import { randomUUID } from 'node:crypto';
import { EventEnvelope, type PersonRecord } from '@intel/contracts';
import { dropDatabase, openDatabase } from '@intel/db';
import { validatePersonRecord } from '@intel/records';
import { personRecord, pncId, testInfra, uniqueDbName } from '@intel/testing';
import type { DataSource } from 'typeorm';
import { FORCE_NODE_MIGRATIONS } from '../src/database/migrations';
import { IncidentRepository } from '../src/incidents/incident.repository';
import { PersonIntakeService } from '../src/intake/person-intake.service';
import { RecordLogRepository } from '../src/intake/record-log.repository';
import { WithdrawalService } from '../src/intake/withdrawal.service';
import { CandidateKeyIndex } from '../src/nominals/candidate-key-index';
import { NominalRepository } from '../src/nominals/nominal.repository';
import { SamePersonMatcher } from '../src/nominals/same-person.matcher';
import { OutboxRepository } from '../src/outbox/outbox.repository';

/**
 * The person intake's storage paths against the real PostgreSQL (no broker needed: events are
 * read from the outbox): the merge of existing nominals, a withdrawn record coming back,
 * concurrent submissions, retries, and candidate records found with and without the
 * normalised-record cache. Nothing is mocked.
 */
describe('person intake (integration: real Postgres)', () => {
  const infra = testInfra();
  const dbName = uniqueDbName('it_person_intake');
  const run = randomUUID().slice(0, 8);
  const sid = (s: string) => `${run}-${s}`;
  let ds: DataSource;

  // What the module wires, made afresh: a new service is a new process (an empty cache).
  const repositories = () =>
    [
      new NominalRepository(),
      new IncidentRepository(),
      new OutboxRepository(),
      new RecordLogRepository(),
      new SamePersonMatcher(),
    ] as const;
  const service = () =>
    new PersonIntakeService(ds, '36', ...repositories(), new CandidateKeyIndex());
  // Each record its own name and date of birth, so only what a test shares links records.
  let born = 0;
  const person = (overrides: Partial<PersonRecord> & { sourceRecordId: string }) => {
    born += 1;
    return validatePersonRecord(
      personRecord({
        names: [
          { given: ['Alan'], family: `Trevithick${born}x${run}`, type: 'NAME_TYPE_BIRTH' as never },
        ],
        dateOfBirth: { year: 1950 + born, month: 1 + (born % 12), day: 1 + (born % 28) },
        ...overrides,
        sourceRecordId: sid(overrides.sourceRecordId),
      }),
    );
  };
  const pnc = (n: number) => ({ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pncId(2005, n) });
  const email = (v: string) => ({
    kind: 'ONLINE_IDENTIFIER_KIND_EMAIL' as never,
    platform: '',
    value: `${v}.${run}@example.org`,
    observedAt: undefined,
  });

  async function outboxEvents(key: string): Promise<EventEnvelope[]> {
    const rows = await ds.query<Array<{ value: Buffer | null }>>(
      `SELECT value FROM outbox WHERE key = $1 ORDER BY id`,
      [key],
    );
    return rows.filter((r) => r.value).map((r) => EventEnvelope.decode(r.value as Buffer));
  }
  const count = async (sql: string, params: unknown[]) =>
    Number((await ds.query<Array<{ n: string }>>(sql, params))[0]?.n);

  beforeAll(async () => {
    ds = await openDatabase({
      serverUrl: infra.databaseUrl,
      name: dbName,
      migrations: FORCE_NODE_MIGRATIONS,
    });
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(infra.databaseUrl, dbName).catch(() => undefined);
  });

  it('given two nominals, when a record shares a key with each, then the younger is absorbed into the older', async () => {
    const intake = service();
    const [a] = await intake.submit(
      [person({ sourceRecordId: 'm1', identifiers: [pnc(310001)] })],
      'test',
    );
    const [b] = await intake.submit(
      [person({ sourceRecordId: 'm2', onlineIdentifiers: [email('m2')] })],
      'test',
    );
    expect(a?.nominalId).not.toBe(b?.nominalId);

    const [bridge] = await intake.submit(
      [
        person({
          sourceRecordId: 'm3',
          identifiers: [pnc(310001)],
          onlineIdentifiers: [email('m2')],
        }),
      ],
      'test',
    );
    expect(bridge).toMatchObject({
      nominalId: a?.nominalId,
      outcome: 'SUBMIT_OUTCOME_MERGED',
      version: 2,
    });
    // The absorbed nominal: withdrawn into the survivor, its record and keys moved there.
    const [absorbed] = await ds.query<Array<{ merged_into: string; withdrawn: boolean }>>(
      `SELECT merged_into, withdrawn_at IS NOT NULL AS withdrawn FROM nominal WHERE id = $1`,
      [b?.nominalId],
    );
    expect(absorbed).toEqual({ merged_into: a?.nominalId, withdrawn: true });
    const records = await ds.query<Array<{ source_record_id: string; nominal_id: string }>>(
      `SELECT source_record_id, nominal_id FROM person_record WHERE source_record_id = ANY($1)
        ORDER BY source_record_id`,
      [[sid('m1'), sid('m2'), sid('m3')]],
    );
    expect(records.map((r) => r.nominal_id)).toEqual([a?.nominalId, a?.nominalId, a?.nominalId]);
    expect(
      await count(`SELECT count(*) AS n FROM nominal_key WHERE nominal_id = $1`, [b?.nominalId]),
    ).toBe(0);
    const survivorKeys = await ds.query<Array<{ key: string }>>(
      `SELECT key FROM nominal_key WHERE nominal_id = $1`,
      [a?.nominalId],
    );
    expect(survivorKeys.map((k) => k.key)).toEqual(
      expect.arrayContaining([`pnc:${pncId(2005, 310001)}`, `email:m2.${run}@example.org`]),
    );
    // Events: the survivor's state carries all three records; the absorbed one is withdrawn.
    const survivor = await outboxEvents(`36:${a?.nominalId}`);
    expect(
      survivor
        .at(-1)
        ?.nominal?.sources.map((s) => s.sourceRecordId)
        .sort(),
    ).toEqual([sid('m1'), sid('m2'), sid('m3')].sort());
    const gone = await outboxEvents(`36:${b?.nominalId}`);
    expect(gone.at(-1)?.withdrawal?.mergedInto).toBe(a?.nominalId);
  });

  it('given a withdrawn record, when it is submitted again, then it is stored live in a nominal', async () => {
    const intake = service();
    const withdrawals = new WithdrawalService(ds, '36', ...repositories());
    const record = person({ sourceRecordId: 'w1', identifiers: [pnc(320001)] });
    const [first] = await intake.submit([record], 'test');
    await withdrawals.withdraw(
      {
        sourceSystem: record.sourceSystem,
        sourceRecordId: record.sourceRecordId,
        reason: 'MoPI',
        kind: 'RECORD_KIND_PERSON' as never,
      },
      'test',
    );
    const [again] = await intake.submit([record], 'test');
    expect(again?.outcome).toBe('SUBMIT_OUTCOME_CREATED');
    expect(again?.nominalId).not.toBe(first?.nominalId);
    const [row] = await ds.query<Array<{ nominal_id: string; withdrawn: boolean }>>(
      `SELECT nominal_id, withdrawn_at IS NOT NULL AS withdrawn FROM person_record
        WHERE source_record_id = $1`,
      [record.sourceRecordId],
    );
    expect(row).toEqual({ nominal_id: again?.nominalId, withdrawn: false });
    // A changed record stays in its nominal and bumps the version.
    const [changed] = await intake.submit(
      [
        {
          ...record,
          names: [{ given: ['Jon'], family: 'Smith', type: 'NAME_TYPE_BIRTH' as never }],
        },
      ],
      'test',
    );
    expect(changed).toMatchObject({
      nominalId: again?.nominalId,
      outcome: 'SUBMIT_OUTCOME_UPDATED',
      version: (again?.version ?? 0) + 1,
    });
  });

  it('given a batch, when it is retried, then every record is UNCHANGED and nothing more is written', async () => {
    const intake = service();
    const batch = [1, 2, 3].map((i) =>
      person({ sourceRecordId: `r${i}`, identifiers: [pnc(330000 + i)] }),
    );
    const first = await intake.submit(batch, 'test');
    const outboxBefore = await count(`SELECT count(*) AS n FROM outbox`, []);
    const keysBefore = await count(`SELECT count(*) AS n FROM nominal_key`, []);
    const retried = await intake.submit(batch, 'test');
    expect(retried.map((r) => r.outcome)).toEqual(Array(3).fill('SUBMIT_OUTCOME_UNCHANGED'));
    expect(retried.map((r) => r.nominalId)).toEqual(first.map((r) => r.nominalId));
    expect(await count(`SELECT count(*) AS n FROM outbox`, [])).toBe(outboxBefore);
    expect(await count(`SELECT count(*) AS n FROM nominal_key`, [])).toBe(keysBefore);
  });

  it('given two concurrent submissions sharing a PNC ID, then one nominal holds both records', async () => {
    // Two service instances, as two replicas of the node would be, on the same database.
    const shared = pnc(340001);
    const results = await Promise.all(
      ['c1', 'c2'].map((id) =>
        service().submit([person({ sourceRecordId: id, identifiers: [shared] })], 'test'),
      ),
    );
    const outcomes = results.map((r) => r[0]);
    expect(outcomes[0]?.nominalId).toBe(outcomes[1]?.nominalId);
    expect(outcomes.map((o) => o?.outcome).sort()).toEqual([
      'SUBMIT_OUTCOME_CREATED',
      'SUBMIT_OUTCOME_MERGED',
    ]);
    expect(
      await count(`SELECT count(DISTINCT nominal_id) AS n FROM nominal_key WHERE key = $1`, [
        `pnc:${shared.value}`,
      ]),
    ).toBe(1);
  });

  it('links a record to a candidate nominal the same way whether the candidate was normalised by this process or not', async () => {
    const family = `Pengelly${run}`;
    const base = {
      dateOfBirth: { year: 1984, month: 6, day: 9 },
      addresses: [{ line: '3 Quay Street', town: 'Truro', postcode: 'TR1 2HE' }],
    };
    const named = (sourceRecordId: string, given: string) =>
      person({
        sourceRecordId,
        names: [{ given: [given], family, type: 'NAME_TYPE_BIRTH' as never }],
        ...base,
      });
    const warm = service();
    const [william] = await warm.submit([named('k1', 'William')], 'test');
    // Same process (its cache holds William): Bill links to him.
    const [bill] = await warm.submit([named('k2', 'Bill')], 'test');
    // A fresh process (empty cache, records read from the database): Will links to them too.
    const [will] = await service().submit([named('k3', 'Will')], 'test');
    expect(bill).toMatchObject({ nominalId: william?.nominalId, outcome: 'SUBMIT_OUTCOME_MERGED' });
    expect(will).toMatchObject({ nominalId: william?.nominalId, outcome: 'SUBMIT_OUTCOME_MERGED' });
    // And a namesake born elsewhere and on another day stays apart in both.
    const [namesake] = await service().submit(
      [
        person({
          sourceRecordId: 'k4',
          names: [{ given: ['William'], family, type: 'NAME_TYPE_BIRTH' as never }],
          dateOfBirth: { year: 1990, month: 1, day: 22 },
          addresses: [{ line: '8 Fore Street', town: 'Bodmin', postcode: 'PL31 2HQ' }],
        }),
      ],
      'test',
    );
    expect(namesake?.outcome).toBe('SUBMIT_OUTCOME_CREATED');
  });

  it('finds candidates by keys another replica wrote after this one loaded them, and by keys written earlier in the same transaction', async () => {
    const named = (sourceRecordId: string, given: string, family: string) =>
      person({
        sourceRecordId,
        names: [{ given: [given], family, type: 'NAME_TYPE_BIRTH' as never }],
        dateOfBirth: { year: 1979, month: 3, day: 14 },
        addresses: [{ line: '12 Lemon Street', town: 'Truro', postcode: 'TR1 2LS' }],
      });
    const replicaA = service();
    const replicaB = service();
    // B loads the candidate keys (its first intake) before A writes William's.
    await replicaB.submit([person({ sourceRecordId: 'q0' })], 'test');
    const [william] = await replicaA.submit([named('q1', 'William', `Polglase${run}`)], 'test');
    const [bill] = await replicaB.submit([named('q2', 'Bill', `Polglase${run}`)], 'test');
    expect(bill).toMatchObject({ nominalId: william?.nominalId, outcome: 'SUBMIT_OUTCOME_MERGED' });
    expect(await count(`SELECT count(*) AS n FROM nominal_key WHERE key LIKE 'blk:%'`, [])).toBe(0);

    // One submission in two parts (a repeated source key splits it): the second part finds
    // the nominal the first created, not yet committed, by its candidate keys alone.
    const other = person({ sourceRecordId: 'q6' });
    const out = await service().submit(
      [
        named('q5', 'William', `Trelawny${run}`),
        other,
        other,
        named('q7', 'Bill', `Trelawny${run}`),
      ],
      'test',
    );
    expect(out.map((r) => r.outcome)).toEqual([
      'SUBMIT_OUTCOME_CREATED',
      'SUBMIT_OUTCOME_CREATED',
      'SUBMIT_OUTCOME_UNCHANGED',
      'SUBMIT_OUTCOME_MERGED',
    ]);
    expect(out[3]?.nominalId).toBe(out[0]?.nominalId);
  });
});
