import { setImmediate } from 'node:timers/promises';
import { classifyDatabaseError, databaseErrorClass, inTransaction } from '@intel/db';
import type { Logger } from '@intel/observability';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ViewFlagsRepository } from '../flags/view-flags.repository';
import { HubMetrics } from '../hub.metrics';
import { HUB_LOGGER, RESOLUTION_OPTIONS } from '../hub.tokens';
import { ReviewRepository } from '../review/review.repository';
import { IndexCommitsRepository } from './index-commits.repository';
import { ReplayRefused, replayCommits, type ReplayRepositories } from './index-replay';
import type { NationalIndex } from './national-index';
import { NationalStoreRepository } from './national-store.repository';
import { ResolutionService, type ResolutionOptions } from './resolution.service';
import {
  STANDBY_START,
  afterFailure,
  afterTail,
  nextStep,
  standbyLag,
  type StandbyState,
} from './standby-plan';
import { restoreStoredIndex, StoredIndexRefused } from './stored-index';

/**
 * Commits replayed per transaction: each step's replay runs on the event loop in one go (the
 * persons it restores), so a step is kept short and the loop is handed back between steps.
 */
export const TAIL_COMMITS_PER_STEP = 8;

/** What a takeover hands the resolution service (`ResolutionService.adopt`). */
export interface WarmIndex {
  index: NationalIndex;
  /** The database's watermark the index reflects. */
  watermark: number;
}

/** What readiness shows of a standing-by hub. */
export interface StandbyStatus {
  warm: boolean;
  /** The leader's last commit the warm index reflects. */
  watermark?: number;
  lagCommits?: number;
  lagSeconds?: number;
}

/**
 * The hub standing by keeps a warm copy of the national index (docs/hub.md "Warm standby"), so
 * that taking over costs a replay of the last second's commits rather than a whole load. It
 * loads the index as a leader would (its snapshot brought up to date, else restored from the
 * database as stored) but commits nothing, then replays what the leader commits
 * (`index_commit`, `replayCommits`) every HUB_STANDBY_TAIL_MS, a few commits per transaction.
 * It never consumes, resolves or answers: the index stays here, out of the resolution service's
 * reach, until `takeOver`.
 *
 * A load or tail that fails (a snapshot and a restore refused, a replay refused because the
 * leader rebuilt its index or pruned commits the standby had not applied, a fault) drops the
 * index, loudly, and loads it again after a back-off (standby-plan); a takeover meanwhile loads
 * the index in full as a cold start does. The database being out of reach keeps the index and
 * tries the same commits again (a replay restores persons as stored, so it can be repeated).
 */
