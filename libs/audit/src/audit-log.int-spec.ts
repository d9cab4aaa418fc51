import { Socket } from 'node:net';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { loadToolConfig } from '@intel/config';
import { dropDatabase, openDatabase, withDatabase } from '@intel/db';
import { uniqueDbName } from '@intel/testing';
import { canonicalJson, type AuditEntryInput } from './audit-entry';
import type { AuditCompanion } from './audit-companion';
import { AuditLog, type AuditReceipt } from './audit-log';
import { AuditLog1764500000000 } from './audit-migration';
import { AuditPersonIds1765700000000 } from './audit-person-ids-migration';
import { verifyAuditChain, verifyAuditRange } from './verify-audit-chain';

// Real PostgreSQL, nothing mocked: a fresh database, two DataSources standing for two hub
// processes appending to one chain, and tampering done as the superuser would (trigger off).
/** A fresh database, two DataSources standing for two hub processes, and a superuser client. */
function twoProcesses(prefix: string) {
  const serverUrl = loadToolConfig().databaseUrl;
  const dbName = uniqueDbName(prefix);
  const ctx = {} as { processA: DataSource; processB: DataSource; db: Client };
  beforeAll(async () => {
    const open = () =>
      openDatabase({
        serverUrl,
        name: dbName,
        migrations: [AuditLog1764500000000, AuditPersonIds1765700000000],
        poolSize: 4,
      });
    [ctx.processA, ctx.processB] = await Promise.all([open(), open()]);
    ctx.db = new Client({ connectionString: withDatabase(serverUrl, dbName) });
    await ctx.db.connect();
  });
  afterAll(async () => {
    await ctx.db?.end();
    await ctx.processA?.destroy();
    await ctx.processB?.destroy();
    await dropDatabase(serverUrl, dbName).catch(() => undefined);
  });
  return ctx;
}

/** Runs `fn` with the append-only trigger off, as a superuser tampering would. */
async function tamper<T>(db: Client, fn: () => Promise<T>): Promise<T> {
  await db.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change');
  try {
    return await fn();
  } finally {
    await db.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change');
  }
}

/** A plain entry number `i` (its time, reason and request follow i). */
function plainEntry(i: number, over: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    at: new Date(Date.UTC(2026, 10, 28, 9, 0, 0, i)),
    callerForce: '36',
    callerName: 'DC 1 Test',
    action: 'CheckPerson',
    purposeCode: 'SAFEGUARDING',
    reason: `reason ${i}`,
    operationRef: '',
    request: { i },
    response: {},
    recipients: [],
    ...over,
  };
}

