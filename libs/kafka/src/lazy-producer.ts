import type { Kafka, Producer, ProducerConfig, TopicMessages } from 'kafkajs';
import type { OutgoingMessage } from './event-publisher';

/**
 * A kafkajs producer connected on first use and dropped after a failure (the next call starts
 * afresh: after a broker outage a producer's connection or epoch may be unusable).
 */
export abstract class LazyProducer {
  private producer: Producer | undefined;

  constructor(
    protected readonly kafka: Kafka,
    private readonly config: ProducerConfig,
  ) {}

  protected async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer(this.config);
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  protected async reset(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await p.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.reset();
  }
}

/** One kafkajs TopicMessages per topic, messages in their original order. */
export function topicMessages(messages: OutgoingMessage[]): TopicMessages[] {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const m of messages) {
    const list = byTopic.get(m.topic) ?? [];
    list.push(m);
    byTopic.set(m.topic, list);
  }
  return [...byTopic].map(([topic, msgs]) => ({
    topic,
    messages: msgs.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
  }));
}
