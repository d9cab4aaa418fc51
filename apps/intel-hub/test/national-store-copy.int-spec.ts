import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { inTransaction } from '@intel/db';
import {
  COPY_MIN_ROWS,
  NationalStoreRepository,
} from '../src/resolution/national-store.repository';
import type { StoredLink } from '../src/resolution/link-pairs';
import { hubDatabase } from './hub-database.fixture';

// The bulk writes by COPY (a rebuild's persons and links) on the real PostgreSQL, as the hub's
// own role: what they store is what the statements they replace would store.
describe('NationalStoreRepository bulk writes by COPY (integration: real PostgreSQL, the hub role)', () => {
  const hub = hubDatabase('it_store_copy');
  const store = new NationalStoreRepository();
  let app: DataSource;

  beforeAll(async () => {
    await hub.provision();
    app = new DataSource({ type: 'postgres', url: hub.database.appUrl, extra: { max: 2 } });
    await app.initialize();
  });
  afterAll(async () => {
    await app?.destroy();
    await hub.drop();
  });

  it('given more persons than COPY_MIN_ROWS, then each is created with its history, seqs in creation order after those before', async () => {
    const at = new Date(Date.UTC(2026, 0, 5, 9));
    const first = await inTransaction(app, (tx) =>
      store.createPersons(tx, [{ personId: randomUUID(), splitFrom: undefined }], at),
    );
    const before = Math.max(...first.values());
    const parent = [...first.keys()][0] as string;
    const created = Array.from({ length: COPY_MIN_ROWS + 7 }, (_, i) => ({
      personId: randomUUID(),
      splitFrom: i === 3 ? parent : undefined,
    }));
    const seqs = await inTransaction(app, (tx) => store.createPersons(tx, created, at));
    const given = created.map((c) => seqs.get(c.personId) as number);
    expect(given.every((s, i) => s > before && (i === 0 || s > (given[i - 1] as number)))).toBe(
      true,
    );
    const rows = await app.query<{ person_id: string; seq: string; split_from: string | null }[]>(
      `SELECT person_id, seq, split_from FROM national_person WHERE seq > $1 ORDER BY seq`,
      [before],
    );
    expect(rows.map((r) => [r.person_id, Number(r.seq), r.split_from])).toEqual(
      created.map((c, i) => [c.personId, given[i], c.splitFrom ?? null]),
    );
    const history = await app.query<{ kind: string; n: string }[]>(
      `SELECT kind, count(*)::text AS n FROM person_history
       WHERE person_id = ANY($1::uuid[]) AND at = $2 GROUP BY kind ORDER BY kind`,
      [created.map((c) => c.personId), at],
    );
    expect(history).toEqual([
      { kind: 'created', n: String(COPY_MIN_ROWS + 6) },
      { kind: 'split', n: '1' },
    ]);
  });

  it('given every link anew, then each is stored once in canonical order, its explanation as given (escapes included)', async () => {
    const at = new Date(Date.UTC(2026, 0, 5, 10));
    const links: StoredLink[] = Array.from({ length: 2_500 }, (_, i) => ({
      a: `46:n${i + 1}`,
      b: `01:n${i}`,
      score: i / 7,
      band: 'MATCH_BAND_PROBABLE',
      explanation: [{ field: 'name', note: 'tab\there, back\\slash, new\nline', weight: i }],
    }));
    await inTransaction(app, (tx) => store.replaceAllLinks(tx, links.slice(0, 10), at));
    await inTransaction(app, (tx) => store.replaceAllLinks(tx, links, at));
    const rows = await app.query<
      { member_a: string; member_b: string; score: number; band: string; explanation: unknown }[]
    >(`SELECT member_a, member_b, score, band, explanation FROM person_link ORDER BY member_b`);
    expect(rows).toHaveLength(links.length);
    const byB = new Map(rows.map((r) => [r.member_a, r]));
    for (const l of links) {
      const r = byB.get(l.b);
      expect(r).toEqual({
        member_a: l.b,
        member_b: l.a,
        score: l.score,
        band: l.band,
        explanation: l.explanation,
      });
    }
  });

  it('given fresh memberships (a first start), then they are written by COPY as the upsert writes them; one already held fails the transaction', async () => {
    const at = new Date(Date.UTC(2026, 0, 5, 11));
    const persons = Array.from({ length: 3 }, () => ({
      personId: randomUUID(),
      splitFrom: undefined,
    }));
    await inTransaction(app, (tx) => store.createPersons(tx, persons, at));
    const assign = new Map<string, string>(
      Array.from({ length: COPY_MIN_ROWS + 3 }, (_, i) => [
        `${i % 2 === 0 ? '01' : '46'}:m${i}`,
        (persons[i % 3] as { personId: string }).personId,
      ]),
    );
    const copied = [...assign].slice(0, COPY_MIN_ROWS + 1);
    await inTransaction(app, (tx) => store.setMembers(tx, new Map(copied), [], at, true));
    const rows = await app.query<
      { force_code: string; nominal_id: string; person_id: string; linked_at: Date }[]
    >(`SELECT force_code, nominal_id, person_id, linked_at FROM person_member`);
    expect(new Map(rows.map((r) => [`${r.force_code}:${r.nominal_id}`, r.person_id]))).toEqual(
      new Map(copied),
    );
    expect(rows.every((r) => r.linked_at.getTime() === at.getTime())).toBe(true);
    // A member already held: the COPY fails on the key, and nothing of the transaction stays.
    await expect(
      inTransaction(app, (tx) => store.setMembers(tx, assign, [], at, true)),
    ).rejects.toThrow(/person_member/);
    const [count] = await app.query<{ n: string }[]>(
      `SELECT count(*)::text AS n FROM person_member`,
    );
    expect(Number(count?.n)).toBe(copied.length);
  });
});
