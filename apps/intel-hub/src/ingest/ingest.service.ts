import { inTransaction, type Sql } from '@intel/db';
import type { HubEventTrust } from '@intel/envelope-security';
import { TOPICS, type ConsumedMessage, type EventPublisher } from '@intel/kafka';
import type { Logger } from '@intel/observability';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HubMetrics } from '../hub.metrics';
import { APPLIED_OBSERVER, DEAD_LETTERS, HUB_LOGGER, INGEST_OPTIONS } from '../hub.tokens';
import { publishDeadLetters, type Failure } from './dead-letters';
import { parseMessage, type HubEvent, type PoisonReason } from './hub-event';
import { HubStoreRepository } from './hub-store.repository';
import { versionJumps } from './version-bounds';
import {
  NationalStoreRepository,
  type QueuedEntity,
} from '../resolution/national-store.repository';

export interface BatchOutcome {
  applied: number;
  duplicate: number;
  stale: number;
  tombstones: number;
  deadLettered: number;
}

function queuedEntity(e: HubEvent): QueuedEntity {
  return {
    entity:
      e.kind === 'nominal-upserted' || e.kind === 'nominal-withdrawn' ? 'nominal' : 'incident',
    forceCode: e.forceCode,
    id: e.id,
  };
}

/** What else must happen with the events a batch applies (`APPLIED_OBSERVER`). */
export interface AppliedObserver {
  /** In the batch's transaction: durable exactly when the events are. */
  recordIngested(tx: Sql, applied: readonly HubEvent[]): Promise<void>;
  /** Once the transaction has committed (synchronous). */
  ingestCommitted(applied: readonly HubEvent[]): void;
}

const NO_OBSERVER: AppliedObserver = {
  recordIngested: () => Promise.resolve(),
  ingestCommitted: () => undefined,
};

/** What the ingest needs to tell a force's genuine events from anything else. */
export interface IngestPolicy {
  trust: HubEventTrust;
  /** An entity's version may move at most this far past the stored one. */
  maxVersionStep: number;
}

/** `INGEST_OPTIONS`: the consumer group its dead letters name, and what it trusts. */
export interface IngestOptions {
  consumerGroup: string;
  policy: IngestPolicy;
}

/**
 * Applies a consumed batch of force events to the hub store: every valid event of the batch and
 * its processed_event row in one transaction (idempotent on event id, then a version check),
 * poison messages to intel.dlq.v1. An event is valid only when signed by a registered key of
 * its force, within the intake's limits, and its version does not jump absurdly; the refused
 * ones go to the DLQ with the reason, counted by reason and logged without content. Resolves
 * only when both are durable, so the consumer may commit the offsets; a throw makes the consumer
 * redeliver the batch.
 */
