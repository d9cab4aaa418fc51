import { NominalState } from '@intel/contracts';
import { MatchEngine, pairwiseMetrics } from '@intel/matching';
import { generatePersons } from '@intel/synthetic';
import { covertHandling, generatedNominal, handlingP } from '@intel/testing';
import { inProcessHub } from './in-process-hub.fixture';
import * as firstStart from '../src/resolution/batch-first-start';
import { memberKey, type MemberKey } from '../src/resolution/member-key';
import { NationalIndex } from '../src/resolution/national-index';

// Issue #14, the hub's first start from a populated store (docs/hub.md "First start"): the
// national index is built by the batch resolver with the national rules (a link needs more than
// a name, the chaining guard), restored as a restart restores it and written in bulk; the
// persons it gives hold the rules and agree closely with the incremental build, and the hub goes
// on incrementally from there. Real PostgreSQL, the resolution service in process.
describe('first start by the batch resolver (integration: real PostgreSQL)', () => {
  const hub = inProcessHub('it_first_start', { batchSize: 200, referencePersons: 2000 });
  const generated = generatePersons({ persons: 900, forces: 4, seed: 9090 });
  const nominals = generated.map((g, i) => ({
    force: g.forceCode,
    truth: g.truthId,
    state: generatedNominal(g, `f${i}`, {
      handling: i % 20 === 7 ? covertHandling() : handlingP(),
    }),
  }));
  const keyOf = (n: { force: string; state: NominalState }) =>
    memberKey(n.force, n.state.nominalId);
  const spy = jest.spyOn(firstStart, 'resolveFirstStart');

  /** Every member's person, as stored. */
  async function memberships(): Promise<Map<MemberKey, string>> {
    const rows = await hub.db.query<{ force_code: string; nominal_id: string; person_id: string }>(
      `SELECT force_code, nominal_id, person_id FROM person_member`,
    );
    return new Map(rows.rows.map((r) => [memberKey(r.force_code, r.nominal_id), r.person_id]));
  }

  beforeAll(async () => {
    await hub.open();
    // A populated store the hub never resolved (as a bulk load leaves it): no person, no
    // parameters, nothing queued.
    await hub.db.query(
      `INSERT INTO force_nominal (force_code, nominal_id, version, state)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[])`,
      [
        nominals.map((n) => n.force),
        nominals.map((n) => n.state.nominalId),
        nominals.map(() => 1),
        nominals.map((n) => Buffer.from(NominalState.encode(n.state).finish())),
      ],
    );
  }, 600_000);

  afterAll(async () => {
    spy.mockRestore();
    await hub.close();
  });

  it('given a first start stopped while restoring its index (its writes under way), then nothing of it stays and the next start is a first start again', async () => {
    const restore = jest
      .spyOn(firstStart, 'restoreFirstStart')
      .mockImplementationOnce(async (_resolved, pause) => {
        // The persons' writes move on meanwhile, as in a real restore.
        for (let i = 0; i < 20; i++) await pause?.();
        await new Promise((resolve) => setTimeout(resolve, 300));
        throw new Error('stopped while restoring');
      });
    await expect(hub.start(100)).rejects.toThrow('stopped while restoring');
    restore.mockRestore();
    const left = await hub.db.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM national_person) + (SELECT count(*) FROM person_member)
            + (SELECT count(*) FROM person_history) + (SELECT count(*) FROM review_candidate)
            + (SELECT count(*) FROM matching_parameters) + (SELECT count(*) FROM person_link) AS n`,
    );
    expect(Number(left.rows[0]?.n)).toBe(0);
    spy.mockClear();
    await hub.start(100);
  }, 600_000);

  it('given a populated store and no parameters, then the first start resolves it by the batch, the national rules holding', async () => {
    expect(spy).toHaveBeenCalledTimes(1);
    const index = hub.resolution.current;
    if (!index) throw new Error('no index');
    const keys = [...nominals.map(keyOf)].sort();
    expect(index.nominalCount).toBe(nominals.length);
    // Every nominal is a member of the person its cluster is, as stored.
    const stored = await memberships();
    expect(stored.size).toBe(nominals.length);
    for (const k of keys) {
      const personId = stored.get(k);
      expect(index.personOfMember(k)).toBe(personId);
      const c = index.matching.clusterOf(k) as string;
      expect(index.membersOf(personId as string).sort()).toEqual(
        index.matching.membersOf(c).sort(),
      );
    }
    // The stored links are the index's, each one the national rule makes: never a name alone.
    const links = (
      await hub.db.query<{ member_a: string; member_b: string; band: string }>(
        `SELECT member_a, member_b, band FROM person_link`,
      )
    ).rows;
    expect(links.length).toBe([...index.matching.links()].length);
    expect(links.length).toBeGreaterThan(50);
    for (const l of links) {
      const w = index.matching.waterfall(l.member_a, l.member_b);
      expect(w?.namesOnly).toBe(false);
      expect(l.band).not.toBe('MATCH_BAND_POSSIBLE');
    }
    // Each person is what the index's own guarded clustering makes of its members' links.
    const persons = new Map(keys.map((k) => [k, index.personOfMember(k)]));
    for (const k of keys) {
      const before = index.matching.membersOf(index.matching.clusterOf(k) as string).sort();
      index.matching.regroup(k);
      expect(index.matching.membersOf(index.matching.clusterOf(k) as string).sort()).toEqual(
        before,
      );
    }
    // Review candidates were recorded, for POSSIBLE pairs only.
    const candidates = (await hub.db.query<{ band: string }>(`SELECT band FROM review_candidate`))
      .rows;
    expect(candidates.length).toBeGreaterThan(0);
    for (const c of candidates) expect(c.band).toBe('MATCH_BAND_POSSIBLE');

    // Against the generated truth, beside the incremental build (every nominal added in key
    // order, with the same parameters): as precise, and close to it.
    const incremental = new NationalIndex(MatchEngine.fromParameters(index.engine.parameters));
    const byKey = new Map(nominals.map((n) => [keyOf(n), n]));
    for (const k of keys) incremental.upsertNominal(k, byKey.get(k)?.state as NominalState);
    const truth = keys.map((k) => byKey.get(k)?.truth as string);
    const batch = keys.map((k) => persons.get(k) as string);
    const grown = keys.map((k) => incremental.matching.clusterOf(k) as string);
    const q = {
      batch: pairwiseMetrics(truth, batch),
      incremental: pairwiseMetrics(truth, grown),
      agreement: pairwiseMetrics(grown, batch),
    };
    process.stdout.write(
      `first start, ${keys.length} nominals: batch precision ${q.batch.precision.toFixed(4)} ` +
        `recall ${q.batch.recall.toFixed(4)}; incremental precision ` +
        `${q.incremental.precision.toFixed(4)} recall ${q.incremental.recall.toFixed(4)}; ` +
        `pairwise agreement (F1 of the batch's pairs against the incremental's) ` +
        `${q.agreement.f1.toFixed(4)}\n`,
    );
    expect(q.batch.precision).toBeGreaterThanOrEqual(q.incremental.precision - 0.01);
    expect(q.batch.recall).toBeGreaterThanOrEqual(q.incremental.recall - 0.02);
    expect(q.agreement.f1).toBeGreaterThanOrEqual(0.97);
  }, 300_000);

  it('then goes on incrementally: a new record joins its person, a withdrawal and a restart keep the persons', async () => {
    // Another force's record of a person held (same PNC ID and date of birth, a name typo).
    const original = nominals.find(
      (n) =>
        n.state.identifiers.length > 0 &&
        n.state.datesOfBirth.length > 0 &&
        n.state.handling?.handlingCode === handlingP().handlingCode,
    );
    if (!original) throw new Error('no record with an identifier');
    const copy: NominalState = {
      ...original.state,
      nominalId: 'late-copy',
      names: original.state.names.map((nm) => ({ ...nm, family: `${nm.family}e` })),
    };
    const otherForce = original.force === '01' ? '02' : '01';
    await hub.publish(otherForce, [copy]);
    const person = await hub.personOf(original.force, original.state.nominalId);
    expect(person).toBeDefined();
    expect(await hub.personOf(otherForce, 'late-copy')).toBe(person);

    const gone = nominals.find((n) => n !== original) as (typeof nominals)[number];
    await hub.withdraw(gone.force, [gone.state.nominalId]);
    expect(await hub.personOf(gone.force, gone.state.nominalId)).toBeUndefined();

    const before = await memberships();
    const index = hub.resolution.current;
    const clusters = (ix: NationalIndex) =>
      [...before.keys()].sort().map((k) => ix.personOfMember(k));
    const inIndex = clusters(index as NationalIndex);

    // A restart: the parameters are saved, so the index is restored, not built again.
    await hub.start(100);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await memberships()).toEqual(before);
    expect(clusters(hub.resolution.current as NationalIndex)).toEqual(inIndex);
  }, 300_000);
});

// A hub's first start on an empty database saves reference parameters; with a re-learning
// threshold above the store's size (as the query bench runs it) those parameters are kept, and
// the first start on the populated store must still be the batch's, not every nominal added one
// at a time (half an hour at national scale).
describe('first start by the batch resolver with saved parameters kept (integration: real PostgreSQL)', () => {
  const hub = inProcessHub('it_first_start_saved', { batchSize: 200, referencePersons: 2000 });
  const generated = generatePersons({ persons: 300, forces: 3, seed: 9191 });
  let spy: jest.SpiedFunction<typeof firstStart.resolveFirstStart>;

  beforeAll(async () => {
    spy = jest.spyOn(firstStart, 'resolveFirstStart');
    await hub.open();
    // The empty database's start: reference parameters saved, nothing else.
    await hub.start(Number.MAX_SAFE_INTEGER);
    await hub.db.query(
      `INSERT INTO force_nominal (force_code, nominal_id, version, state)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[])`,
      [
        generated.map((g) => g.forceCode),
        generated.map((_, i) => `s${i}`),
        generated.map(() => 1),
        generated.map((g, i) =>
          Buffer.from(
            NominalState.encode(generatedNominal(g, `s${i}`, { handling: handlingP() })).finish(),
          ),
        ),
      ],
    );
  }, 600_000);

  afterAll(async () => {
    spy.mockRestore();
    await hub.close();
  });

  it('given saved reference parameters kept and no person, then the first start is the batch’s with those parameters, saved once', async () => {
    const saved = await hub.db.query<{ source: string; parameters: unknown }>(
      `SELECT source, parameters FROM matching_parameters`,
    );
    expect(saved.rows.map((r) => r.source)).toEqual(['reference']);
    spy.mockClear();
    await hub.start(Number.MAX_SAFE_INTEGER);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[1].parameters).toEqual(saved.rows[0]?.parameters);
    const index = hub.resolution.current;
    if (!index) throw new Error('no index');
    expect(index.nominalCount).toBe(generated.length);
    expect(index.engine.parameters).toEqual(saved.rows[0]?.parameters);
    const members = await hub.db.query<{ n: string }>(`SELECT count(*) AS n FROM person_member`);
    expect(Number(members.rows[0]?.n)).toBe(generated.length);
    // Kept, not saved again.
    const after = await hub.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM matching_parameters`,
    );
    expect(Number(after.rows[0]?.n)).toBe(1);
  }, 300_000);
});