describe('AuditLog (integration: real PostgreSQL)', () => {
  const ctx = twoProcesses('it_audit');
  let processA: DataSource;
  let processB: DataSource;
  let db: Client;
  beforeAll(() => ({ processA, processB, db } = ctx));

  function entry(i: number): AuditEntryInput {
    return {
      at: new Date(Date.UTC(2025, 10, 30, 9, 0, 0, i)),
      callerForce: i % 2 ? '36' : '46',
      callerName: `DC ${1000 + i} O'Brien`,
      action: 'CheckPerson',
      purposeCode: 'SAFEGUARDING',
      // Text fields travel to PostgreSQL inside a JSON document: quotes, backslashes, non-ASCII.
      reason: `reason ${i}: "Zoë" \\ 😀\t`,
      operationRef: `OP-${i}`,
      // Keys out of order, a Date, non-ASCII and escapes, numbers jsonb writes differently.
      request: {
        z: i,
        a: { when: new Date(Date.UTC(2024, 0, 1)), list: [3, 1, 2], text: 'Zoë "x" \\ 😀\n' },
        big: 1e21,
        small: 5e-324,
        frac: 0.1,
        none: null,
        gone: undefined,
      },
      response: i % 5 === 0 ? [] : { hits: [{ force: '01', handling: 'HIT_ONLY' }], n: i },
      recipients: i % 3 === 0 ? [] : ['46', '36'],
    };
  }

  async function sql<T>(text: string, params?: unknown[]): Promise<T[]> {
    return (await db.query(text, params)).rows as T[];
  }

  const tampering = <T>(fn: () => Promise<T>) => tamper(db, fn);

  it('given 200 concurrent appends from two processes, then they get seq 1..200 in one valid chain, committed in groups', async () => {
    const logA = new AuditLog(processA);
    const logB = new AuditLog(processB);
    const rows = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? logA : logB).append(entry(i))),
    );
    await Promise.all([logA.close(), logB.close()]);

    expect(rows.map((r) => r.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    // Each caller got the receipt of its own entry.
    const reasons = new Map(
      (await sql<{ seq: string; reason: string }>('SELECT seq, reason FROM audit_log')).map((r) => [
        Number(r.seq),
        r.reason,
      ]),
    );
    rows.forEach((r, i) => expect(reasons.get(r.seq)).toBe(`reason ${i}: "Zoë" \\ 😀\t`));
    // Rows committed by one transaction share its xmin: far fewer transactions than appends.
    const [tx] = await sql<{ n: number }>(
      'SELECT count(DISTINCT xmin::text)::int AS n FROM audit_log',
    );
    expect(tx?.n).toBeLessThanOrEqual(10);
    // What was stored is the entry as written (after jsonb's normalisation), under the hash
    // the caller was given.
    const sample = rows[7] as AuditReceipt;
    const [stored] = await sql<{ request: unknown; recipients: string[]; hash: string }>(
      'SELECT request, recipients, hash FROM audit_log WHERE seq = $1',
      [sample.seq],
    );
    expect(stored).toEqual({
      request: JSON.parse(canonicalJson(entry(7).request)) as unknown,
      recipients: entry(7).recipients,
      hash: sample.hash,
    });

    const progress: Array<[number, number]> = [];
    const result = await verifyAuditChain(processA, {
      pageSize: 64,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result).toMatchObject({ ok: true, rows: 200, problems: [], head: { seq: 200 } });
    expect(progress).toEqual([
      [0, 200],
      [64, 200],
      [128, 200],
      [192, 200],
      [200, 200],
    ]);
    // A page size that divides the row count exactly ends on an empty page.
    expect(await verifyAuditChain(processB, { pageSize: 50 })).toMatchObject({
      ok: true,
      rows: 200,
    });
  });

  it('given the append-only trigger, then UPDATE, DELETE and TRUNCATE are refused', async () => {
    await expect(db.query(`UPDATE audit_log SET reason = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });

  it('given the transaction fails, then every append in the group rejects, nothing is written, and the chain carries on', async () => {
    await db.query('ALTER TABLE audit_log ADD CONSTRAINT it_refuse CHECK (seq <= 200)');
    const log = new AuditLog(processA);
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => log.append(entry(300 + i))),
      );
      expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('rejected'));
      expect(await sql('SELECT seq, hash FROM audit_head')).toEqual([
        expect.objectContaining({ seq: '200' }),
      ]);
    } finally {
      await db.query('ALTER TABLE audit_log DROP CONSTRAINT it_refuse');
    }
    const next = await log.append(entry(305));
    await log.close();
    await expect(log.append(entry(306))).rejects.toThrow(/closed/);
    expect(next.seq).toBe(201);
    expect(await verifyAuditChain(processA)).toMatchObject({ ok: true, rows: 201 });
  });

  it('given a reason changed in place, then that row is reported as altered', async () => {
    const [original] = await sql<{ reason: string }>('SELECT reason FROM audit_log WHERE seq = 57');
    await tampering(() => db.query(`UPDATE audit_log SET reason = 'routine check' WHERE seq = 57`));
    const result = await verifyAuditChain(processA);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ seq: 57, problem: expect.stringContaining('altered') }]);

    await tampering(() =>
      db.query('UPDATE audit_log SET reason = $1 WHERE seq = 57', [original?.reason]),
    );
    expect((await verifyAuditChain(processA)).ok).toBe(true);
  });

  it('given a middle row deleted, then its seq is reported missing', async () => {
    await db.query('CREATE TABLE it_saved AS SELECT * FROM audit_log WHERE seq = 120');
    await tampering(() => db.query('DELETE FROM audit_log WHERE seq = 120'));
    const result = await verifyAuditChain(processA, { pageSize: 100 });
    expect(result).toMatchObject({ ok: false, rows: 200 });
    expect(result.problems).toEqual([{ seq: 120, problem: 'row 120 is missing (deleted)' }]);

    await db.query('INSERT INTO audit_log SELECT * FROM it_saved');
    await db.query('DROP TABLE it_saved');
    expect((await verifyAuditChain(processA)).ok).toBe(true);
  });

  it('given the last row deleted, then audit_head shows its seq missing from the end', async () => {
    await tampering(() => db.query('DELETE FROM audit_log WHERE seq = 201'));
    const result = await verifyAuditChain(processB);
    expect(result).toMatchObject({ ok: false, rows: 200, head: { seq: 201 } });
    expect(result.problems).toEqual([
      { seq: 201, problem: expect.stringContaining('missing from the end') },
    ]);
  });
});

// The one-statement path for a head this process committed, against a chain another process
// moves on in between, and a failure on that path.
describe('AuditLog known-head path (integration: real PostgreSQL)', () => {
  const ctx = twoProcesses('it_audit_head');
  let processA: DataSource;
  let processB: DataSource;
  let db: Client;
  beforeAll(() => ({ processA, processB, db } = ctx));

  const entry = (i: number) => plainEntry(i);

  it('given another process moved the head, then the group is written by the locked path and the chain stays whole', async () => {
    const logA = new AuditLog(processA);
    const logB = new AuditLog(processB);
    for (let i = 1; i <= 3; i++) expect((await logA.append(entry(i))).seq).toBe(i);
    // The first group had to read the head; the next two went in one statement each.
    expect(logA.commits).toEqual({ locked: 1, knownHead: 2 });

    expect((await logB.append(entry(4))).seq).toBe(4);
    const both = await Promise.all([logA.append(entry(5)), logA.append(entry(6))]);
    expect(both.map((r) => r.seq)).toEqual([5, 6]);
    // A's remembered head (3) was stale: nothing was written on it, the locked path took over.
    expect(logA.commits).toEqual({ locked: 2, knownHead: 2 });
    expect((await logA.append(entry(7))).seq).toBe(7);
    expect(logA.commits).toEqual({ locked: 2, knownHead: 3 });

    const [stored] = (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE seq <= 7')
    ).rows;
    expect(stored?.n).toBe(7);
    expect(await verifyAuditChain(processA)).toMatchObject({
      ok: true,
      rows: 7,
      head: { seq: 7 },
    });
    await Promise.all([logA.close(), logB.close()]);
  });

  it('given the one-statement write fails, then the group rejects, nothing is written, and the next group re-reads the head', async () => {
    const log = new AuditLog(processA);
    expect((await log.append(entry(8))).seq).toBe(8);
    expect((await log.append(entry(9))).seq).toBe(9);
    expect(log.commits.knownHead).toBe(1);
    await db.query('ALTER TABLE audit_log ADD CONSTRAINT it_refuse CHECK (seq <= 9)');
    try {
      await expect(log.append(entry(10))).rejects.toThrow(/it_refuse/);
      expect((await db.query('SELECT seq FROM audit_head')).rows).toEqual([{ seq: '9' }]);
    } finally {
      await db.query('ALTER TABLE audit_log DROP CONSTRAINT it_refuse');
    }
    expect((await log.append(entry(11))).seq).toBe(10);
    expect(log.commits).toEqual({ locked: 2, knownHead: 1 });
    await log.close();
    expect(await verifyAuditChain(processA)).toMatchObject({ ok: true, rows: 10 });
  });

  it('given a group gathered while the one before commits, then its statement is sent as soon as that one commits, before the answers it released have run', async () => {
    const log = new AuditLog(processA);
    const start = (await log.append(entry(12))).seq;
    const write = jest.spyOn(Socket.prototype, 'write');
    try {
      let sentMeanwhile = -1;
      const written = write.mock.calls.length;
      // The first group's answer: a long run of continuations (an answer worked out and written).
      const first = log.append(entry(13)).then(async () => {
        const before = write.mock.calls.length;
        for (let i = 0; i < 1000; i++) await Promise.resolve();
        sentMeanwhile = write.mock.calls.length - before;
      });
      // Ticks only (no I/O between them: the first group cannot commit) until its statement is
      // out; then the next group gathers while it commits.
      while (write.mock.calls.length === written) await new Promise((r) => process.nextTick(r));
      const second = log.append(entry(14));
      await Promise.all([first, second]);
      // Written while the first group's answer ran: the second group's statement.
      expect(sentMeanwhile).toBeGreaterThan(0);
      expect((await second).seq).toBe(start + 2);
      expect(log.commits).toEqual({ locked: 1, knownHead: 2 });
    } finally {
      write.mockRestore();
    }
    await log.close();
    expect(await verifyAuditChain(processA)).toMatchObject({ ok: true, rows: start + 2 });
  });
});

// Companion rows (e.g. a consultation's alerts) go in the entry's own commit.
describe('AuditLog companion rows (integration: real PostgreSQL)', () => {
  const ctx = twoProcesses('it_audit_companion');
  let processA: DataSource;
  let processB: DataSource;
  let db: Client;
  beforeAll(async () => {
    ({ processA, processB, db } = ctx);
    await db.query(`CREATE TABLE it_note (id bigserial PRIMARY KEY, note text NOT NULL)`);
    await db.query(`GRANT ALL ON it_note, it_note_id_seq TO PUBLIC`);
  });

  /** Notes written with their entry; each gets its id from the table's sequence. */
  const NOTES: AuditCompanion<string, { id: string; note: string }> = {
    name: 'it_notes',
    sql: (first, guard) => ({
      ctes: `
        it_note_ids AS (
          SELECT nextval('it_note_id_seq') AS id, t.*
          FROM unnest($${first}::text[]) WITH ORDINALITY AS t(note, ord) WHERE ${guard}),
        it_note_rows AS (INSERT INTO it_note (id, note) SELECT id, note FROM it_note_ids)`,
      output: '(SELECT ord, id::text AS value FROM it_note_ids)',
    }),
    params: (rows) => [rows],
    written: (note, id) => ({ id, note }),
  };
  const notes = (i: number) => Array.from({ length: i % 3 }, (_, k) => `note ${i}.${k}`);

  /** Each stored note's transaction, and each audit row's, by note and by seq. */
  async function transactions() {
    const n = await db.query<{ note: string; id: string; tx: string }>(
      'SELECT note, id::text, xmin::text AS tx FROM it_note',
    );
    const a = await db.query<{ seq: string; tx: string }>(
      'SELECT seq, xmin::text AS tx FROM audit_log',
    );
    return {
      notes: new Map(n.rows.map((r) => [r.note, r])),
      entries: new Map(a.rows.map((r) => [Number(r.seq), r.tx])),
    };
  }

  it('given appends with and without notes from two processes, then each note is stored once, in the commit of its own entry, and the chain is whole', async () => {
    const logA = new AuditLog(processA);
    const logB = new AuditLog(processB);
    const appends = Array.from({ length: 60 }, (_, i) => {
      const log = i % 2 ? logA : logB;
      return notes(i).length === 0
        ? log.append(plainEntry(i)).then((r) => ({ ...r, written: [] }))
        : log.append(plainEntry(i), { companion: NOTES, rows: notes(i) });
    });
    const receipts = await Promise.all(appends);
    await Promise.all([logA.close(), logB.close()]);

    const { notes: stored, entries } = await transactions();
    expect(stored.size).toBe(Array.from({ length: 60 }, (_, i) => notes(i)).flat().length);
    receipts.forEach((r, i) => {
      expect(r.written.map((w) => w.note)).toEqual(notes(i));
      for (const w of r.written) {
        // The id handed back is the stored one, and the note went in with its entry.
        expect(stored.get(w.note)?.id).toBe(w.id);
        expect(stored.get(w.note)?.tx).toBe(entries.get(r.seq));
      }
    });
    // Two processes taking turns move each other's head: these groups took the locked path (the
    // one-statement path is the next test's).
    expect(logA.commits.locked + logB.commits.locked).toBeGreaterThanOrEqual(2);
    expect(await verifyAuditChain(processA)).toMatchObject({ ok: true, rows: 60 });
  });

  it('given one append at a time at a known head, then each answer is one commit: entry and notes share one transaction, a new one each', async () => {
    const log = new AuditLog(processA);
    await log.append(plainEntry(100));
    const before = { ...log.commits };
    const receipts = [];
    for (let i = 101; i <= 110; i++)
      receipts.push(
        await log.append(plainEntry(i), { companion: NOTES, rows: [`one ${i}`, `two ${i}`] }),
      );
    expect(log.commits).toEqual({ locked: before.locked, knownHead: before.knownHead + 10 });
    const { notes: stored, entries } = await transactions();
    const txs = receipts.map((r) => entries.get(r.seq));
    expect(new Set(txs).size).toBe(10);
    receipts.forEach((r, k) => {
      expect(stored.get(`one ${101 + k}`)?.tx).toBe(txs[k]);
      expect(stored.get(`two ${101 + k}`)?.tx).toBe(txs[k]);
    });
    await log.close();
  });

  it('given the notes cannot be written, then the entry rejects and neither it nor any note is stored; given another process moved the head, then the notes go once, by the locked path', async () => {
    const log = new AuditLog(processA);
    const other = new AuditLog(processB);
    await log.append(plainEntry(200));
    const head = async () => (await db.query<{ seq: string }>('SELECT seq FROM audit_head')).rows;
    const at = await head();
    await db.query(`ALTER TABLE it_note ADD CONSTRAINT it_refuse CHECK (note <> 'refused')`);
    try {
      await expect(
        log.append(plainEntry(201), { companion: NOTES, rows: ['fine', 'refused'] }),
      ).rejects.toThrow(/it_refuse/);
    } finally {
      await db.query('ALTER TABLE it_note DROP CONSTRAINT it_refuse');
    }
    expect(await head()).toEqual(at);
    expect((await transactions()).notes.has('fine')).toBe(false);

    await other.append(plainEntry(202));
    await log.append(plainEntry(203));
    await other.append(plainEntry(204));
    const locked = log.commits.locked;
    const r = await log.append(plainEntry(205), { companion: NOTES, rows: ['moved'] });
    expect(log.commits.locked).toBe(locked + 1);
    const { notes: stored, entries } = await transactions();
    expect(stored.get('moved')).toEqual({
      note: 'moved',
      id: r.written[0]?.id,
      tx: entries.get(r.seq),
    });
    const [count] = (
      await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM it_note WHERE note = 'moved'`)
    ).rows;
    expect(count?.n).toBe(1);
    await Promise.all([log.close(), other.close()]);
    expect(await verifyAuditChain(processA)).toMatchObject({ ok: true });
  });
});