@Injectable()
export class IngestService {
  private readonly logger: Logger;
  private readonly consumerGroup: string;
  private readonly policy: IngestPolicy;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(HubStoreRepository) private readonly store: HubStoreRepository,
    @Inject(NationalStoreRepository) private readonly national: NationalStoreRepository,
    @Inject(DEAD_LETTERS) private readonly deadLetters: EventPublisher,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(HUB_LOGGER) logger: Logger,
    @Inject(INGEST_OPTIONS) options: IngestOptions,
    /** What else is done with the events a batch applies (deconfliction). */
    @Optional()
    @Inject(APPLIED_OBSERVER)
    private readonly observer: AppliedObserver = NO_OBSERVER,
  ) {
    this.logger = logger.child({ component: 'ingest' });
    this.consumerGroup = options.consumerGroup;
    this.policy = options.policy;
  }

  async handle(batch: ConsumedMessage[]): Promise<BatchOutcome> {
    const end = this.metrics.batchSeconds.startTimer();
    const outcome: BatchOutcome = {
      applied: 0,
      duplicate: 0,
      stale: 0,
      tombstones: 0,
      deadLettered: 0,
    };
    const events: HubEvent[] = [];
    const failures: Array<Failure & { reason: PoisonReason }> = [];
    const messageOf = new Map<HubEvent, ConsumedMessage>();
    for (const m of batch) {
      this.metrics.consumed.inc({ topic: m.topic });
      const parsed = parseMessage(m, this.policy.trust);
      if (parsed.ok === 'tombstone') outcome.tombstones++;
      else if (parsed.ok) {
        events.push(parsed.event);
        messageOf.set(parsed.event, m);
      } else
        failures.push({
          message: m,
          error: `${parsed.reason}: ${parsed.error}`,
          reason: parsed.reason,
        });
    }

    const applied: HubEvent[] = [];
    if (events.length > 0) {
      const at = new Date();
      const result = await inTransaction(this.ds, async (tx) => {
        // An absurd version jump is refused before it is marked processed, so a redelivery
        // refuses it again (and parks it again if the dead-letter publish failed).
        const jumps = versionJumps(
          events,
          await this.store.currentVersions(tx, events),
          this.policy.maxVersionStep,
        );
        const kept = events.filter((e) => !jumps.has(e));
        const fresh = await this.store.markProcessed(
          tx,
          kept.map((e) => e.eventId),
        );
        // A redelivered event, or the second copy of one within the batch, is a duplicate.
        const todo: HubEvent[] = [];
        for (const e of kept) if (fresh.delete(e.eventId)) todo.push(e);
        const r = await this.store.apply(tx, todo, at);
        const onLane = (e: HubEvent) => messageOf.get(e)?.topic === TOPICS.priority;
        // Resolution into national persons follows; the queue row makes it durable now.
        await this.national.enqueue(
          tx,
          r.applied.map((e) => ({
            ...queuedEntity(e),
            // The priority lane's entities are resolved ahead of the batch queue.
            priority: onLane(e),
          })),
        );
        // A lane copy that came second (its version already applied from the ordinary topic,
        // and perhaps queued behind a backlog) still moves its entity to the front.
        await this.observer.recordIngested(tx, r.applied);
        const applied = new Set(r.applied);
        await this.national.prioritise(
          tx,
          kept.filter((e) => onLane(e) && !applied.has(e)).map(queuedEntity),
        );
        return {
          applied: r.applied,
          duplicate: kept.length - todo.length,
          stale: r.stale.length,
          jumps: [...jumps],
        };
      });
      for (const e of result.jumps)
        failures.push({
          message: messageOf.get(e) as ConsumedMessage,
          reason: 'version-jump',
          error: `version-jump: version ${e.version} is more than ${this.policy.maxVersionStep} past the current one`,
        });
      applied.push(...result.applied);
      this.observer.ingestCommitted(result.applied);
      outcome.applied = result.applied.length;
      outcome.duplicate = result.duplicate;
      outcome.stale = result.stale;
    }

    if (failures.length > 0) {
      await publishDeadLetters(this.deadLetters, failures, this.consumerGroup);
      outcome.deadLettered = failures.length;
      for (const f of failures) {
        this.metrics.deadLettered.inc({ topic: f.message.topic, reason: f.reason });
        // Where it was and why it was refused: never any of its content.
        this.logger.warn(
          {
            event: 'dead-lettered',
            topic: f.message.topic,
            partition: f.message.partition,
            offset: f.message.offset,
            key: f.message.key,
            reason: f.reason,
            error: f.error,
          },
          'poison message parked on the dead-letter topic',
        );
      }
    }

    for (const e of applied) this.metrics.applied.inc({ event_type: e.kind });
    if (outcome.duplicate) this.metrics.skipped.inc({ reason: 'duplicate' }, outcome.duplicate);
    if (outcome.stale) this.metrics.skipped.inc({ reason: 'stale' }, outcome.stale);
    if (outcome.tombstones) this.metrics.skipped.inc({ reason: 'tombstone' }, outcome.tombstones);
    end();
    this.logger.debug({ ...outcome, messages: batch.length }, 'batch ingested');
    return outcome;
  }
}
