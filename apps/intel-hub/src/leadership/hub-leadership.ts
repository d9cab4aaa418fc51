import type { Logger } from '@intel/observability';
import type { DataSource, QueryRunner } from 'typeorm';

/** Advisory lock key held by the hub working on a national index (libs/db: 7342001 migrations). */
export const HUB_LEADER_LOCK = 7342300;

/** The driver's client under a TypeORM query runner, for its connection events. */
interface DriverClient {
  once(event: 'error' | 'end', listener: (err?: unknown) => void): unknown;
}

/**
 * One hub per national index. The index lives in the hub's memory and its resolver assumes it
 * sees every change, so a second hub on the same database (a rolling update, a mistaken scale
 * up, a compose `--scale`) must not consume or resolve. A hub takes a session advisory lock in
 * its database before it loads the index; a second one logs that it is standing by and waits
 * until the lock is free (the first stopped), then carries on as the only one.
 *
 * The lock lives as long as its connection: if that connection is lost, another hub may take
 * over, so `onLost` is called and this hub must stop.
 */
export class HubLeadership {
  private holder: QueryRunner | undefined;
  private released = false;

  constructor(
    private readonly ds: DataSource,
    private readonly logger: Logger,
    private readonly onLost: () => void,
    private readonly retryMs = 2000,
  ) {}

  /** Resolves once this process holds the lock. */
  async acquire(): Promise<void> {
    let waiting = false;
    for (;;) {
      const qr = this.ds.createQueryRunner();
      let client: DriverClient;
      let row: { ok: boolean } | undefined;
      try {
        client = (await qr.connect()) as DriverClient;
        [row] = (await qr.query('SELECT pg_try_advisory_lock($1) AS ok', [
          HUB_LEADER_LOCK,
        ])) as Array<{ ok: boolean }>;
      } catch (err) {
        await qr.release().catch(() => undefined);
        throw err;
      }
      if (row?.ok) {
        this.holder = qr;
        const lost = (err?: unknown) => {
          if (this.released) return;
          this.holder = undefined;
          this.logger.error({ err }, 'lost the hub lock (its database connection ended); stopping');
          this.onLost();
        };
        client.once('error', lost);
        client.once('end', lost);
        if (waiting) this.logger.info('the other hub stopped; this hub now works on the index');
        return;
      }
      await qr.release();
      if (!waiting) {
        this.logger.warn(
          { lock: HUB_LEADER_LOCK },
          'another hub is working on this national index; standing by until it stops',
        );
        waiting = true;
      }
      await new Promise((r) => setTimeout(r, this.retryMs));
    }
  }

  /** Gives the lock up (before the database closes: a held connection would keep the pool open). */
  async release(): Promise<void> {
    const qr = this.holder;
    this.released = true;
    this.holder = undefined;
    if (!qr) return;
    await qr.query('SELECT pg_advisory_unlock($1)', [HUB_LEADER_LOCK]).catch(() => undefined);
    await qr.release();
  }
}
