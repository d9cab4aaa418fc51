import { inTransaction } from '@intel/db';
import type { ConsumedMessage, EventPublisher } from '@intel/kafka';
import type { Logger } from '@intel/observability';
import type { DataSource } from 'typeorm';
import type { HubMetrics } from '../hub.metrics';
import { publishDeadLetters, type Failure } from './dead-letters';
import { parseMessage, type HubEvent } from './hub-event';
import type { HubStoreRepository } from './hub-store.repository';
import type { NationalStoreRepository } from '../resolution/national-store.repository';

export interface BatchOutcome {
  applied: number;
  duplicate: number;
  stale: number;
  tombstones: number;
  deadLettered: number;
}

/**
 * Applies a consumed batch of force events to the hub store: every valid event of the batch and
 * its processed_event row in one transaction (idempotent on event id, then a version check),
 * poison messages to intel.dlq.v1. Resolves only when both are durable, so the consumer may
 * commit the offsets; a throw makes the consumer redeliver the batch.
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
    const failures: Failure[] = [];
    for (const m of batch) {
      this.metrics.consumed.inc({ topic: m.topic });
      const parsed = parseMessage(m);
      if (parsed.ok === 'tombstone') outcome.tombstones++;
      else if (parsed.ok) events.push(parsed.event);
      else failures.push({ message: m, error: parsed.error });
    }

    const applied: HubEvent[] = [];
    if (events.length > 0) {
      const at = new Date();
      const result = await inTransaction(this.ds, async (tx) => {
        const fresh = await this.store.markProcessed(
          tx,
          events.map((e) => e.eventId),
        );
        // A redelivered event, or the second copy of one within the batch, is a duplicate.
        const todo: HubEvent[] = [];
        for (const e of events) if (fresh.delete(e.eventId)) todo.push(e);
        const r = await this.store.apply(tx, todo, at);
        // Resolution into national persons follows; the queue row makes it durable now.
        await this.national.enqueue(
          tx,
          r.applied.map((e) => ({
            entity:
              e.kind === 'nominal-upserted' || e.kind === 'nominal-withdrawn'
                ? 'nominal'
                : 'incident',
            forceCode: e.forceCode,
            id: e.id,
          })),
        );
        return {
          applied: r.applied,
          duplicate: events.length - todo.length,
          stale: r.stale.length,
        };
      });
      applied.push(...result.applied);
      outcome.applied = result.applied.length;
      outcome.duplicate = result.duplicate;
      outcome.stale = result.stale;
    }

    if (failures.length > 0) {
      await publishDeadLetters(this.deadLetters, failures, this.consumerGroup);
      outcome.deadLettered = failures.length;
      for (const f of failures) {
        this.metrics.deadLettered.inc({ topic: f.message.topic });
        this.logger.warn(
          {
            event: 'dead-lettered',
            topic: f.message.topic,
            partition: f.message.partition,
            offset: f.message.offset,
            key: f.message.key,
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
