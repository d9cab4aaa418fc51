import { inTransaction, type Sql } from '@intel/db';
import type { HubEventTrust } from '@intel/envelope-security';
import { TOPICS, type BatchContext, type ConsumedMessage, type EventPublisher } from '@intel/kafka';
import type { Logger } from '@intel/observability';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HubMetrics } from '../hub.metrics';
import { APPLIED_OBSERVER, DEAD_LETTERS, HUB_LOGGER, INGEST_OPTIONS } from '../hub.tokens';
import { publishDeadLetters, type Failure } from './dead-letters';
import {
  ConsumerOffsetsRepository,
  nextOffsets,
  notYetApplied,
} from './consumer-offsets.repository';
import { parseMessage, type HubEvent, type ParsedMessage, type PoisonReason } from './hub-event';
import { HubStoreRepository } from './hub-store.repository';
import { repeatedEvents, versionJumps } from './version-bounds';
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
 * Applies a consumed batch of force events (a poll across partitions) to the hub store in one
 * transaction: every valid event, its resolution queue row, and the group's next offset of each
 * partition (`consumer_offset`), so a redelivered message (below the stored offset) is skipped
 * and nothing is applied twice; then a second copy of an applied event (same event id) is a
 * duplicate and an older or equal version stale. An event is valid only when signed by a
 * registered key of its force, within the intake's limits, and its version does not jump
 * absurdly; the refused ones go to intel.dlq.v1 with the reason before the offsets move past
 * them, counted by reason and logged without content. A throw rolls everything back and makes
 * the consumer redeliver the batch.
 */
@Injectable()
export class IngestService {
  private readonly logger: Logger;
  private readonly consumerGroup: string;
  private readonly policy: IngestPolicy;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(HubStoreRepository) private readonly store: HubStoreRepository,
    @Inject(ConsumerOffsetsRepository) private readonly offsets: ConsumerOffsetsRepository,
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

  /**
   * `context.groupId` names the subscription: its stored offsets decide what of the batch was
   * applied before (a redelivery), and move past the batch in the same transaction.
   */
  async handle(batch: ConsumedMessage[], context: BatchContext): Promise<BatchOutcome> {
    const end = this.metrics.batchSeconds.startTimer();
    const outcome: BatchOutcome = {
      applied: 0,
      duplicate: 0,
      stale: 0,
      tombstones: 0,
      deadLettered: 0,
    };
    // Verified and decoded before the transaction (the costly part holds no lock).
    const parsed = new Map<ConsumedMessage, ParsedMessage>();
    for (const m of batch) {
      this.metrics.consumed.inc({ topic: m.topic });
      parsed.set(m, parseMessage(m, this.policy.trust));
    }

    const at = new Date();
    const result = await inTransaction(this.ds, async (tx) => {
      const next = nextOffsets(batch);
      const stored = await this.offsets.lock(tx, context.groupId, [...next.keys()]);
      // Below the stored offset: applied (or parked) by an earlier transaction.
      const todo = notYetApplied(batch, stored);
      const events: HubEvent[] = [];
      const failures: Array<Failure & { reason: PoisonReason }> = [];
      const messageOf = new Map<HubEvent, ConsumedMessage>();
      let tombstones = 0;
      for (const m of todo) {
        const p = parsed.get(m) as ParsedMessage;
        if (p.ok === 'tombstone') tombstones++;
        else if (p.ok) {
          events.push(p.event);
          messageOf.set(p.event, m);
        } else failures.push({ message: m, error: `${p.reason}: ${p.error}`, reason: p.reason });
      }
      let applied: HubEvent[] = [];
      let duplicate = batch.length - todo.length;
      let stale = 0;
      if (events.length > 0) {
        const current = await this.store.currentVersions(tx, events);
        // A second copy of an applied event, then an absurd version jump (parked below).
        const repeated = repeatedEvents(
          events,
          new Map([...current].map(([k, v]) => [k, v.eventIds])),
        );
        const kept = events.filter((e) => !repeated.has(e));
        const jumps = versionJumps(
          kept,
          new Map([...current].map(([k, v]) => [k, v.version])),
          this.policy.maxVersionStep,
        );
        const valid = kept.filter((e) => !jumps.has(e));
        const r = await this.store.apply(tx, valid, at);
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
        await this.observer.recordIngested(tx, r.applied);
        // A lane copy that came second (its version already applied from the ordinary topic,
        // and perhaps queued behind a backlog) still moves its entity to the front.
        const done = new Set(r.applied);
        await this.national.prioritise(
          tx,
          events.filter((e) => onLane(e) && !done.has(e) && !jumps.has(e)).map(queuedEntity),
        );
        for (const e of jumps)
          failures.push({
            message: messageOf.get(e) as ConsumedMessage,
            reason: 'version-jump',
            error: `version-jump: version ${e.version} is more than ${this.policy.maxVersionStep} past the current one`,
          });
        applied = r.applied;
        duplicate += repeated.size;
        stale = r.stale.length;
      }
      // Parked before the offsets move past them: if the broker refuses, nothing commits and
      // the batch comes again (a poison message may then be parked twice, never lost).
      await publishDeadLetters(this.deadLetters, failures, this.consumerGroup);
      await this.offsets.store(tx, context.groupId, next);
      return { applied, duplicate, stale, tombstones, failures };
    });
    const applied = result.applied;
    this.observer.ingestCommitted(applied);
    outcome.applied = applied.length;
    outcome.duplicate = result.duplicate;
    outcome.stale = result.stale;
    outcome.tombstones = result.tombstones;
    outcome.deadLettered = result.failures.length;
    for (const f of result.failures) {
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

    for (const e of applied) this.metrics.applied.inc({ event_type: e.kind });
    if (outcome.duplicate) this.metrics.skipped.inc({ reason: 'duplicate' }, outcome.duplicate);
    if (outcome.stale) this.metrics.skipped.inc({ reason: 'stale' }, outcome.stale);
    if (outcome.tombstones) this.metrics.skipped.inc({ reason: 'tombstone' }, outcome.tombstones);
    end();
    this.logger.debug({ ...outcome, messages: batch.length }, 'batch ingested');
    return outcome;
  }
}