// A part of the chain checked on its own (the auditors' screen verifies a seq range).
describe('verifyAuditRange (integration: real PostgreSQL)', () => {
  const ctx = twoProcesses('it_audit_range');
  let processA: DataSource;
  let db: Client;
  beforeAll(async () => {
    ({ processA, db } = ctx);
    const log = new AuditLog(processA);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        log.append(plainEntry(i, { callerName: 'analyst:range', recipients: ['36'] })),
      ),
    );
    await log.close();
  });

  const tampering = (sql: string, params: unknown[] = []) =>
    tamper(db, () => db.query(sql, params));

  it('given an intact chain, then any range verifies, in pages, and a range past the head ends at it', async () => {
    expect(
      await verifyAuditRange(processA, { fromSeq: 11, toSeq: 20 }, { pageSize: 3 }),
    ).toMatchObject({ ok: true, rows: 10, fromSeq: 11, toSeq: 20, firstBadSeq: undefined });
    expect(await verifyAuditRange(processA, { fromSeq: 1, toSeq: 1000 })).toMatchObject({
      ok: true,
      rows: 30,
      toSeq: 30,
      head: { seq: 30 },
    });
    expect(await verifyAuditRange(processA, { fromSeq: 31, toSeq: 40 })).toMatchObject({
      ok: true,
      rows: 0,
    });
    await expect(verifyAuditRange(processA, { fromSeq: 5, toSeq: 4 })).rejects.toThrow(RangeError);
  });

  it('given a row altered, then a range holding it reports it first, and a range before it does not', async () => {
    const [row] = (
      await db.query<{ reason: string }>('SELECT reason FROM audit_log WHERE seq = 17')
    ).rows;
    await tampering(`UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 17`);
    try {
      const r = await verifyAuditRange(processA, { fromSeq: 10, toSeq: 25 }, { pageSize: 4 });
      expect(r).toMatchObject({ ok: false, firstBadSeq: 17 });
      expect(r.problems).toEqual([{ seq: 17, problem: expect.stringContaining('altered') }]);
      expect((await verifyAuditRange(processA, { fromSeq: 1, toSeq: 16 })).ok).toBe(true);
    } finally {
      await tampering('UPDATE audit_log SET reason = $1 WHERE seq = 17', [row?.reason]);
    }
  });

  it('given the row before the range deleted, then it is reported and the range itself checked', async () => {
    await db.query('CREATE TABLE it_saved_range AS SELECT * FROM audit_log WHERE seq = 9');
    await tampering('DELETE FROM audit_log WHERE seq = 9');
    try {
      const r = await verifyAuditRange(processA, { fromSeq: 10, toSeq: 12 });
      expect(r).toMatchObject({ ok: false, rows: 3, firstBadSeq: 9 });
      expect(r.problems).toHaveLength(1);
    } finally {
      await db.query('INSERT INTO audit_log SELECT * FROM it_saved_range');
      await db.query('DROP TABLE it_saved_range');
    }
    expect((await verifyAuditRange(processA, { fromSeq: 1, toSeq: 30 })).ok).toBe(true);
  });
});

