import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

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

/** Handles a sub-batch; resolves when every message in it is done (applied, skipped or parked). */
export type BatchHandler = (batch: ConsumedMessage[]) => Promise<void>;

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
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.crashed = false;
    });
    await consumer.connect();
    this.consumer = consumer;
    await consumer.subscribe({
      topics: this.opts.topics,
      fromBeginning: this.opts.fromBeginning ?? true,
    });
    const size = Math.max(1, this.opts.maxBatchSize ?? 500);
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (p: EachBatchPayload) => {
        const { batch } = p;
        for (let i = 0; i < batch.messages.length; i += size) {
          if (!p.isRunning() || p.isStale()) return;
          const slice = batch.messages.slice(i, i + size);
          await handler(slice.map((m) => toConsumed(batch.topic, batch.partition, m)));
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
