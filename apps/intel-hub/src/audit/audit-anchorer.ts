import { appendFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, signAnchor, type AuditAnchor } from '@intel/audit';
import { TOPICS, type EventPublisher } from '@intel/kafka';
import { Counter, Gauge, type Logger, type Registry } from '@intel/observability';
import type { DataSource } from 'typeorm';

export interface AuditAnchorerOptions {
  /** The hub's database name: anchors say which chain they anchor. */
  database: string;
  intervalMs: number;
  /** Append-only JSON-lines file the anchors are also written to (optional). */
  file?: string;
}

/**
 * Anchors the audit chain's head outside PostgreSQL: every `intervalMs` it reads audit_head,
 * signs {database, seq, hash, time} with the hub's Ed25519 key (a file the database never
 * sees) and publishes the anchor to `intel.audit-anchor.v1` (and appends it to a file if
 * configured). An anchor is published even when the head has not moved, so that silence is
 * visible: `audit verify` reports anchoring overdue, and `hub_audit_anchor_age_seconds` grows.
 */
export class AuditAnchorer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private lastAt: number | undefined;
  private readonly published: Counter<'outcome'>;

  constructor(
    private readonly ds: DataSource,
    private readonly publisher: EventPublisher,
    private readonly key: KeyObject,
    private readonly options: AuditAnchorerOptions,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.published = new Counter({
      name: 'hub_audit_anchors_total',
      help: 'Signed audit-chain heads published outside the database, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const age = () => (this.lastAt === undefined ? -1 : (Date.now() - this.lastAt) / 1000);
    new Gauge({
      name: 'hub_audit_anchor_age_seconds',
      help: 'Seconds since the audit chain head was last anchored outside the database (-1: never)',
      registers: [registry],
      collect() {
        this.set(age());
      },
    });
  }

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and anchors the head one last time (graceful shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.anchorNow().catch((err: unknown) =>
      this.logger.warn({ err }, 'the last audit anchor could not be published'),
    );
    await this.publisher.close();
  }

  /** Signs and publishes the current head; resolves with the anchor once it is out. */
  async anchorNow(): Promise<AuditAnchor> {
    const [head] = await this.ds.query<Array<{ seq: string; hash: string }>>(
      'SELECT seq, hash FROM audit_head WHERE id = 1',
    );
    const anchor = signAnchor(
      {
        database: this.options.database,
        seq: head ? Number(head.seq) : 0,
        hash: head ? head.hash : GENESIS_HASH,
        at: new Date().toISOString(),
      },
      this.key,
    );
    const line = JSON.stringify(anchor);
    await this.publisher.publish([
      {
        topic: TOPICS.auditAnchor,
        key: this.options.database,
        value: Buffer.from(line, 'utf8'),
        headers: {},
      },
    ]);
    if (this.options.file) await appendFile(this.options.file, `${line}\n`, { flag: 'a' });
    this.lastAt = Date.parse(anchor.at);
    this.published.inc({ outcome: 'ok' });
    return anchor;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.anchorNow()
      .catch((err: unknown) => {
        this.published.inc({ outcome: 'failed' });
        this.logger.error({ err }, 'the audit chain head could not be anchored; retrying');
      })
      .finally(() => (this.running = undefined));
  }
}
