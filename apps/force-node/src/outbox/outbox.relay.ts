import { inTransaction } from '@intel/db';
import type { EventPublisher, OutgoingMessage } from '@intel/kafka';
import type { Logger } from '@intel/observability';
import { DataSource, QueryRunner } from 'typeorm';
import { ForceNodeMetrics } from '../force-node.metrics';
import { OutboxRepository } from './outbox.repository';
import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_PROTECTION,
  EVENT_PUBLISHER,
  FORCE_NODE_LOGGER,
  OUTBOX_RELAY_OPTIONS,
} from '../force-node.tokens';

const RELAY_LEADER_LOCK = 7342200;

/**
 * Publishes committed outbox rows to Kafka, oldest first (docs/force-node.md, "Outbox and delivery"). Each round locks a batch
 * (FOR UPDATE SKIP LOCKED), publishes it in one Kafka transaction, and marks it published in
 * the same database transaction. A failure anywhere rolls both back and the round is retried,
 * so a broker outage delays publication but loses nothing; read_committed consumers never see
 * an aborted attempt. One relay per force publishes at a time (a session advisory lock), which
 * keeps each key's versions in order. Every batch is passed through `protect` on its way out
 * (the force's one signature over the batch; a handling-code-C state sealed for the hub:
 * event-protection.ts).
 */
@Injectable()
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** A wake that came while a round was running: the next idle returns at once. */
  private woken = false;
  private leader: QueryRunner | undefined;
  private consecutiveErrors = 0;
  lastError: string | undefined;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(ForceNodeMetrics) private readonly metrics: ForceNodeMetrics,
    @Inject(FORCE_NODE_LOGGER) logger: Logger,
    @Inject(OUTBOX_RELAY_OPTIONS) private readonly opts: { batchSize: number; pollMs: number },
    @Inject(EVENT_PROTECTION)
    private readonly protect: (batch: OutgoingMessage[]) => OutgoingMessage[],
  ) {
    this.logger = logger.child({ component: 'outbox-relay' });
  }

  private readonly logger: Logger;

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * New rows were committed: publish now rather than at the next poll. A wake during a round is
   * remembered, so rows committed while a batch was being published never wait for the poll.
   */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Publishes what is pending until the outbox is empty or the deadline passes, then stops. */
  async drainAndStop(deadlineMs: number): Promise<number> {
    const until = Date.now() + deadlineMs;
    this.running = false;
    this.wake();
    await this.loop;
    let published = 0;
    while (Date.now() < until) {
      try {
        const n = await this.publishOnce();
        if (n === 0) break;
        published += n;
      } catch (err) {
        this.logger.warn({ err }, 'outbox drain attempt failed');
        await sleep(200);
      }
    }
    await this.releaseLeadership();
    await this.publisher.close();
    return published;
  }

  get healthy(): boolean {
    return this.consecutiveErrors < 5;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!(await this.ensureLeader())) {
          await this.idle(2000);
          continue;
        }
        const n = await this.publishOnce();
        this.consecutiveErrors = 0;
        this.lastError = undefined;
        if (n < this.opts.batchSize) await this.idle(this.opts.pollMs);
      } catch (err) {
        this.consecutiveErrors += 1;
        this.lastError = err instanceof Error ? err.message : String(err);
        this.metrics.publishErrors.inc();
        const backoff = Math.min(5000, 100 * 2 ** Math.min(this.consecutiveErrors, 6));
        this.logger.warn(
          { err: this.lastError, backoffMs: backoff },
          'outbox publish failed; will retry',
        );
        await this.idle(backoff);
      }
    }
  }

  /** One round: lock a batch, publish it, mark it. Returns how many rows were published. */
  async publishOnce(): Promise<number> {
    return inTransaction(this.ds, async (tx) => {
      const rows = await this.outbox.lockPending(tx, this.opts.batchSize);
      if (rows.length === 0) return 0;
      await this.publisher.publish(
        this.protect(
          rows.map((r) => ({ topic: r.topic, key: r.key, value: r.value, headers: r.headers })),
        ),
      );
      await this.outbox.markPublished(
        tx,
        rows.map((r) => r.id),
      );
      const now = Date.now();
      for (const r of rows) {
        this.metrics.publishLag.observe((now - r.createdAt.getTime()) / 1000);
        this.metrics.published.inc({ topic: r.topic });
      }
      return rows.length;
    });
  }

  private async ensureLeader(): Promise<boolean> {
    if (this.leader) return true;
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    const [row] = (await qr.query('SELECT pg_try_advisory_lock($1) AS ok', [
      RELAY_LEADER_LOCK,
    ])) as Array<{ ok: boolean }>;
    if (row?.ok) {
      this.leader = qr;
      this.logger.info('outbox relay is the leader for this force');
      return true;
    }
    await qr.release();
    return false;
  }

  private async releaseLeadership(): Promise<void> {
    const qr = this.leader;
    this.leader = undefined;
    if (!qr) return;
    await qr.query('SELECT pg_advisory_unlock($1)', [RELAY_LEADER_LOCK]).catch(() => undefined);
    await qr.release();
  }

  private idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
