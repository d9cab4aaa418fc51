import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  AuditLog,
  AuditPersonIds1765700000000,
  GENESIS_HASH,
  PERSON_IDS_BACKFILL_BATCH,
  auditPersonIds,
  canonicalJson,
  chainHash,
  verifyAuditChain,
} from '@intel/audit';
import { withDatabase } from '@intel/db';
import { INTEL_HUB_MIGRATIONS } from '../src/database/migrations';
import { hubDatabase } from './hub-database.fixture';

// The persons column (audit_log.person_ids) against the SQL function it replaces on the
// auditors' index: the appender's JS extraction equals audit_person_ids() on generated
// documents, and the migration fills a log written before it (more rows than a batch), swaps
// the indexes and leaves the chain verifying, the append-only trigger on.

/** A seeded generator (mulberry32): the same documents on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Names that count, near misses, and keys built to look like a member inside other text.
const KEYS = [
  'personId',
  'nationalPersonId',
  'personId',
  'nationalPersonId',
  'PersonId',
  'personid',
  'xpersonId',
  'personId"',
  'a,"personId',
  '{',
  '\\',
  'holdings',
  'forceCode',
  'nominalId',
  'matches',
  'withheld',
];
const PIECES = ['a', 'Z', '7', '-', '"', '\\', ',', '{', '}', '[', ']', ':', ' ', 'é', '😀'];
const TRICKS = ['\u2028', '\n', 'personId', '"personId":"x"', ',"nationalPersonId":"y"'];

function generator(random: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const text = (): string => {
    const n = Math.floor(random() * 6);
    let s = '';
    for (let i = 0; i < n; i++) s += random() < 0.1 ? pick(TRICKS) : pick(PIECES);
    return s;
  };
  const scalar = (): unknown => {
    const k = random();
    if (k < 0.5) return text();
    if (k < 0.7) return Math.floor(random() * 2000) - 1000;
    if (k < 0.85) return random() < 0.5;
    return null;
  };
  const array = (depth: number): unknown[] =>
    Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
  const object = (depth: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    const n = Math.floor(random() * 5);
    for (let i = 0; i < n; i++) {
      const key = random() < 0.75 ? pick(KEYS) : text();
      const k = random();
      // The two names get strings and arrays (lax mode) more often than other members.
      o[key] =
        /^(national)?[Pp]ersonId$/.test(key) && k < 0.6
          ? k < 0.4
            ? text()
            : array(depth)
          : value(depth + 1);
    }
    return o;
  };
  const value = (depth: number): unknown => {
    const k = random();
    if (depth > 4 || k < 0.3) return scalar();
    return k < 0.6 ? array(depth) : object(depth);
  };
  /** A request or a response: mostly an object, sometimes an array or a scalar. */
  return (): unknown => (random() < 0.85 ? object(0) : value(1));
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('audit person ids (integration: real PostgreSQL)', () => {
  const hub = hubDatabase('it_audit_person_ids');
  const { serverUrl, dbName, database } = hub;
  let su: Client;
  /** The verifier's connection (as the superuser: it reads the whole log). */
  let superDs: DataSource;
  let app: DataSource;
  const document = generator(seeded(20261207));
  const ROWS = 2 * PERSON_IDS_BACKFILL_BATCH + 321;

  beforeAll(async () => {
    const before = INTEL_HUB_MIGRATIONS.indexOf(AuditPersonIds1765700000000);
    expect(before).toBeGreaterThan(0);
    await hub.provision(INTEL_HUB_MIGRATIONS.slice(0, before));
    su = new Client({ connectionString: withDatabase(serverUrl, dbName) });
    await su.connect();
    superDs = new DataSource({
      type: 'postgres',
      url: withDatabase(serverUrl, dbName),
      extra: { max: 1 },
    });
    await superDs.initialize();
  });
  afterAll(async () => {
    await app?.destroy();
    await superDs?.destroy();
    await su?.end();
    await hub.drop();
  });

  it('given a log written before the column, then the migration fills every row in batches, swaps the indexes and the chain still verifies', async () => {
    expect(
      (await su.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'audit_log_persons'`)).rowCount,
    ).toBe(1);
    // A chain as an older hub wrote it (no person_ids), with generated requests and responses.
    const rows = [];
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= ROWS; seq++) {
      const row = {
        seq,
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
        callerForce: '36',
        callerName: `analyst:u${seq % 7}`,
        action: 'Analyst.search',
        purposeCode: 'SAFEGUARDING',
        reason: `reason ${seq}`,
        operationRef: '',
        request: document(),
        response: document(),
        recipients: ['36'],
        prevHash,
      };
      prevHash = chainHash(prevHash, row);
      rows.push({ ...row, hash: prevHash });
    }
    await su.query(
      `INSERT INTO audit_log (seq, at, caller_force, caller_name, action, purpose_code, reason,
                              operation_ref, request, response, recipients, prev_hash, hash)
       SELECT t.seq, t.at, '36', t.caller_name, 'Analyst.search', 'SAFEGUARDING', t.reason, '',
              COALESCE(t.request, 'null'), COALESCE(t.response, 'null'), ARRAY['36'],
              t.prev_hash, t.hash
       FROM jsonb_to_recordset($1::jsonb) AS t(seq bigint, at timestamptz, caller_name text,
              reason text, request jsonb, response jsonb, prev_hash text, hash text)`,
      [
        `[${rows
          .map(
            (r) =>
              `{"seq":${r.seq},"at":"${r.at.toISOString()}","caller_name":"${r.callerName}"` +
              `,"reason":"${r.reason}","request":${canonicalJson(r.request)}` +
              `,"response":${canonicalJson(r.response)},"prev_hash":"${r.prevHash}","hash":"${r.hash}"}`,
          )
          .join(',')}]`,
      ],
    );
    await su.query(`INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)`, [ROWS, prevHash]);

    await hub.provision();

    const [filled] = (
      await su.query<{ nulls: number; named: number }>(
        `SELECT count(*) FILTER (WHERE person_ids IS NULL)::int AS nulls,
                count(*) FILTER (WHERE cardinality(person_ids) > 0)::int AS named
         FROM audit_log`,
      )
    ).rows;
    expect(filled?.nulls).toBe(0);
    expect(filled?.named).toBeGreaterThan(ROWS / 4);
    // Every row's column as the JS extraction gives it from the hashed request and response.
    expect(await verifyAuditChain(superDs)).toMatchObject({ ok: true, rows: ROWS, problems: [] });

    const indexes = (
      await su.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_log'`,
      )
    ).rows;
    expect(indexes.map((i) => i.indexname)).not.toContain('audit_log_persons');
    expect(indexes.find((i) => i.indexname === 'audit_log_person_ids')?.indexdef).toMatch(
      /USING gin \(person_ids\)/,
    );
    const [valid] = (
      await su.query<{ indisvalid: boolean }>(
        `SELECT indisvalid FROM pg_index WHERE indexrelid = 'audit_log_person_ids'::regclass`,
      )
    ).rows;
    expect(valid?.indisvalid).toBe(true);
    // The append-only trigger is on again, for everyone.
    const [trigger] = (
      await su.query<{ tgenabled: string }>(
        `SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_log_no_change'`,
      )
    ).rows;
    expect(trigger?.tgenabled).toBe('O');
    await expect(su.query(`UPDATE audit_log SET person_ids = '{}' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('given generated documents (nested, arrays, other types, the names at any depth or inside text), then the JS extraction equals audit_person_ids()', async () => {
    const pairs = Array.from({ length: 4000 }, () => [document(), document()] as const);
    let named = 0;
    for (let from = 0; from < pairs.length; from += 500) {
      const chunk = pairs.slice(from, from + 500);
      const texts = chunk.map(([a, b]) => [canonicalJson(a), canonicalJson(b)] as const);
      const { rows } = await su.query<{ i: string; ids: string[] }>(
        `SELECT t.i, audit_person_ids(t.d -> 0, t.d -> 1) AS ids
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(d, i) ORDER BY t.i`,
        [`[${texts.map(([a, b]) => `[${a},${b}]`).join(',')}]`],
      );
      expect(rows).toHaveLength(chunk.length);
      rows.forEach((r, k) => {
        const [a, b] = texts[k] as readonly [string, string];
        const js = auditPersonIds(a, b);
        if (js.length > 0) named++;
        expect({ doc: k + from, ids: js }).toEqual({
          doc: k + from,
          ids: [...r.ids].sort(byCodeUnit),
        });
      });
    }
    // The generator names persons often enough for the comparison to mean something.
    expect(named).toBeGreaterThan(pairs.length / 4);
  });

  it('given the hub role appending through AuditLog, then the column is the JS extraction; a row inserted without it is filled by the trigger', async () => {
    app = new DataSource({ type: 'postgres', url: database.appUrl, extra: { max: 2 } });
    await app.initialize();
    const log = new AuditLog(app);
    const receipts = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        log.append({
          at: new Date(Date.UTC(2026, 1, 1, 0, 0, i)),
          callerForce: '36',
          callerName: 'DC 1',
          action: 'CheckPerson',
          purposeCode: 'SAFEGUARDING',
          reason: `r${i}`,
          operationRef: '',
          request: document(),
          response: document(),
          recipients: [],
        }),
      ),
    );
    await log.close();
    const { rows } = await su.query<{ stored: string[]; computed: string[] }>(
      `SELECT person_ids AS stored, audit_person_ids(request, response) AS computed
       FROM audit_log WHERE seq = ANY($1::bigint[])`,
      [receipts.map((r) => r.seq)],
    );
    expect(rows).toHaveLength(50);
    for (const r of rows)
      expect([...r.stored].sort(byCodeUnit)).toEqual([...r.computed].sort(byCodeUnit));
    expect(await verifyAuditChain(superDs)).toMatchObject({ ok: true, rows: ROWS + 50 });

    // A row outside the chain (seq 0), as SQL typed by hand or an older hub would write it.
    await su.query(
      `INSERT INTO audit_log (seq, at, caller_force, caller_name, action, purpose_code, reason,
                              operation_ref, request, response, recipients, prev_hash, hash)
       VALUES (0, now(), '36', 'x', 'x', 'x', 'x', '', '{"personId":"p0"}', '[{"nationalPersonId":"p1"}]', '{}', '', '')`,
    );
    const [zero] = (
      await su.query<{ person_ids: string[] }>(`SELECT person_ids FROM audit_log WHERE seq = 0`)
    ).rows;
    expect(zero?.person_ids).toEqual(['p0', 'p1']);
  });
});
