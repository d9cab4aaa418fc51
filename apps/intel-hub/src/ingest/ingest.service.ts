import { inTransaction, type Sql } from '@intel/db';
import type { HubEventTrust } from '@intel/envelope-security';
import { TOPICS, type ConsumedMessage, type EventPublisher } from '@intel/kafka';
import type { Logger } from '@intel/observability';
import type { DataSource } from 'typeorm';
import type { HubMetrics } from '../hub.metrics';
import { publishDeadLetters, type Failure } from './dead-letters';
import { parseMessage, type HubEvent, type PoisonReason } from './hub-event';
import type { HubStoreRepository } from './hub-store.repository';
import { versionJumps } from './version-bounds';
import type {
  NationalStoreRepository,
  QueuedEntity,
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

/** What else must happen with the events a batch applies. */
export interface AppliedObserver {
  /** In the batch's transaction: durable exactly when the events are. */
  withinTransaction(tx: Sql, applied: readonly HubEvent[]): Promise<void>;
  /** Once the transaction has committed (synchronous). */
  committed(applied: readonly HubEvent[]): void;
}

const NO_OBSERVER: AppliedObserver = {
  withinTransaction: () => Promise.resolve(),
  committed: () => undefined,
};

/** What the ingest needs to tell a force's genuine events from anything else. */
export interface IngestPolicy {
  trust: HubEventTrust;
  /** An entity's version may move at most this far past the stored one. */
  maxVersionStep: number;
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
export class IngestService {
  constructor(
    private readonly ds: DataSource,
    private readonly store: HubStoreRepository,
    private readonly national: NationalStoreRepository,
    private readonly deadLetters: EventPublisher,
    private readonly metrics: HubMetrics,
    private readonly logger: Logger,
    private readonly consumerGroup: string,
    private readonly policy: IngestPolicy,
    /** What else is done with the events a batch applies (deconfliction). */
    private readonly observer: AppliedObserver = NO_OBSERVER,
  ) {}

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
        await this.observer.withinTransaction(tx, r.applied);
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
      this.observer.committed(result.applied);
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
