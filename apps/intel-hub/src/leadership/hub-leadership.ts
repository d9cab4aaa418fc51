import { databaseErrorClass, isDatabaseUnavailable } from '@intel/db';
import type { Logger } from '@intel/observability';
import { DataSource, QueryRunner } from 'typeorm';
import { nextBackoffMs } from './backoff';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { HUB_LOGGER } from '../hub.tokens';
/** Overrides the leadership lock's retry and keep-alive timings (tests). */
export const LEADERSHIP_OPTIONS = Symbol('LeadershipOptions');

/** Advisory lock key held by the hub working on a national index (libs/db: 7342001 migrations). */
export const HUB_LEADER_LOCK = 7342300;

/** The driver's client under a TypeORM query runner, for its connection events. */
interface DriverClient {
  once(event: 'error' | 'end', listener: (err?: unknown) => void): unknown;
}

/** What taking the lock found. */
export interface Leadership {
  /** This leadership's epoch (hub_leadership.epoch after this hub's bump). */
  epoch: number;
  /**
   * Another hub led since this hub's previous epoch: the index in memory is stale and must be
   * loaded again. False on a first acquisition (nothing is loaded yet) and after a reconnect
   * with nobody in between.
   */
  othersLedSince: boolean;
}

export class LeadershipReleasedError extends Error {
  constructor() {
    super('the hub is stopping; leadership is no longer sought');
  }
}

/**
 * One hub per national index. The index lives in the hub's memory and its resolver assumes it
 * sees every change, so a second hub on the same database (a rolling update, a mistaken scale
 * up, a compose `--scale`) must not consume or resolve. A hub takes a session advisory lock in
 * its database before it loads the index; a second one logs that it is standing by (a warm
 * standby: HubLifecycle, WarmStandby) and waits in PostgreSQL until the lock is free (the
 * first stopped, or its session ended), then carries on as the only one.
 *
 * The lock lives as long as its connection. When that connection is lost (PostgreSQL
 * restarted, the network between them cut, or a keep-alive query failing), `onLost`'s listener
 * is called:
 * the hub stops consuming, resolving and answering, and `acquire` is called again. It retries
 * with back-off until the database answers and the lock is free, and bumps the leadership
 * epoch (`hub_leadership`) each time it takes the lock: from the epoch it learns whether another
 * hub led meanwhile (then its index is stale), and every resolution transaction checks it (a
 * deposed hub cannot commit after its successor's bump).
 */
