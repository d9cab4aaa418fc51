import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NominalState, type PersonQuery } from '@intel/contracts';
import { generatePersons } from '@intel/synthetic';
import { generatedNominal } from '@intel/testing';
import { inProcessHub } from './in-process-hub.fixture';
import { identifierKeysOf } from '../src/resolution/exact-identifiers';
import * as indexReplay from '../src/resolution/index-replay';
import { memberKey } from '../src/resolution/member-key';
import { NATIONAL_FILE } from '../src/resolution/national-snapshot';

// Issue #14, snapshot and restart (docs/hub.md "Snapshot and restart"): a hub that wrote its
// index's snapshot loads it at its next start when nothing was committed since, and then
// answers exactly as a hub that rebuilt its index from the database; a snapshot behind the
// database, or damaged, is refused by name and counted, and the index rebuilt. Real
// PostgreSQL, the resolution and query services in process.
describe('national index snapshot and restart (integration: real PostgreSQL)', () => {
  const hub = inProcessHub('it_snapshot', { batchSize: 200, referencePersons: 2000 });
  const dir = mkdtempSync(join(tmpdir(), 'hub-snapshot-'));
  const nominals: { force: string; state: NominalState }[] = [];

  for (const g of generatePersons({ persons: 220, forces: 4, seed: 1414 }))
    nominals.push({ force: g.forceCode, state: generatedNominal(g.record, `g${nominals.length}`) });
  const first = nominals.slice(0, 200);
  const later = nominals.slice(200);

  async function publish(list: typeof nominals): Promise<void> {
    const byForce = new Map<string, NominalState[]>();
    for (const { force, state } of list) byForce.set(force, [...(byForce.get(force) ?? []), state]);
    for (const [force, states] of byForce) await hub.publish(force, states);
  }

  const asQuery = (s: NominalState): PersonQuery => ({
    names: s.names,
    dateOfBirth: s.datesOfBirth[0],
    sex: s.sex,
    identifiers: s.identifiers,
    onlineIdentifiers: s.onlineIdentifiers,
    addresses: s.addresses,
  });

  /**
   * Everything the hub answers from: its database's persons, links and flags, and the index's
   * persons, flags, identifier holders and CheckPerson candidates (ties in score in id order:
   * an index loaded from the database files records in another order than one that grew).
   */
  async function answers() {
    const index = hub.resolution.current;
    if (!index) throw new Error('no index');
    const rows = async (sql: string) => (await hub.db.query<Record<string, unknown>>(sql)).rows;
    const keys = nominals.map((n) => memberKey(n.force, n.state.nominalId));
    return {
      members: await rows(
        `SELECT person_id, force_code, nominal_id FROM person_member ORDER BY 2, 3`,
      ),
      links: await rows(`SELECT member_a, member_b, score FROM person_link ORDER BY 1, 2`),
      flags: await rows(
        `SELECT person_id, viewer, flag_type FROM person_flag_view ORDER BY 1, 2, 3`,
      ),
      nominals: index.nominalCount,
      persons: index.personCount,
      index: keys.map((k) => {
        const p = index.personOfMember(k);
        return [
          k,
          p,
          p && index.membersOf(p).sort(),
          p && index.flagsFor(p, '01'),
          index.storedState(k),
        ];
      }),
      holders: nominals
        .flatMap((n) => identifierKeysOf(n.state))
        .map((k) => index.holdersOf(k).sort()),
      checks: nominals.slice(0, 60).map((n) =>
        index
          .check(asQuery(n.state), 10)
          .map((c) => ({ id: c.id, score: c.score, band: c.band }))
          .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1)),
      ),
    };
  }

  const loads = async (mode: string) =>
    (await hub.metrics.indexLoadSeconds.get()).values.filter((v) => v.labels.mode === mode).length;
  const refusals = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await hub.metrics.snapshotRefused.get()).values.map((v) => [
        String(v.labels.reason),
        v.value,
      ]),
    );

  beforeAll(async () => {
    await hub.open();
    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    await publish(first);
  }, 600_000);

  afterAll(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given no snapshot yet, then the first start rebuilds, saying so', async () => {
    // Started again (metrics are each start's): still none written.
    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    expect(await refusals()).toEqual({ missing: 1 });
    expect(await loads('snapshot')).toBe(0);
  }, 300_000);

  it('given a snapshot written at shutdown and nothing committed since, then a restart loads it and answers as a rebuild does', async () => {
    await hub.resolution.stopSnapshots();
    expect(readdirSync(dir)).toContain(NATIONAL_FILE);
    const before = await answers();

    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    expect(await loads('snapshot')).toBe(1);
    expect(await refusals()).toEqual({});
    expect(await answers()).toEqual(before);

    // The same database, rebuilt (no snapshot): the same answers.
    await hub.start(Number.MAX_SAFE_INTEGER);
    expect(await loads('snapshot')).toBe(0);
    expect(await answers()).toEqual(before);
  }, 300_000);

  it('given records resolved and withdrawn after the snapshot, then a restart loads it, replays what was committed since and answers as a rebuild does', async () => {
    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    // The rebuild before committed (its reconciliation): the snapshot is written again.
    await hub.resolution.stopSnapshots();
    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    expect(await loads('snapshot')).toBe(1);

    await publish(later);
    const gone = first.slice(0, 5);
    for (const g of gone) await hub.withdraw(g.force, [g.state.nominalId]);
    const after = await answers();
    expect(after.nominals).toBe(nominals.length - gone.length);

    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    expect(await refusals()).toEqual({});
    expect(await loads('snapshot')).toBe(1);
    expect(await answers()).toEqual(after);

    // The same database, rebuilt: the same answers.
    await hub.start(Number.MAX_SAFE_INTEGER);
    expect(await answers()).toEqual(after);
    // That rebuild is a commit no snapshot before it can be brought up to: refused, rebuilt.
    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    expect(await refusals()).toEqual({ replay: 1 });
    expect(await answers()).toEqual(after);
  }, 300_000);

  it('given a snapshot damaged on disk, then a restart refuses it by its checksum and rebuilds', async () => {
    await hub.resolution.stopSnapshots();
    const expected = await answers();
    const match = readdirSync(dir).find((f) => f.startsWith('match-')) as string;
    const bytes = readFileSync(join(dir, match));
    const at = bytes.length >> 1;
    bytes[at] = (bytes[at] as number) ^ 0x5a;
    writeFileSync(join(dir, match), bytes);

    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    expect(await refusals()).toEqual({ checksum: 1 });
    expect(await loads('snapshot')).toBe(0);
    expect(await answers()).toEqual(expected);
  }, 300_000);

  it('given a fault while replaying what was committed after the snapshot, then a restart refuses it and rebuilds rather than failing at every try', async () => {
    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    await hub.resolution.stopSnapshots();
    const expected = await answers();
    const replay = jest
      .spyOn(indexReplay, 'replayOnto')
      .mockRejectedValueOnce(new TypeError('a fault of the replay’s own'));
    let calls: number;
    try {
      await hub.start(Number.MAX_SAFE_INTEGER, dir);
    } finally {
      // (Restoring the spy forgets its calls.)
      calls = replay.mock.calls.length;
      replay.mockRestore();
    }
    expect(calls).toBe(1);
    expect(await refusals()).toEqual({ replay: 1 });
    expect(await loads('snapshot')).toBe(0);
    expect(await answers()).toEqual(expected);
  }, 300_000);

  it('given a database whose commit at the snapshot’s watermark is another (restored from a backup), then a restart refuses it and rebuilds', async () => {
    await hub.resolution.stopSnapshots();
    const expected = await answers();
    await hub.db.query(
      `UPDATE index_commit SET committed_at = committed_at - interval '1 hour'
       WHERE seq = (SELECT max(seq) FROM index_commit)`,
    );
    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    expect(await refusals()).toEqual({ watermark: 1 });
    expect(await loads('snapshot')).toBe(0);
    expect(await answers()).toEqual(expected);
  }, 300_000);
});
