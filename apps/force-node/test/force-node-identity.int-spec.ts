import { randomUUID } from 'node:crypto';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { withDatabase } from '@intel/db';
import { Client } from 'pg';
import { IntakeClient, incidentRecord, makeTestPki, personRecord } from '@intel/testing';
import { ForceNodeHarness } from './force-node.harness';

const run = randomUUID().slice(0, 8);
let n = 0;
/** A person no other record resembles (the default fixture's John Smiths would merge). */
const person = (sourceRecordId: string) => {
  n += 1;
  return personRecord({
    sourceRecordId,
    names: [{ given: ['Ida'], family: `Ident${run}x${n}`, type: 'NAME_TYPE_BIRTH' as never }],
    dateOfBirth: { year: 1950 + n, month: 1 + (n % 12), day: 1 + (n % 28) },
  });
};

async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  return (await p.then(
    () => {
      throw new Error('the call was accepted');
    },
    (e: unknown) => e,
  )) as ServiceError;
}

/** Every intake RPC, each with a fresh record: all must be refused alike. */
function everyRpc(c: IntakeClient, tag: string): Array<[string, () => Promise<unknown>]> {
  return [
    ['SubmitPerson', () => c.submitPerson(person(`${run}-${tag}-p`))],
    [
      'SubmitIncident',
      () => c.submitIncident(incidentRecord({ sourceRecordId: `${run}-${tag}-i` })),
    ],
    [
      'SubmitBatch',
      () => c.submitBatch([{ person: person(`${run}-${tag}-b`), incident: undefined }]),
    ],
    [
      'Withdraw',
      () =>
        c.withdraw({
          sourceSystem: 'niche-rms',
          sourceRecordId: `${run}-owned`,
          reason: 'MoPI review: disposal',
          kind: 'RECORD_KIND_PERSON' as never,
        }),
    ],
  ];
}

async function counts(h: ForceNodeHarness): Promise<Record<string, number>> {
  const db = new Client({ connectionString: withDatabase(h.infra.databaseUrl, h.dbName) });
  await db.connect();
  try {
    const r = await db.query<{ persons: string; incidents: string; outbox: string }>(
      `SELECT (SELECT count(*) FROM person_record WHERE withdrawn_at IS NULL) AS persons,
              (SELECT count(*) FROM incident) AS incidents,
              (SELECT count(*) FROM outbox) AS outbox`,
    );
    const row = r.rows[0]!;
    return {
      persons: Number(row.persons),
      incidents: Number(row.incidents),
      outbox: Number(row.outbox),
    };
  } finally {
    await db.end();
  }
}

// Norfolk's node (36) over mutual TLS, one national CA: a certificate from that CA is not
// enough, it must name force 36 by its OU.
describe('force node serves only its own force (integration: mutual TLS)', () => {
  const pki = makeTestPki();
  const h = new ForceNodeHarness('36', {
    GRPC_INSECURE_PLAINTEXT: 'false',
    GRPC_TLS_CA: pki.caCert,
    GRPC_TLS_CERT: pki.serverCert,
    GRPC_TLS_KEY: pki.serverKey,
  });
  const clients: IntakeClient[] = [];
  const client = (id: { cert: string; key: string }) => {
    const c = new IntakeClient(
      h.node.grpcAddress,
      credentials.createSsl(pki.read(pki.caCert), pki.read(id.key), pki.read(id.cert)),
    );
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    await h.start();
    // One record of Norfolk's own, for the Met to try to withdraw.
    const norfolk = client(pki.client('norfolk-custody', '36'));
    await norfolk.submitPerson(person(`${run}-owned`));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await h.stop();
  });

  it.each([
    ['the Met (OU=force-01)', '/OU=force-01/CN=met-crimint'],
    ['no force at all', '/CN=norfolk-custody'],
    ['an unknown force (OU=force-99)', '/OU=force-99/CN=norfolk-custody'],
    ['O=36 without an OU', '/O=36/CN=norfolk-custody'],
  ])(
    'refuses a caller whose certificate names %s on every RPC, and stores nothing',
    async (_, subject) => {
      const before = await counts(h);
      const c = client(pki.clientWithSubject(subject));
      for (const [rpc, call] of everyRpc(c, subject.replace(/\W/g, ''))) {
        const err = await refusal(call());
        expect([rpc, err.code]).toEqual([rpc, status.PERMISSION_DENIED]);
        // Nothing about the caller, its certificate or the records comes back.
        expect(err.details).toBe('this node serves force 36');
      }
      expect(await counts(h)).toEqual(before);
    },
  );

  it("still accepts Norfolk's own systems", async () => {
    const c = client(pki.client('norfolk-pnd-feed', '36'));
    const res = await c.submitPerson(person(`${run}-own-2`));
    expect(res.outcome).toBe('SUBMIT_OUTCOME_CREATED');
  });
});

// The plaintext development mode: the caller names its force in x-dev-force; the same rules.
describe('force node serves only its own force (integration: plaintext development mode)', () => {
  const h = new ForceNodeHarness('36');
  const clients: IntakeClient[] = [];
  const client = (options: { devForce?: string; devCaller?: string }) => {
    const c = new IntakeClient(h.node.grpcAddress, undefined, options);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    await h.start();
    await h.client.submitPerson(person(`${run}-owned`));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await h.stop();
  });

  it.each<[string, { devForce?: string }]>([
    ['another force (x-dev-force: 01)', { devForce: '01' }],
    ['an unknown force code (x-dev-force: 99)', { devForce: '99' }],
    ['no force at all', {}],
  ])('refuses a caller naming %s on every RPC, and stores nothing', async (_, options) => {
    const before = await counts(h);
    const c = client(options);
    for (const [rpc, call] of everyRpc(c, `pt${options.devForce ?? 'none'}`)) {
      const err = await refusal(call());
      expect([rpc, err.code]).toEqual([rpc, status.PERMISSION_DENIED]);
      expect(err.details).toBe('this node serves force 36');
    }
    expect(await counts(h)).toEqual(before);
  });

  it('refuses a caller name that is not a plain system name (it would reach the record log raw)', async () => {
    // "01/met-crimint" would be logged as "36/01/met-crimint": another force's system.
    const c = client({ devForce: '36', devCaller: '01/met-crimint' });
    const err = await refusal(c.submitPerson(person(`${run}-evil`)));
    expect(err.code).toBe(status.UNAUTHENTICATED);
  });

  it('accepts its own force and records the caller as NN/system', async () => {
    const c = client({ devForce: '36', devCaller: 'norfolk-custody' });
    const res = await c.submitPerson(person(`${run}-own-pt`));
    expect(res.outcome).toBe('SUBMIT_OUTCOME_CREATED');
    const db = new Client({ connectionString: withDatabase(h.infra.databaseUrl, h.dbName) });
    await db.connect();
    const log = await db.query<{ caller: string }>(
      'SELECT caller FROM record_log WHERE source_record_id = $1',
      [`${run}-own-pt`],
    );
    await db.end();
    expect(log.rows.map((r) => r.caller)).toEqual(['36/norfolk-custody']);
  });
});