@Injectable()
export class WarmStandby {
  private state: StandbyState = STANDBY_START;
  private index: NationalIndex | undefined;
  private active = false;
  /** Stopped for good (shutdown): a load finishing now keeps nothing. */
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private step: Promise<void> | undefined;
  private lag: { commits: number; seconds: number } | undefined;
  private readonly repos: ReplayRepositories;
  private readonly logger: Logger;
  private readonly tailMs: number;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(NationalStoreRepository) store: NationalStoreRepository,
    @Inject(ResolutionService) private readonly resolution: ResolutionService,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(HUB_LOGGER) logger: Logger,
    @Inject(RESOLUTION_OPTIONS) private readonly options: ResolutionOptions,
  ) {
    this.logger = logger.child({ component: 'standby' });
    this.tailMs = options.standbyTailMs ?? 1000;
    this.repos = {
      commits: new IndexCommitsRepository(),
      store,
      viewFlags: new ViewFlagsRepository(),
      review: new ReviewRepository(),
    };
  }

  /** Loads the index and keeps it warm, in the background, until `takeOver` or `stop`. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule(0);
  }

  /** Readiness detail: whether the index is warm and how far behind the leader. */
  status(): StandbyStatus {
    return {
      warm: this.state.kind === 'warm',
      ...(this.state.kind === 'warm' ? { watermark: this.state.applied } : {}),
      lagCommits: this.lag?.commits,
      lagSeconds: this.lag?.seconds,
    };
  }

  /**
   * This hub took the lock (the leader is gone): tailing stops and the commits since the last
   * tail are replayed. Returns the index brought up to the database's watermark, or undefined
   * (logged as an error and counted: no warm index, or the gap could not be replayed) and the
   * caller loads the index in full.
   */
  async takeOver(): Promise<WarmIndex | undefined> {
    const started = Date.now();
    await this.halt();
    const { index, state } = this;
    this.index = undefined;
    this.state = STANDBY_START;
    const cold = (why: string, err?: unknown): undefined => {
      this.metrics.takeovers.inc({ mode: 'cold' });
      this.logger.error(
        {
          event: 'standby-takeover',
          mode: 'cold',
          why,
          errorClass: err && databaseErrorClass(err),
        },
        'taking over without a warm index: loading the national index in full',
      );
      return undefined;
    };
    if (!index || state.kind !== 'warm') return cold('no warm index');
    let applied = state.applied;
    let commits = 0;
    try {
      for (;;) {
        const r = await this.tailStep(index, applied);
        commits += r.applied - applied;
        applied = r.applied;
        if (r.caughtUp) break;
      }
    } catch (err) {
      this.metrics.standbyFailures.inc({
        reason: err instanceof ReplayRefused ? 'replay' : 'fault',
      });
      return cold(
        err instanceof ReplayRefused ? err.message : 'the gap could not be replayed',
        err,
      );
    }
    this.metrics.takeovers.inc({ mode: 'warm' });
    this.logger.info(
      {
        event: 'standby-takeover',
        mode: 'warm',
        watermark: applied,
        replayedCommits: commits,
        ms: Date.now() - started,
      },
      'taking over with the warm index: the commits since the last tail replayed',
    );
    return { index, watermark: applied };
  }

  /** Graceful shutdown: tailing stops (a step in flight finishes) and the index is dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.halt();
    this.index = undefined;
  }

  private async halt(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    await this.step;
    this.metrics.standbyWarm.set(0);
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.step = this.tick().finally(() => {
        this.step = undefined;
        if (this.active) this.schedule(this.tailMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const what = nextStep(this.state, Date.now());
    if (what === 'wait') return;
    try {
      if (what === 'load') await this.load();
      await this.catchUp();
    } catch (err) {
      // Out of reach: the same commits are tried again at the next tick (a replay repeats).
      if (this.index && classifyDatabaseError(err) === 'unavailable') return;
      this.fail(what, err);
    }
  }

  /** The index as a leader would load it, committing nothing. */
  private async load(): Promise<void> {
    const started = Date.now();
    const snapshot = await this.resolution.snapshotIndex();
    const loaded =
      snapshot ?? (await restoreStoredIndex(this.ds, this.repos, this.options.trainMinRecords));
    // A shutdown meanwhile keeps nothing of it; a takeover waiting for it takes it.
    if (this.stopped) return;
    this.index = loaded.index;
    this.state = afterTail(this.state, loaded.watermark, false, Date.now());
    this.metrics.standbyWarm.set(1);
    this.logger.info(
      {
        event: 'standby-index-loaded',
        mode: snapshot ? 'snapshot' : 'restored',
        watermark: loaded.watermark,
        nominals: loaded.index.nominalCount,
        persons: loaded.index.personCount,
        ms: Date.now() - started,
      },
      'standing by with a warm national index; tailing the leader',
    );
  }

  /** Replays the leader's commits until none is left, handing the event loop back between steps. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const { index, state } = this;
      if (!this.active || !index || state.kind !== 'warm') return;
      const r = await this.tailStep(index, state.applied);
      const now = Date.now();
      this.metrics.standbyTailApplied.inc(r.applied - state.applied);
      this.state = afterTail(state, r.applied, r.caughtUp, now);
      this.lag = standbyLag(this.state, r.databaseWatermark, now);
      this.metrics.standbyLagCommits.set(this.lag?.commits ?? 0);
      this.metrics.standbyLagSeconds.set(this.lag?.seconds ?? 0);
      if (r.caughtUp) return;
      await setImmediate();
    }
  }

  /**
   * One transaction (one snapshot of the database): the next commits after `from`, at most
   * TAIL_COMMITS_PER_STEP, replayed onto `index`. Caught up when fewer were listed.
   */
  private tailStep(
    index: NationalIndex,
    from: number,
  ): Promise<{ applied: number; caughtUp: boolean; databaseWatermark: number }> {
    return inTransaction(
      this.ds,
      async (tx) => {
        const commits = await this.repos.commits.since(tx, from, TAIL_COMMITS_PER_STEP);
        if (commits.length > 0) await replayCommits(tx, index, commits, from, this.repos);
        const applied = commits[commits.length - 1]?.seq ?? from;
        const caughtUp = commits.length < TAIL_COMMITS_PER_STEP;
        const databaseWatermark = caughtUp ? applied : await this.repos.commits.watermark(tx);
        return { applied, caughtUp, databaseWatermark };
      },
      'REPEATABLE READ',
    );
  }

  private fail(what: 'load' | 'tail', err: unknown): void {
    this.index = undefined;
    this.lag = undefined;
    this.state = afterFailure(this.state, Date.now(), this.tailMs);
    this.metrics.standbyWarm.set(0);
    const reason =
      err instanceof ReplayRefused
        ? 'replay'
        : err instanceof StoredIndexRefused
          ? 'restore-refused'
          : 'fault';
    this.metrics.standbyFailures.inc({ reason });
    const retryInMs = this.state.kind === 'cold' ? this.state.retryAt - Date.now() : 0;
    // The class and our own refusals' text only: a database error's text may quote a record.
    this.logger.error(
      {
        event: 'standby-cold',
        what,
        reason,
        errorClass: databaseErrorClass(err),
        detail:
          err instanceof ReplayRefused || err instanceof StoredIndexRefused
            ? err.message
            : undefined,
        retryInMs,
      },
      'the standby index could not be kept warm: dropped; loading it again later (a takeover meanwhile loads it in full)',
    );
  }
}
