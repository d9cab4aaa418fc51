import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import type { INestApplicationContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Registry } from '@intel/observability';
import type { HubConfig } from '@intel/config';
import { NominalState } from '@intel/contracts';
import { status } from '@intel/grpc';
import { waitFor } from '@intel/testing';
import { generatedNominals, indexAnswers } from './index-answers.fixture';
import { inProcessHub } from './in-process-hub.fixture';
import type { AlertAcknowledge } from '../src/alerts/alert-acknowledge';
import type { AlertFeed } from '../src/alerts/alert-feed';
import type { ConsultationStore } from '../src/analyst/consultations/consultation.store';
import { AnalystGuard, type Incoming } from '../src/analyst/http/analyst.guard';
import { classifyError } from '../src/analyst/http/classify-error';
import { ProblemError } from '../src/analyst/http/problem';
import { RateLimiter } from '../src/analyst/http/rate-limiter';
import type { TokenVerifier } from '../src/analyst/identity/token-verifier';
import { SEARCH_PERSONS } from '../src/analyst/persons/persons.routes';
import { DeconflictionGrpcController } from '../src/deconfliction/deconfliction.grpc-controller';
import { DeconflictionMetrics } from '../src/deconfliction/deconfliction.metrics';
import type { DeconflictionService } from '../src/deconfliction/deconfliction.service';
import { HubMetrics } from '../src/hub.metrics';
import { HUB_LOGGER } from '../src/hub.tokens';
import { ConsultationAudit } from '../src/query/consultation-audit';
import { IntelQueryGrpcController } from '../src/query/intel-query.grpc-controller';
import { IntelQueryService } from '../src/query/intel-query.service';
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

  it('given a standby, then every IntelQuery and Deconfliction RPC and every analysts’ route refuses, retryably, writing nothing, until it leads with its index', async () => {
    const ctx = await hub.standby(Number.MAX_SAFE_INTEGER, dir, TAIL_MS);
    expect(ctx.get(ResolutionService).current).toBeUndefined();
    const reached: string[] = [];
    const feed = {
      watch: () => {
        reached.push('feed');
        throw new Error('reached the alert feed');
      },
    } as unknown as AlertFeed;
    const acks = {
      acknowledge: () => {
        reached.push('acknowledge');
        return Promise.resolve({ acknowledged: true });
      },
    } as unknown as AlertAcknowledge;
    const config = { grpc: { security: { mode: 'plaintext' } } } as unknown as HubConfig;
    const edge = (query: IntelQueryService) =>
      new IntelQueryGrpcController(
        query,
        feed,
        acks,
        ctx.get(ConsultationAudit),
        config,
        ctx.get(HubMetrics),
        ctx.get(HUB_LOGGER),
      );
    const md = new Metadata();
    md.set('x-dev-force', '36');
    md.set('x-dev-caller', 'norfolk-custody');
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: { error?: { code?: number } }) => status[e.error?.code ?? status.UNKNOWN],
      );
    const watched = (o: { subscribe: (h: object) => unknown }) =>
      new Promise<unknown>((resolve, reject) => o.subscribe({ next: resolve, error: reject }));
    const audited = async () =>
      (await hub.db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_log')).rows[0]?.n;
    const auditBefore = await audited();

    // IntelQuery on the standby: every RPC UNAVAILABLE, the empty requests included (not
    // INVALID_ARGUMENT: nothing is looked at), nothing reached, nothing audited.
    const standbyEdge = edge(ctx.get(IntelQueryService));
    const none = {} as never;
    expect({
      checkPerson: await code(standbyEdge.checkPerson(none, md)),
      checkIdentifiers: await code(standbyEdge.checkIdentifiers(none, md)),
      getPerson: await code(standbyEdge.getPerson(none, md)),
      acknowledgeAlert: await code(standbyEdge.acknowledgeAlert(none, md)),
      watchAlerts: await code(watched(standbyEdge.watchAlerts(none, md))),
      unidentified: await code(standbyEdge.acknowledgeAlert(none, new Metadata())),
    }).toEqual({
      checkPerson: 'UNAVAILABLE',
      checkIdentifiers: 'UNAVAILABLE',
      getPerson: 'UNAVAILABLE',
      acknowledgeAlert: 'UNAVAILABLE',
      watchAlerts: 'UNAVAILABLE',
      unidentified: 'UNAVAILABLE',
    });
    expect(reached).toEqual([]);
    expect(await audited()).toBe(auditBefore);
    // The leader, with its index: past the gate (its acknowledgement reached; an empty watch
    // refused for what it lacks, and that refusal audited).
    const leaderEdge = edge(hub.query);
    expect(await code(leaderEdge.acknowledgeAlert(none, md))).toBe('OK');
    expect(await code(watched(leaderEdge.watchAlerts(none, md)))).toBe('INVALID_ARGUMENT');
    expect(reached).toEqual(['acknowledge']);
    const auditLeader = await audited();
    expect(Number(auditLeader)).toBe(Number(auditBefore) + 1);

    // Deconfliction: a hub that has not loaded the registrations (a standby) refuses all six.
    const deconfliction = (serving: boolean) =>
      new DeconflictionGrpcController(
        { serving } as unknown as DeconflictionService,
        hub.log,
        config,
        new DeconflictionMetrics(new Registry()),
        ctx.get(HUB_LOGGER),
      );
    const d = deconfliction(false);
    expect({
      registerPersona: await code(d.registerPersona(none, md)),
      retirePersona: await code(d.retirePersona(none, md)),
      registerTarget: await code(d.registerTarget(none, md)),
      retireTarget: await code(d.retireTarget(none, md)),
      acknowledgeHit: await code(d.acknowledgeHit(none, md)),
      watchHits: await code(watched(d.watchHits(none, md))),
    }).toEqual({
      registerPersona: 'UNAVAILABLE',
      retirePersona: 'UNAVAILABLE',
      registerTarget: 'UNAVAILABLE',
      retireTarget: 'UNAVAILABLE',
      acknowledgeHit: 'UNAVAILABLE',
      watchHits: 'UNAVAILABLE',
    });
    expect(await audited()).toBe(auditLeader);
    // Serving, the same call gets past the gate to the caller's identity (a force system).
    expect(await code(deconfliction(true).registerPersona(none, md))).toBe('PERMISSION_DENIED');

    // The analysts' API: every route but the public ones 503 with Retry-After before anything
    // else (no token asked for); on the leader the same request reaches the token check (401).
    const verifier = {
      verify: () => Promise.reject(new ProblemError(401, 'a bearer token is required')),
    } as unknown as TokenVerifier;
    const guard = (resolution: ResolutionService) =>
      new AnalystGuard(
        new Reflector(),
        verifier,
        new RateLimiter({ burst: 100, perMinute: 100 }),
        {} as ConsultationStore,
        resolution,
      );
    const request = () =>
      ({ headers: {}, method: 'POST', url: '/persons/search' }) as unknown as Incoming;
    const refusal = (p: Promise<void>) => p.then(() => undefined, classifyError);
    const onStandby = await refusal(
      guard(ctx.get(ResolutionService)).admit(request(), SEARCH_PERSONS),
    );
    expect(onStandby).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    const onLeader = await refusal(guard(hub.resolution).admit(request(), SEARCH_PERSONS));
    expect(onLeader?.status).toBe(401);
  }, 600_000);
});