@Injectable()
export class HubLeadership {
  private holder: QueryRunner | undefined;
  private released = false;
  private epoch: number | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private lostListener: () => void = () => undefined;
  /** The attempt to take the lock in flight, if any (a stop waits for it). */
  private attempt: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(HUB_LOGGER) logger: Logger,
    @Optional()
    @Inject(LEADERSHIP_OPTIONS)
    private readonly options: { waitMs?: number; maxRetryMs?: number; keepAliveMs?: number } = {},
  ) {
    this.logger = logger.child({ component: 'leadership' });
  }

  private readonly logger: Logger;

  /** Called (once per loss) when the lock's connection is lost. */
  onLost(listener: () => void): void {
    this.lostListener = listener;
  }

  get leading(): boolean {
    return this.holder !== undefined;
  }

  /**
   * Resolves once this process holds the lock. While the database cannot be reached it retries
   * with back-off (logged once per outage); another hub holding the lock makes it stand by:
   * `onStandingBy` is called once, and the lock is waited for in PostgreSQL itself
   * (`pg_advisory_lock`, woken the moment the holder's session ends: a leader killed outright
   * is followed at once), a wait at a time of at most `waitMs` so that a stop is not held up.
   */
  async acquire(onStandingBy?: () => void): Promise<Leadership> {
    let waiting = false;
    let unreachable = false;
    let delay = 0;
    for (;;) {
      if (this.released) throw new LeadershipReleasedError();
      let taken: Leadership | undefined;
      try {
        const attempt = this.tryTake(waiting);
        this.attempt = attempt.catch(() => undefined);
        taken = await attempt;
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        if (!unreachable)
          this.logger.warn(
            { err },
            'the database cannot be reached; retrying to take the hub lock with back-off',
          );
        unreachable = true;
        delay = nextBackoffMs(delay, this.options.maxRetryMs ?? 5000);
        await sleep(delay);
        continue;
      }
      if (this.released) throw new LeadershipReleasedError();
      if (taken) {
        if (waiting) this.logger.info('the other hub stopped; this hub now works on the index');
        if (unreachable) this.logger.info({ epoch: taken.epoch }, 'database reachable again');
        return taken;
      }
      if (!waiting) {
        this.logger.warn(
          { lock: HUB_LEADER_LOCK },
          'another hub is working on this national index; standing by until it stops',
        );
        waiting = true;
        onStandingBy?.();
      }
    }
  }

  /**
   * One attempt: the lock and the epoch bump on one dedicated connection, or undefined. `wait`:
   * waits up to `waitMs` for the lock (else only tries it).
   */
  private async tryTake(wait: boolean): Promise<Leadership | undefined> {
    const qr = this.ds.createQueryRunner();
    let client: DriverClient;
    try {
      client = (await qr.connect()) as DriverClient;
      if (!(await (wait ? this.waitForLock(qr) : this.tryLock(qr)))) {
        await qr.release();
        return undefined;
      }
      // A leader's host gone without a word (no FIN): PostgreSQL drops its session, and so the
      // lock, after about idle + interval * count seconds instead of the kernel's two hours.
      await qr.query(
        `SELECT set_config('tcp_keepalives_idle', $1, false),
                set_config('tcp_keepalives_interval', $2, false),
                set_config('tcp_keepalives_count', $3, false)`,
        KEEPALIVE_SETTINGS,
      );
      // Waits for any resolution transaction of a previous leader still holding the fence.
      const [bumped] = (await qr.query(
        `INSERT INTO hub_leadership (id, epoch, holder) VALUES (1, 1, $1)
         ON CONFLICT (id) DO UPDATE
           SET epoch = hub_leadership.epoch + 1, holder = EXCLUDED.holder, since = now()
         RETURNING epoch::text`,
        [`pid ${process.pid}`],
      )) as Array<{ epoch: string }>;
      const epoch = Number(bumped?.epoch);
      const othersLedSince = this.epoch !== undefined && epoch !== this.epoch + 1;
      this.epoch = epoch;
      this.holder = qr;
      this.watch(qr, client);
      return { epoch, othersLedSince };
    } catch (err) {
      // Not back to the pool holding the lock (its connection would keep it).
      await qr.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      await qr.release().catch(() => undefined);
      throw err;
    }
  }

  /** Calls onLost once if the lock's connection ends, errs, or stops answering. */
  private watch(qr: QueryRunner, client: DriverClient): void {
    let done = false;
    const lost = (err?: unknown) => {
      if (done) return;
      done = true;
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
      if (this.released || this.holder !== qr) return;
      this.holder = undefined;
      void qr.release().catch(() => undefined);
      this.logger.error(
        { err },
        'lost the hub lock (its database connection ended); pausing until it is taken again',
      );
      this.lostListener();
    };
    client.once('error', lost);
    client.once('end', lost);
    let probing = false;
    this.keepAlive = setInterval(() => {
      if (probing) return;
      probing = true;
      qr.query('SELECT 1')
        .catch((err: unknown) => lost(err))
        .finally(() => (probing = false));
    }, this.options.keepAliveMs ?? 5000);
    this.keepAlive.unref();
  }

  private async tryLock(qr: QueryRunner): Promise<boolean> {
    const [row] = (await qr.query('SELECT pg_try_advisory_lock($1) AS ok', [
      HUB_LEADER_LOCK,
    ])) as Array<{ ok: boolean }>;
    return row?.ok === true;
  }

  /** Waits for the lock at most `waitMs` (lock_timeout, for this transaction only). */
  private async waitForLock(qr: QueryRunner): Promise<boolean> {
    await qr.startTransaction();
    try {
      await qr.query(`SELECT set_config('lock_timeout', $1, true)`, [
        `${this.options.waitMs ?? 1000}ms`,
      ]);
      await qr.query('SELECT pg_advisory_lock($1)', [HUB_LEADER_LOCK]);
      // The session's lock outlives the transaction.
      await qr.commitTransaction();
      return true;
    } catch (err) {
      await qr.rollbackTransaction().catch(() => undefined);
      if (databaseErrorClass(err) === LOCK_NOT_AVAILABLE) return false;
      throw err;
    }
  }

  /** Gives the lock up (before the database closes: a held connection would keep the pool open). */
  async release(): Promise<void> {
    this.released = true;
    // A wait for the lock in flight ends within waitMs (taking it, possibly).
    await this.attempt;
    const qr = this.holder;
    this.holder = undefined;
    clearInterval(this.keepAlive);
    if (!qr) return;
    await qr.query('SELECT pg_advisory_unlock($1)', [HUB_LEADER_LOCK]).catch(() => undefined);
    await qr.release().catch(() => undefined);
  }
}

/** The SQLSTATE of a lock wait past its lock_timeout. */
const LOCK_NOT_AVAILABLE = 'pg-55P03';

/** The lock session's TCP keep-alives on the server side: idle, interval (s), count. */
const KEEPALIVE_SETTINGS = ['5', '2', '3'];

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
