import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditLog, type AuditEntryInput } from '@intel/audit';
import { withDatabase } from '@intel/db';
import { createLogger } from '@intel/observability';
import { NationalStoreRepository } from '../src/resolution/national-store.repository';
import { InvalidCursorError } from '../src/analyst/paging/keyset-cursor';
import { AuditReader } from '../src/analyst/audit-viewer/audit-reader';
import {
  AuditRangeTooLargeError,
  AuditViewerService,
} from '../src/analyst/audit-viewer/audit-viewer.service';
import { hubDatabase } from './hub-database.fixture';

// The auditors' screen on the real PostgreSQL with the real roles: the log appended by the
// hub's role, read back by the auditor role only, person merges from the national index,
// scopes per force, pages, and the chain verified over a range after a superuser tampers.
describe('AuditViewerService (integration: real PostgreSQL, real roles)', () => {
  const hub = hubDatabase('it_audit_viewer');
  const { serverUrl, dbName, database: db } = hub;
  const logger = createLogger('it', 'silent');
  let app: DataSource;
  let su: Client;
  let reader: AuditReader;
  let viewer: AuditViewerService;
  const store = new NationalStoreRepository();

  // P is the person now; P0 was merged into P, P00 into P0. Q is someone else.
  const [P, P0, P00, Q] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const seqOf: Record<string, string> = {};

  const entry = (over: Partial<AuditEntryInput>): AuditEntryInput => ({
    at: new Date(),
    callerForce: '46',
    callerName: 'analyst:u-46',
    action: 'Analyst.getDossier',
    purposeCode: 'PREVENTING_OFFENCES',
    reason: 'Operation Larch: safeguarding enquiry',
    operationRef: 'OP-LARCH',
    request: {},
    response: {},
    recipients: ['46'],
    ...over,
  });

  beforeAll(async () => {
    await hub.provision();
    app = new DataSource({ type: 'postgres', url: db.appUrl, extra: { max: 3 } });
    await app.initialize();
    su = new Client({ connectionString: withDatabase(serverUrl, dbName) });
    await su.connect();
    await su.query(`INSERT INTO national_person (person_id) VALUES ($1), ($2), ($3), ($4)`, [
      P,
      P0,
      P00,
      Q,
    ]);
    await su.query(`UPDATE national_person SET merged_into = $1 WHERE person_id = $2`, [P, P0]);
    await su.query(`UPDATE national_person SET merged_into = $1 WHERE person_id = $2`, [P0, P00]);

    const log = new AuditLog(app);
    const add = async (name: string, e: AuditEntryInput) =>
      (seqOf[name] = String((await log.append(e)).seq));
    // 46's analyst reads the dossier under the old id P00.
    await add(
      'dossier46',
      entry({
        request: {
          analyst: { sub: 'u-46', name: 'DC Ada Jones', roles: ['analyst'] },
          personId: P00,
        },
        response: {
          nationalPersonId: P,
          holdings: [{ forceCode: '46', nominalId: 'n46', disclosure: 'DISCLOSURE_FULL' }],
        },
      }),
    );
    // 36's system checks and is shown its own C record in full.
    await add(
      'check36',
      entry({
        callerForce: '36',
        callerName: 'PNC-bridge',
        action: 'CheckPerson',
        reason: 'Norfolk check',
        request: { person: { names: [{ family: 'Hendry' }] } },
        response: {
          matches: [
            {
              nationalPersonId: P,
              holdings: [
                { forceCode: '36', nominalId: 'n36-secret', disclosure: 'DISCLOSURE_FULL' },
              ],
            },
          ],
        },
        recipients: ['36'],
      }),
    );
    // 46's analyst searches: 36's C record is a hit only; 36 is told; Q was held back.
    await add(
      'search46',
      entry({
        action: 'Analyst.searchPersons',
        request: {
          analyst: { sub: 'u-46', name: 'DC Ada Jones', roles: ['analyst'] },
          names: [{ family: 'Hendry' }],
        },
        response: {
          matches: [
            {
              nationalPersonId: P,
              holdings: [{ forceCode: '36', nominalId: '', disclosure: 'DISCLOSURE_HIT_ONLY' }],
              hiddenScore: { score: 12.5, band: 'MATCH_BAND_CERTAIN' },
            },
          ],
          withheld: { rateLimited: [{ personId: Q, forces: ['36'] }] },
        },
        recipients: ['36', '46'],
      }),
    );
    // 01 consults Q.
    await add(
      'q01',
      entry({
        callerForce: '01',
        callerName: 'analyst:u-01',
        request: { personId: Q },
        recipients: ['01'],
      }),
    );
    // A busy user: 25 more entries, each a millisecond after the one before (an entry's time is
    // a millisecond's: two appended within one would be at the same time, and a period starting
    // at one would hold both).
    const busyFrom = Date.now();
    for (let i = 0; i < 25; i++)
      await add(
        `busy${i}`,
        entry({
          at: new Date(busyFrom + i),
          callerName: 'analyst:busy',
          request: { i },
          reason: `busy ${i}`,
        }),
      );
    await log.close();

    reader = new AuditReader(
      { url: db.env.DATABASE_URL, name: dbName, auditorPassword: db.env.DATABASE_AUDITOR_PASSWORD },
      logger,
    );
    viewer = new AuditViewerService(reader, app, store, new Set(['99']));
  });

  afterAll(async () => {
    await reader?.close();
    await app?.destroy();
    await su?.end();
    await hub.drop();
  });

  const seqs = (page: { items: Array<{ seq: string }> }) => page.items.map((i) => i.seq);

  it('reads as the auditor role, read-only, and the hub role still cannot read an entry', async () => {
    const ds = await reader.dataSource();
    const [who] = await ds.query<Array<{ u: string }>>('SELECT current_user AS u');
    expect(who?.u).toBe(`${dbName}_auditor`);
    await expect(ds.query(`INSERT INTO audit_head VALUES (2, 0, '')`)).rejects.toThrow(
      /read-only|permission denied/,
    );
    await expect(ds.query('SELECT payload FROM alert LIMIT 1')).rejects.toThrow(
      /permission denied/,
    );
    await expect(app.query('SELECT reason FROM audit_log')).rejects.toThrow(/permission denied/);
  });

  it('given a person, then a national auditor gets every entry naming it or an id merged into it, newest first', async () => {
    for (const asked of [P, P0, P00]) {
      const page = await viewer.list('99', { person: asked });
      expect(seqs(page)).toEqual([seqOf['search46'], seqOf['check36'], seqOf['dossier46']]);
      expect(new Set(page.personIds)).toEqual(new Set([P, P0, P00]));
    }
    // Q is named only in what was withheld from 46: national auditors see it.
    expect(seqs(await viewer.list('99', { person: Q }))).toEqual([seqOf['q01'], seqOf['search46']]);
  });

  it("given a force auditor, then its own force's entries as answered and others' only as told", async () => {
    const norfolk = await viewer.list('36', { person: P });
    expect(norfolk.items.map((i) => [i.seq, i.view])).toEqual([
      [seqOf['search46'], 'told'],
      [seqOf['check36'], 'own'],
    ]);
    const told = norfolk.items[0]!;
    expect(told.caller).toEqual({ force: '46', forceName: expect.any(String), kind: 'analyst' });
    expect(JSON.stringify(told)).not.toMatch(/u-46|Ada|Larch|LARCH|Hendry|12\.5/);
    // 46 sees its own search as it was answered: not Q, not the hidden score.
    const thames = await viewer.list('46', { person: Q });
    expect(thames.items).toEqual([]);
    const own = await viewer.list('46', { person: P });
    expect(seqs(own)).toEqual([seqOf['search46'], seqOf['dossier46']]);
    expect(JSON.stringify(own)).not.toMatch(new RegExp(`${Q}|12\\.5|n36-secret`));
    // 01 neither asked about P nor was told.
    expect((await viewer.list('01', { person: P })).items).toEqual([]);
  });

  it("given a user, then what they consulted; a force auditor cannot search another force's user", async () => {
    expect(seqs(await viewer.list('99', { user: 'analyst:u-46' }))).toEqual([
      seqOf['search46'],
      seqOf['dossier46'],
    ]);
    expect(seqs(await viewer.list('46', { user: 'analyst:u-46' }))).toHaveLength(2);
    expect((await viewer.list('36', { user: 'analyst:u-46' })).items).toEqual([]);
    expect(seqs(await viewer.list('36', { user: 'PNC-bridge' }))).toEqual([seqOf['check36']]);
  });

  it('given pages, then they follow each other without gap or repeat, and a forged cursor is refused', async () => {
    const all = seqs(await viewer.list('99', { user: 'analyst:busy', limit: 200 }));
    expect(all).toHaveLength(25);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await viewer.list('99', {
        user: 'analyst:busy',
        limit: 7,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...seqs(page));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all);
    expect(all).toEqual([...all].sort((a, b) => Number(b) - Number(a)));
    await expect(viewer.list('99', { cursor: 'bm9wZQ' })).rejects.toThrow(InvalidCursorError);
    // Page size is bounded.
    expect((await viewer.list('99', { limit: 10_000 })).items.length).toBeLessThanOrEqual(200);
  });

  it('given a period, then only entries within it', async () => {
    const mid = (
      await su.query<{ at: Date }>('SELECT at FROM audit_log WHERE seq = $1', [seqOf['busy10']])
    ).rows[0]!.at;
    const page = await viewer.list('99', { user: 'analyst:busy', from: mid, limit: 200 });
    expect(page.items.every((i) => i.at >= mid.toISOString())).toBe(true);
    expect(seqs(page)).toContain(seqOf['busy10']);
    expect(seqs(page)).not.toContain(seqOf['busy9']);
    const before = await viewer.list('99', { user: 'analyst:busy', to: mid, limit: 200 });
    expect(seqs(before)).not.toContain(seqOf['busy10']);
  });

  it('verifies a range, then reports the first bad seq after a superuser alters a row', async () => {
    const head = Number(seqOf['busy24']);
    expect(await viewer.verify(1, head)).toMatchObject({
      ok: true,
      rows: head,
      firstBadSeq: null,
      headSeq: head,
    });
    const bad = Number(seqOf['busy5']);
    await su.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change');
    try {
      await su.query(`UPDATE audit_log SET reason = 'nothing to see' WHERE seq = $1`, [bad]);
    } finally {
      await su.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change');
    }
    const r = await viewer.verify(1, head);
    expect(r).toMatchObject({ ok: false, firstBadSeq: bad });
    expect((await viewer.verify(bad + 1, head)).ok).toBe(true);
    await expect(viewer.verify(1, 10_000_000)).rejects.toThrow(AuditRangeTooLargeError);
  });
});
