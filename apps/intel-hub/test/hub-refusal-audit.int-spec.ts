import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { verifyAuditChain } from '@intel/audit';
import { PurposeCode, type CheckPersonCall, type PersonQuery } from '@intel/contracts';
import { dropDatabase, withDatabase } from '@intel/db';
import { QueryClient } from '@intel/grpc';
import { HUB_PRINCIPAL } from '@intel/kafka';
import {
  serviceDatabase,
  startService,
  testInfra,
  testKafkaEnv,
  uniqueDbName,
  type RunningNode,
} from '@intel/testing';

// Real PostgreSQL, real Kafka, the hub as its own process: every refusal at the hub is answered
// with the right status and appended to the audit chain, bounded in size, whatever the text.
describe('hub refusals are audited, bounded (integration: real Postgres + Kafka)', () => {
  const infra = testInfra();
  const dbName = uniqueDbName('it_hub_refusal');
  let hub: RunningNode;
  let db: Client;
  let asKent: QueryClient;
  let anonymous: QueryClient;

  beforeAll(async () => {
    hub = await startService('intel-hub', {
      ...serviceDatabase(dbName, infra.databaseUrl).env,
      ...testKafkaEnv(HUB_PRINCIPAL),
      HUB_CONSUMER_GROUP: `intel-hub-it-refusal-${randomUUID()}`,
      GRPC_INSECURE_PLAINTEXT: 'true',
    });
    db = new Client({ connectionString: withDatabase(infra.databaseUrl, dbName) });
    await db.connect();
    asKent = new QueryClient(hub.grpcAddress, undefined, { devForce: '46' });
    anonymous = new QueryClient(hub.grpcAddress);
  });
  afterAll(async () => {
    asKent?.close();
    anonymous?.close();
    await db?.end();
    await hub?.stop();
    await dropDatabase(infra.databaseUrl, dbName).catch(() => undefined);
  });

  const person: PersonQuery = {
    names: [{ given: ['William'], family: 'Hendry', type: 'NAME_TYPE_BIRTH' as never }],
    dateOfBirth: { year: 1979, month: 3, day: 14 },
    sex: 'SEX_MALE' as never,
    identifiers: [],
    onlineIdentifiers: [],
    addresses: [],
  };
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Undercover online grooming operation: suspect contact in chatroom',
    operationRef: '',
  };

  async function refusal(p: Promise<unknown>): Promise<ServiceError> {
    try {
      await p;
    } catch (err) {
      return err as ServiceError;
    }
    throw new Error('the call was answered');
  }

  interface Row {
    seq: string;
    caller_force: string;
    action: string;
    purpose_code: string;
    reason: string;
    request: {
      refused?: { sha256: string; bytes: number; truncated: boolean; json: string };
      claimed?: Record<string, string>;
    };
    response: { refused?: { code: string; errors: Array<{ field: string; message: string }> } };
    size: number;
  }
  async function lastRow(): Promise<Row> {
    const { rows } = await db.query<Row>(
      `SELECT seq, caller_force, action, purpose_code, reason, request, response,
              pg_column_size(request) + pg_column_size(response) + pg_column_size(reason) AS size
       FROM audit_log ORDER BY seq DESC LIMIT 1`,
    );
    return rows[0] as Row;
  }

  it('given a NUL in the reason, then INVALID_ARGUMENT names justification.reason and the refusal is audited, escaped', async () => {
    const err = await refusal(
      asKent.checkPerson({
        person,
        justification: { ...justification, reason: 'grooming\u0000referral from school' },
        maxResults: 5,
      }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('justification.reason');
    const row = await lastRow();
    expect(row).toMatchObject({ caller_force: '46', action: 'CheckPerson' });
    expect(row.reason).toBe('grooming\\u0000referral from school');
    expect(row.response.refused?.code).toBe('INVALID_ARGUMENT');
    expect(row.response.refused?.errors.map((e) => e.field)).toContain('justification.reason');
  });

  it('given an unknown purpose code (a number on the wire), then INVALID_ARGUMENT names it and the refusal is audited', async () => {
    const err = await refusal(
      asKent.checkPerson({
        person,
        justification: { ...justification, purposeCode: 99 as unknown as PurposeCode },
        maxResults: 5,
      }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('justification.purposeCode');
    const row = await lastRow();
    expect(row.purpose_code).toBe('99');
    expect(row.response.refused?.errors.map((e) => e.field)).toContain('justification.purposeCode');
  });

  it('given a 3 MB refused CheckPerson, then the audit stores a bounded excerpt with the digest and size of the whole', async () => {
    const huge: CheckPersonCall = {
      person: {
        ...person,
        names: Array.from({ length: 30_000 }, (_, i) => ({
          given: ['x'.repeat(50)],
          family: `F${i}${'y'.repeat(40)}`,
          type: 'NAME_TYPE_BIRTH' as never,
        })),
      },
      justification,
      maxResults: 5,
    };
    const err = await refusal(asKent.checkPerson(huge));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('person.names');
    const row = await lastRow();
    expect(row.request.refused).toMatchObject({ truncated: true, sha256: expect.any(String) });
    expect(row.request.refused?.bytes).toBeGreaterThan(2_500_000);
    expect(row.size).toBeLessThan(32 * 1024);
  });

  it('given a caller that names no force, then UNAUTHENTICATED and the refusal is audited with what it claimed', async () => {
    const before = (await lastRow()).seq;
    const err = await refusal(anonymous.checkPerson({ person, justification, maxResults: 5 }));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    const row = await lastRow();
    expect(Number(row.seq)).toBe(Number(before) + 1);
    expect(row).toMatchObject({ caller_force: '', action: 'CheckPerson' });
    expect(row.response.refused?.code).toBe('UNAUTHENTICATED');
    expect(row.request.claimed?.['peer']).toContain('127.0.0.1');
  });

  it('given a GetPerson for a person that does not exist, then NOT_FOUND and the probe is audited', async () => {
    const before = (await lastRow()).seq;
    const err = await refusal(asKent.getPerson({ nationalPersonId: randomUUID(), justification }));
    expect([status.NOT_FOUND, status.UNAVAILABLE]).toContain(err.code);
    const row = await lastRow();
    expect(Number(row.seq)).toBe(Number(before) + 1);
    expect(row.action).toBe('GetPerson');
  });

  it('given control and bidi characters in the reason, then it is refused and the audit holds them escaped', async () => {
    const hostile = new QueryClient(hub.grpcAddress, undefined, { devForce: '46' });
    try {
      const err = await refusal(
        hostile.checkPerson({
          person,
          justification: { ...justification, reason: '\u202Eesrever\u0007 \uD800 reason text' },
          maxResults: 5,
        }),
      );
      expect(err.code).toBe(status.INVALID_ARGUMENT);
    } finally {
      hostile.close();
    }
    const row = await lastRow();
    expect(row.response.refused?.errors.map((e) => e.field)).toContain('justification.reason');
    expect(row.reason).toContain('\\u202eesrever\\u0007');
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    expect(row.reason).not.toMatch(/[\u0000-\u001f\u202e\uD800-\uDFFF]/);
  });

  it('then the whole chain, refusals included, verifies', async () => {
    const ds = new DataSource({
      type: 'postgres',
      url: withDatabase(infra.databaseUrl, dbName),
      extra: { max: 1 },
    });
    await ds.initialize();
    try {
      const result = await verifyAuditChain(ds);
      expect(result).toMatchObject({ ok: true, problems: [] });
      expect(result.rows).toBeGreaterThanOrEqual(6);
    } finally {
      await ds.destroy();
    }
  });
});
