import type { Kafka } from 'kafkajs';
import { TOPIC_SPECS, type TopicSpec } from './topics';

/** Creates the platform's topics if missing (idempotent). Returns the names created. */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[] = TOPIC_SPECS,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        replicationFactor: -1,
        configEntries: s.configEntries,
      })),
    });
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

/** Whether the cluster answers a metadata request (readiness checks). */
export async function pingKafka(kafka: Kafka, timeoutMs = 2000): Promise<boolean> {
  const admin = kafka.admin();
  const timeout = new Promise<false>((resolve) =>
    setTimeout(() => resolve(false), timeoutMs).unref(),
  );
  const probe = (async () => {
    await admin.connect();
    await admin.describeCluster();
    return true as const;
  })().catch(() => false as const);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
