import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { BatchItem, PersonRecord } from '@intel/contracts';
import { withDatabase } from '@intel/db';
import { Client } from 'pg';
import { personRecord, waitFor } from '@intel/testing';
import { ForceNodeHarness } from './force-node.harness';

// Real PostgreSQL, the node as its own process, a real gRPC client: bad text, a record the
// database refuses, and a cancelled batch.
describe('force node input hygiene, failures and cancelled batches (integration)', () => {
  // Small chunks: on the old code a cancelled 50-item batch had committed 5 chunks already.
  const h = new ForceNodeHarness('36', { INTAKE_CHUNK_SIZE: '10' });
  const run = randomUUID().slice(0, 8);
  let db: Client;
  const statusTexts: string[] = [];
  let n = 0;
  const person = (id: string, family = `Hyg${run}x${++n}`): PersonRecord =>
    personRecord({
      sourceRecordId: `${run}-${id}`,
      names: [{ given: ['Iris'], family, type: 'NAME_TYPE_BIRTH' as never }],
      dateOfBirth: { year: 1940 + (n % 60), month: 1 + (n % 12), day: 1 + (n % 28) },
    });
  const item = (p: PersonRecord): BatchItem => ({ person: p, incident: undefined });

  async function refusal(p: Promise<unknown>): Promise<ServiceError> {
    const err = (await p.then(
      () => {
        throw new Error('the call was accepted');
      },
      (e: unknown) => e,
    )) as ServiceError;
    statusTexts.push(err.details);
    return err;
  }
  async function stored(prefix: string): Promise<{ persons: number; outbox: number }> {
    const r = await db.query<{ persons: string; outbox: string }>(
      `SELECT (SELECT count(*) FROM person_record WHERE source_record_id LIKE $1) AS persons,
              (SELECT count(*) FROM outbox o JOIN person_record p
                 ON o.key = '36:' || p.nominal_id::text
               WHERE p.source_record_id LIKE $1) AS outbox`,
      [`${prefix}%`],
    );
    return { persons: Number(r.rows[0]?.persons), outbox: Number(r.rows[0]?.outbox) };
  }
  const outboxRows = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0]?.n);

  beforeAll(async () => {
    await h.start();
    db = new Client({ connectionString: withDatabase(h.infra.databaseUrl, h.dbName) });
    await db.connect();
    // A rule of the test's own database that validation cannot know: PostgreSQL refuses any
    // record whose id holds "poison" (a CHECK violation, SQLSTATE 23514: a data failure).
    await db.query(
      `ALTER TABLE person_record ADD CONSTRAINT test_poison CHECK (source_record_id NOT LIKE '%poison%')`,
    );
  });
  afterAll(async () => {
    await db?.end();
    await h.stop();
  });

  it.each([
    ['NUL', 'Smi\u0000th', 'U+0000'],
    ['a bidi override', 'Smi\u202Eht', 'U+202E'],
    ['a control character', 'Smi\u001bth', 'U+001B'],
    ['U+FFFD', 'Smi\uFFFDth', 'U+FFFD'],
    // A lone surrogate cannot be encoded as UTF-8: the client sends invalid UTF-8 on the wire,
    // which protobuf decodes as U+FFFD at the node.
    ['invalid UTF-8 (a lone surrogate on the client)', 'Smi\uD800th', 'U+FFFD'],
  ])(
    'refuses %s in a name with INVALID_ARGUMENT naming the field; stores nothing',
    async (_, family, cp) => {
      const rec = person(`bad-${cp.slice(2)}-${family.length}`, family);
      const err = await refusal(h.client.submitPerson(rec));
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(err.details).toMatch(/^names\[0\]\.family: /);
      expect(err.details).toContain(cp);
      expect(await stored(rec.sourceRecordId)).toEqual({ persons: 0, outbox: 0 });
    },
  );

  it('refuses a NUL in a withdrawal reason with INVALID_ARGUMENT naming the field', async () => {
    await h.client.submitPerson(person('wd'));
    const err = await refusal(
      h.client.withdraw({
        sourceSystem: 'niche-rms',
        sourceRecordId: `${run}-wd`,
        reason: 'MoPI review\u0000',
        kind: 'RECORD_KIND_PERSON' as never,
      }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^reason: /);
  });

  it('a batch with four good items and one bad one keeps the four', async () => {
    const items = [0, 1, 2, 3, 4].map((i) =>
      item(person(`mix-${i}`, i === 2 ? `Bad\u0000${run}` : undefined)),
    );
    const summary = await h.client.submitBatch(items);
    expect(summary).toMatchObject({ received: 5, accepted: 4, rejected: 1 });
    expect(summary.results[2]).toMatchObject({
      index: 2,
      error: { code: 'INVALID_ARGUMENT', field: 'person.names[0].family' },
    });
    expect(await stored(`${run}-mix-`)).toEqual({ persons: 4, outbox: 4 });
  });

  it('a record the database refuses costs only itself in a batch, reported by index, with no internal text', async () => {
    const items = [0, 1, 2, 3, 4].map((i) => item(person(i === 3 ? `db-poison-${i}` : `db-${i}`)));
    const summary = await h.client.submitBatch(items);
    expect(summary).toMatchObject({ received: 5, accepted: 4, rejected: 1 });
    const bad = summary.results[3];
    expect(bad?.index).toBe(3);
    expect(bad?.error?.code).toBe('INTERNAL');
    expect(bad?.error?.message).toMatch(/reference [0-9a-f-]{36}/);
    statusTexts.push(bad?.error?.message ?? '');
    expect(await stored(`${run}-db-`)).toEqual({ persons: 4, outbox: 4 });
  });

  it('a record the database refuses is INTERNAL with a reference (not "retry it"), logged and counted', async () => {
    const err = await refusal(h.client.submitPerson(person('one-poison')));
    expect(err.code).toBe(status.INTERNAL);
    const ref = /reference ([0-9a-f-]{36})/.exec(err.details)?.[1];
    expect(ref).toBeDefined();
    expect(err.details).not.toMatch(/retry it/);
    // The log line carries the reference and the SQLSTATE, never the record or PG's message.
    await waitFor(() => h.node.logs.some((l) => l.includes(ref as string)), {
      timeoutMs: 5000,
      what: 'the failure log line',
    });
    const line = h.node.logs.find((l) => l.includes(ref as string));
    expect(line).toContain('"sqlState":"23514"');
    expect(line).not.toContain('one-poison');
    expect(line).not.toContain('violates');
    const metrics = await (await fetch(`${h.node.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/intake_failures_total\{rpc="SubmitPerson",kind="data"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/intake_failures_total\{rpc="SubmitBatch",kind="data"[^}]*\} [1-9]/);
  });

  it('no status message carries internal error text', () => {
    expect(statusTexts.length).toBeGreaterThan(5);
    for (const t of statusTexts)
      expect(t).not.toMatch(/violates|constraint|invalid byte sequence|syntax|QueryFailed|0x00/i);
  });

  it('a cancelled SubmitBatch keeps nothing, and puts nothing in the outbox', async () => {
    const before = await outboxRows();
    const call = h.client.openBatch();
    for (let i = 0; i < 50; i++) await call.write(item(person(`cx-${i}`)));
    // Let the node receive (on the old code: and commit) what was sent.
    await new Promise((r) => setTimeout(r, 1500));
    call.cancel();
    const err = (await call.summary.catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.CANCELLED);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await stored(`${run}-cx-`)).toEqual({ persons: 0, outbox: 0 });
    expect(await outboxRows()).toBe(before);
  });

  it('a slow batch holds no lock while it streams; a completed batch stores all', async () => {
    const call = h.client.openBatch();
    for (let i = 0; i < 25; i++) await call.write(item(person(`ok-${i}`)));
    // Another submission goes through while the batch is still open.
    const other = await h.client.submitPerson(person('meanwhile'));
    expect(other.outcome).toBe('SUBMIT_OUTCOME_CREATED');
    for (let i = 25; i < 50; i++) await call.write(item(person(`ok-${i}`)));
    call.end();
    const summary = await call.summary;
    expect(summary).toMatchObject({ received: 50, accepted: 50, rejected: 0 });
    expect(await stored(`${run}-ok-`)).toEqual({ persons: 50, outbox: 50 });
  });

  it('refuses a batch beyond MAX_BATCH_ITEMS, keeping nothing of it', async () => {
    const small = new ForceNodeHarness('36', { MAX_BATCH_ITEMS: '5' });
    await small.start();
    try {
      const err = (await small.client
        .submitBatch([0, 1, 2, 3, 4, 5].map((i) => item(person(`big-${i}`))))
        .catch((e: unknown) => e)) as ServiceError;
      expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(err.details).toMatch(/at most 5 items/);
      const sdb = new Client({
        connectionString: withDatabase(small.infra.databaseUrl, small.dbName),
      });
      await sdb.connect();
      const r = await sdb.query<{ n: string }>('SELECT count(*) AS n FROM person_record');
      await sdb.end();
      expect(Number(r.rows[0]?.n)).toBe(0);
    } finally {
      await small.stop();
    }
  });
});
