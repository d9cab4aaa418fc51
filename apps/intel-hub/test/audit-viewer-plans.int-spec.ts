import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { withDatabase } from '@intel/db';
import {
  auditEntriesQuery,
  type AuditEntriesFilter,
} from '../src/analyst/audit-viewer/audit-entries.query';
import { hubDatabase } from './hub-database.fixture';

// The plans of the auditors' queries on a log of 100,000 entries (a year of them, 43 forces,
// 2,000 users, 20,000 persons), read as the auditor role: each shape of query on its index,
// none reading the log along its key. docs/analyst.md has the same at a million entries, with
// timings.
const ROWS = 100_000;

describe('audit viewer query plans (integration: real PostgreSQL)', () => {
  const hub = hubDatabase('it_audit_plans');
  const { serverUrl, dbName, database: db } = hub;
  let su: Client;
  let auditor: DataSource;

  beforeAll(async () => {
    await hub.provision();
    su = new Client({ connectionString: withDatabase(serverUrl, dbName) });
    await su.connect();
    // Synthetic rows straight in (their hashes are not a chain: only the plans matter here).
    await su.query(
      `INSERT INTO audit_log
       SELECT g, timestamptz '2025-01-01' + g * (interval '1 year' / $1),
              lpad(((g % 43) + 1)::text, 2, '0'), 'analyst:u' || (g % 2000), 'Analyst.getDossier',
              'PREVENTING_OFFENCES', 'reason ' || g, '',
              jsonb_build_object('user', jsonb_build_object('sub', 'u' || (g % 2000)),
                                 'personId', md5((g % 20000)::text)::uuid::text),
              jsonb_build_object('nationalPersonId', md5((g % 20000)::text)::uuid::text,
                'holdings', jsonb_build_array(jsonb_build_object('forceCode', '36',
                  'nominalId', 'n' || g, 'disclosure', 'DISCLOSURE_FULL'))),
              ARRAY[lpad(((g % 43) + 1)::text, 2, '0')], '', ''
       FROM generate_series(1, $1::int) g`,
      [ROWS],
    );
    // What autosummarize does as ranges fill, done now rather than by autovacuum later.
    await su.query(`SELECT brin_summarize_new_values('audit_log_at')`);
    await su.query('ANALYZE audit_log');
    auditor = new DataSource({ type: 'postgres', url: db.auditorUrl, extra: { max: 1 } });
    await auditor.initialize();
  });
  afterAll(async () => {
    await auditor?.destroy();
    await su?.end();
    await hub.drop();
  });

  interface PlanNode {
    'Node Type': string;
    'Index Name'?: string;
    Plans?: PlanNode[];
  }

  /** The plan's node types and index names, from EXPLAIN (FORMAT JSON). */
  async function plan(f: Omit<AuditEntriesFilter, 'limit'>): Promise<string> {
    const q = auditEntriesQuery({ ...f, limit: 51 }, new Date('2026-06-01T00:00:00Z'));
    const [row] = await auditor.query<Array<{ 'QUERY PLAN': unknown }>>(
      `EXPLAIN (FORMAT JSON) ${q.text}`,
      q.values,
    );
    const nodes: string[] = [];
    const walk = (n: PlanNode) => {
      nodes.push(`${n['Node Type']}${n['Index Name'] ? ` on ${n['Index Name']}` : ''}`);
      for (const c of n.Plans ?? []) walk(c);
    };
    walk((row!['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan);
    return nodes.join(' > ');
  }

  const person = '8f14e45f-ceea-167a-5a36-dedd4bea2543'; // md5('7') as a uuid, as seeded.

  it('who consulted a person: the GIN index on the persons an entry names', async () => {
    expect(await plan({ personIds: [person] })).toMatch(
      /Bitmap Index Scan on audit_log_person_ids/,
    );
    expect(
      await plan({ personIds: [person], visibleTo: '36', from: new Date('2025-06-01') }),
    ).toMatch(/Bitmap Index Scan on audit_log_person_ids/);
  });

  it('the persons index keeps no pending list: no append pays for merging the others’ entries', async () => {
    // Every row above went into the index as it was inserted: nothing is left to merge (with
    // PostgreSQL's default, fastupdate, they would all be waiting in the pending list).
    const [cleaned] = (
      await su.query<{ pages: string }>(
        `SELECT gin_clean_pending_list('audit_log_person_ids') AS pages`,
      )
    ).rows;
    expect(Number(cleaned?.pages)).toBe(0);
    const [options] = (
      await su.query<{ reloptions: string[] | null }>(
        `SELECT reloptions FROM pg_class WHERE relname = 'audit_log_person_ids'`,
      )
    ).rows;
    expect(options?.reloptions).toContain('fastupdate=off');
  });

  it('what a user consulted: the caller index (read backwards, or a bitmap of the few)', async () => {
    const p = await plan({ callerName: 'analyst:u77', beforeSeq: '50000' });
    expect(p).toMatch(/Index Scan on audit_log_caller/);
    expect(p).not.toMatch(/audit_log_pkey/);
  });

  it('over a past period: the BRIN index on at, then a top-N sort; never the key with a filter', async () => {
    const p = await plan({ from: new Date('2025-03-01'), to: new Date('2025-03-02') });
    expect(p).toMatch(/Bitmap Index Scan on audit_log_at/);
    expect(p).not.toMatch(/audit_log_pkey/);
  });

  it('the newest entries, and a force auditor’s: the primary key read backwards', async () => {
    expect(await plan({})).toMatch(/^Limit > Index Scan on audit_log_pkey$/);
    expect(await plan({ visibleTo: '36', beforeSeq: '90000' })).toMatch(
      /Index Scan on audit_log_pkey/,
    );
  });
});
