import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { PollCoalescer } from './poll-coalescer';

/** One message as a consumer sees it: kafkajs types stay behind this library. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  /** null = tombstone. */
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Which subscription a batch comes from (a handler that keeps offsets stores them per group). */
export interface BatchContext {
  groupId: string;
}

/** Handles a sub-batch; resolves when every message in it is done (applied, skipped or parked). */
export type BatchHandler = (batch: ConsumedMessage[], context: BatchContext) => Promise<void>;

/** A partition's next offset to handle, as the handler stored it; undefined if it stored none. */
export type StoredOffsetReader = (
  groupId: string,
  topic: string,
  partition: number,
) => Promise<string | undefined>;

/**
 * A consumer-group subscription. At-least-once: a message's offset is committed only after the
 * handler succeeded for the sub-batch that holds it, so a crash replays it (handlers must be
 * idempotent, docs/contracts.md "Kafka").
 */
export interface EventConsumer {
  start(handler: BatchHandler): Promise<void>;
  stop(): Promise<void>;
  /** Started and not crashed (readiness). */
  readonly running: boolean;
  /** The last error the consumer reported, if any. */
  readonly lastError: string | undefined;
}

export interface EventConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts; the default is the beginning. */
  fromBeginning?: boolean;
  /** Messages handed to the handler at once; a fetched batch is cut into sub-batches. */
  maxBatchSize?: number;
  /** Partitions handled at once (order is kept within a partition); the default is 1. */
  partitionsConsumedConcurrently?: number;
  /** Messages left after a batch (high watermark - 1 - last offset), per partition. */
  onLag?: (topic: string, partition: number, lag: number) => void;
  /** Consumer crashes (kafkajs restarts the consumer itself when the error is retriable). */
  onError?: (error: Error) => void;
  /**
   * The partitions of one fetch go to the handler together, as one batch (one transaction per
   * poll across partitions), rather than one call per partition. Order within a partition is
   * kept; a failed call redelivers every partition in it.
   */
  coalescePartitions?: boolean;
  /**
   * The handler keeps its own offsets (stored with what it applies, in one transaction): the
   * first batch of each partition after an assignment reads the stored offset, and a batch
   * that starts below it is dropped and the partition sought there, so a rebalance or a
   * restart does not fetch or hand over again what was applied. The handler must still skip
   * anything below its stored offset (its transaction decides).
   */
  storedOffsets?: StoredOffsetReader;
}

function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key?.toString('utf8') ?? '',
    value: m.value ?? null,
    headers,
  };
}

/**
 * kafkajs `eachBatch` consumer: read_committed (aborted transactional writes are invisible),
 * manual offset resolution after the handler succeeds, heartbeats between sub-batches.
 * A handler that throws leaves the sub-batch unresolved: kafkajs retries it, then restarts.
 */
export class KafkaEventConsumer implements EventConsumer {
  private consumer: Consumer | undefined;
  private crashed = false;
  private error: string | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: EventConsumerOptions,
  ) {}

  get running(): boolean {
    return this.consumer !== undefined && !this.crashed;
  }

  get lastError(): string | undefined {
    return this.error;
  }

  async start(handler: BatchHandler): Promise<void> {
    if (this.consumer) throw new Error('consumer already started');
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      readUncommitted: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 500,
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const err = e.payload.error;
      this.error = err.message;
      this.crashed = !e.payload.restart;
      this.opts.onError?.(err);
    });
    // Each partition's stored next offset, read at its first batch since the last join.
    const floors = new Map<string, bigint>();
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.crashed = false;
      floors.clear();
    });
    await consumer.connect();
    this.consumer = consumer;
    await consumer.subscribe({
      topics: this.opts.topics,
      fromBeginning: this.opts.fromBeginning ?? true,
    });
    const size = Math.max(1, this.opts.maxBatchSize ?? 500);
    const context: BatchContext = { groupId: this.opts.groupId };
    const coalescer = this.opts.coalescePartitions
      ? new PollCoalescer<ConsumedMessage>((messages) => handler(messages, context))
      : undefined;
    const handle = (messages: ConsumedMessage[]) =>
      coalescer ? coalescer.submit(messages) : handler(messages, context);
    const stored = this.opts.storedOffsets;
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (p: EachBatchPayload) => {
        const { batch } = p;
        if (stored) {
          const tp = `${batch.topic}:${batch.partition}`;
          let floor = floors.get(tp);
          if (floor === undefined) {
            const next = await stored(this.opts.groupId, batch.topic, batch.partition);
            floor = next === undefined ? -1n : BigInt(next);
            floors.set(tp, floor);
          }
          const first = batch.firstOffset();
          if (first !== null && BigInt(first) < floor) {
            // Applied up to the stored offset already (Kafka's committed offset lags, or was
            // reset): fetch from there. This batch, and any fetched before the seek took
            // effect, is dropped unresolved.
            consumer.seek({
              topic: batch.topic,
              partition: batch.partition,
              offset: String(floor),
            });
            return;
          }
        }
        const messages = batch.messages;
        for (let i = 0; i < messages.length; i += size) {
          if (!p.isRunning() || p.isStale()) return;
          const slice = messages.slice(i, i + size);
          await handle(slice.map((m) => toConsumed(batch.topic, batch.partition, m)));
          for (const m of slice) p.resolveOffset(m.offset);
          await p.commitOffsetsIfNecessary();
          await p.heartbeat();
        }
        this.opts.onLag?.(batch.topic, batch.partition, Number(batch.offsetLag()));
      },
    });
  }

  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    if (c) await c.disconnect();
  }
}