describe('AuditLog: the persons column (integration: real PostgreSQL)', () => {
  const ctx = twoProcesses('it_audit_persons');
  let processA: DataSource;
  let db: Client;
  beforeAll(() => ({ processA, db } = ctx));
  const sql = async <T>(text: string, params?: unknown[]) =>
    (await db.query(text, params)).rows as T[];
  const tampering = <T>(fn: () => Promise<T>) => tamper(db, fn);

  it('given entries naming persons, then person_ids holds what audit_person_ids gives for the stored entry, and a column changed afterwards is reported by the verifier', async () => {
    const log = new AuditLog(processA);
    const receipts = await Promise.all(
      [
        { personId: 'p "1" \\ é😀', other: { nationalPersonId: ['p2', ['no'], 3] } },
        { matches: [{ candidate: { personId: 'p3' } }, { personId: 7 }] },
        { note: '"personId":"no"' },
      ].map((request, i) =>
        log.append({ ...plainEntry(i), request, response: { personId: 'p3' } }),
      ),
    );
    await log.close();
    const seqs = receipts.map((r) => r.seq);
    const rows = await sql<{ stored: string[]; computed: string[] }>(
      `SELECT person_ids AS stored, audit_person_ids(request, response) AS computed
       FROM audit_log WHERE seq = ANY($1::bigint[]) ORDER BY seq`,
      [seqs],
    );
    const sorted = (a: string[]) => [...a].sort();
    expect(rows.map((r) => sorted(r.stored))).toEqual(rows.map((r) => sorted(r.computed)));
    expect(rows.map((r) => sorted(r.stored))).toEqual([
      ['p "1" \\ é😀', 'p2', 'p3'].sort(),
      ['p3'],
      ['p3'],
    ]);
    expect((await verifyAuditChain(processA)).ok).toBe(true);

    // Hidden from "who consulted p3": the hash still matches, the column does not.
    const hidden = seqs[1] as number;
    await tampering(() =>
      db.query(`UPDATE audit_log SET person_ids = '{}' WHERE seq = $1`, [hidden]),
    );
    try {
      const result = await verifyAuditChain(processA);
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([
        { seq: hidden, problem: expect.stringContaining('persons column (person_ids) differs') },
      ]);
    } finally {
      await tampering(() =>
        db.query(`UPDATE audit_log SET person_ids = '{p3}' WHERE seq = $1`, [hidden]),
      );
    }
    expect((await verifyAuditChain(processA)).ok).toBe(true);
  });
});
