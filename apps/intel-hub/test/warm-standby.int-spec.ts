import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NominalState } from '@intel/contracts';
import { waitFor } from '@intel/testing';
import { generatedNominals, indexAnswers } from './index-answers.fixture';
import { inProcessHub } from './in-process-hub.fixture';
import { HubMetrics } from '../src/hub.metrics';
import { ResolutionService } from '../src/resolution/resolution.service';
import { WarmStandby } from '../src/resolution/warm-standby';

// Issue #14, warm standby (docs/hub.md "Warm standby"): a second hub on the database loads the
// index without committing anything, replays what the leader commits, and on takeover answers
// as a hub that loaded its index in full: persons, links, flags, identifier holders, CheckPerson
// candidates. Real PostgreSQL, two hubs' services in process on one database.
describe('warm standby (integration: real PostgreSQL)', () => {
  const hub = inProcessHub('it_standby', { batchSize: 200, referencePersons: 2000 });
  const dir = mkdtempSync(join(tmpdir(), 'hub-standby-'));
  const nominals = generatedNominals(260, 1415, 's');
  const first = nominals.slice(0, 180);
  const second = nominals.slice(180, 220);
  const third = nominals.slice(220);
  const TAIL_MS = 100;
  let standby: INestApplicationContext | undefined;

  async function publish(list: typeof nominals): Promise<void> {
    const byForce = new Map<string, NominalState[]>();
    for (const { force, state } of list) byForce.set(force, [...(byForce.get(force) ?? []), state]);
    for (const [force, states] of byForce) await hub.publish(force, states);
  }

  /** What the store holds of the national index: a standby must change none of it. */
  async function stored() {
    const one = async (sql: string) => (await hub.db.query<{ v: string }>(sql)).rows[0]?.v;
    return {
      watermark: await one(`SELECT coalesce(max(seq), 0)::text AS v FROM index_commit`),
      commits: await one(`SELECT count(*)::text AS v FROM index_commit`),
      members: await one(`SELECT count(*)::text AS v FROM person_member`),
      links: await one(`SELECT count(*)::text AS v FROM person_link`),
      flags: await one(`SELECT count(*)::text AS v FROM person_flag_view`),
      queue: await one(`SELECT count(*)::text AS v FROM resolution_queue`),
      persons: await one(`SELECT count(*)::text AS v FROM national_person`),
    };
  }

  const counter = async (ctx: INestApplicationContext, name: keyof HubMetrics) => {
    const metric = ctx.get(HubMetrics)[name] as {
      get(): Promise<{ values: { labels: object; value: number }[] }>;
    };
    return (await metric.get()).values;
  };

  async function warmStandby(snapshotDir: string | undefined): Promise<INestApplicationContext> {
    standby = await hub.standby(Number.MAX_SAFE_INTEGER, snapshotDir, TAIL_MS);
    standby.get(WarmStandby).start();
    await waitFor(() => standby?.get(WarmStandby).status().warm || undefined, {
      timeoutMs: 120_000,
      what: 'the standby to load its index',
    });
    return standby;
  }

  /** The database's watermark, once the standby has applied it. */
  async function caughtUp(ctx: INestApplicationContext): Promise<void> {
    const w = Number((await stored()).watermark);
    await waitFor(
      async () => {
        const s = ctx.get(WarmStandby).status();
        return s.warm && s.watermark === w && Number((await stored()).watermark) === w
          ? true
          : undefined;
      },
      { timeoutMs: 60_000, what: `the standby to apply commit ${w}` },
    );
  }

  beforeAll(async () => {
    await hub.open();
    await hub.start(Number.MAX_SAFE_INTEGER, dir);
    await publish(first);
    await hub.resolution.stopSnapshots();
  }, 600_000);

  afterAll(async () => {
    await standby?.get(WarmStandby).stop();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a leader committing, then a standby loads its snapshot without writing, tails the commits and on takeover answers as a full load does', async () => {
    const before = await stored();
    const ctx = await warmStandby(dir);
    // It loaded the leader's snapshot and wrote nothing of the national store.
    expect(await stored()).toEqual(before);
    expect(ctx.get(ResolutionService).current).toBeUndefined();

    // The leader goes on: records resolved, records withdrawn.
    await publish(second);
    for (const g of first.slice(0, 4)) await hub.withdraw(g.force, [g.state.nominalId]);
    await caughtUp(ctx);
    // Every commit since its load replayed, without a reload.
    const applied = (await counter(ctx, 'standbyTailApplied'))[0]?.value ?? 0;
    expect(applied).toBe(Number((await stored()).watermark) - Number(before.watermark));
    expect(applied).toBeGreaterThan(0);
    expect((await counter(ctx, 'standbyFailures')).reduce((n, v) => n + v.value, 0)).toBe(0);
    const leader = await indexAnswers(hub.db, hub.resolution.current, nominals);

    // More after the last tail the standby saw: the takeover replays the gap.
    await ctx.get(WarmStandby).stop();
    await publish(third.slice(0, 10));
    const gap = await stored();
    const leaderAfter = await indexAnswers(hub.db, hub.resolution.current, nominals);
    expect(leaderAfter).not.toEqual(leader);

    standby = await hub.standby(Number.MAX_SAFE_INTEGER, dir, TAIL_MS);
    const next = standby;
    next.get(WarmStandby).start();
    await waitFor(() => next.get(WarmStandby).status().warm || undefined, {
      timeoutMs: 120_000,
      what: 'the second standby to load',
    });
    await publish(third.slice(10));
    const warm = await next.get(WarmStandby).takeOver();
    expect(warm?.watermark).toBe(Number((await stored()).watermark));
    expect(Number(gap.watermark)).toBeLessThan(warm?.watermark ?? 0);
    const resolution = next.get(ResolutionService);
    await resolution.adopt(warm as NonNullable<typeof warm>);
    await resolution.drain();
    expect((await counter(next, 'takeovers')).map((v) => [v.labels, v.value])).toEqual([
      [{ mode: 'warm' }, 1],
    ]);
    const taken = await indexAnswers(hub.db, resolution.current, nominals);
    expect(taken).toEqual(await indexAnswers(hub.db, hub.resolution.current, nominals));

    // A hub loading its index in full from the same database answers alike.
    await hub.start(Number.MAX_SAFE_INTEGER);
    expect(await indexAnswers(hub.db, hub.resolution.current, nominals)).toEqual(taken);
  }, 600_000);

  it('given no snapshot, then the standby restores the index as stored; a rebuild by the leader refuses its tail, loudly, and it loads again', async () => {
    await standby?.get(WarmStandby).stop();
    const empty = mkdtempSync(join(tmpdir(), 'hub-standby-none-'));
    try {
      const before = await stored();
      const ctx = await warmStandby(empty);
      expect(await stored()).toEqual(before);
      // The leader restarts restoring from the database: a full commit no tail can replay.
      await hub.start(Number.MAX_SAFE_INTEGER);
      await waitFor(
        async () =>
          (await counter(ctx, 'standbyFailures')).find((v) => v.value >= 1) ? true : undefined,
        { timeoutMs: 30_000, what: 'the tail to be refused' },
      );
      expect((await counter(ctx, 'standbyFailures')).map((v) => v.labels)).toEqual([
        { reason: 'replay' },
      ]);
      // Loaded again (restored) and caught up after its back-off.
      await caughtUp(ctx);
      const warm = await ctx.get(WarmStandby).takeOver();
      const resolution = ctx.get(ResolutionService);
      await resolution.adopt(warm as NonNullable<typeof warm>);
      expect(await indexAnswers(hub.db, resolution.current, nominals)).toEqual(
        await indexAnswers(hub.db, hub.resolution.current, nominals),
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 600_000);

  it('given no warm index at takeover, then it says so and the first drain loads the index in full', async () => {
    const ctx = await hub.standby(Number.MAX_SAFE_INTEGER, dir, TAIL_MS);
    standby = ctx;
    // Never started: nothing warm.
    expect(await ctx.get(WarmStandby).takeOver()).toBeUndefined();
    expect((await counter(ctx, 'takeovers')).map((v) => [v.labels, v.value])).toEqual([
      [{ mode: 'cold' }, 1],
    ]);
    const resolution = ctx.get(ResolutionService);
    await resolution.drain();
    expect(await indexAnswers(hub.db, resolution.current, nominals)).toEqual(
      await indexAnswers(hub.db, hub.resolution.current, nominals),
    );
  }, 600_000);
});
