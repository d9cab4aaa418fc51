/**
 * The one place that names the topics (STYLE.md "Events are contracts", DESIGN.md §3 Kafka).
 * Topics are created explicitly; brokers run with auto-creation off.
 */
export const TOPICS = {
  person: 'intel.person.v1',
  incident: 'intel.incident.v1',
  alert: 'intel.alert.v1',
  dlq: 'intel.dlq.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export interface TopicSpec {
  topic: TopicName;
  numPartitions: number;
  configEntries: Array<{ name: string; value: string }>;
}

export const TOPIC_SPECS: readonly TopicSpec[] = [
  {
    // Compacted: the latest state per `<forceCode>:<nominalId>` is kept forever; a null value
    // (tombstone) removes a withdrawn nominal after delete.retention.ms.
    topic: TOPICS.person,
    numPartitions: 6,
    configEntries: [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'min.compaction.lag.ms', value: '60000' },
      { name: 'delete.retention.ms', value: '86400000' },
    ],
  },
  {
    topic: TOPICS.incident,
    numPartitions: 6,
    configEntries: [{ name: 'retention.ms', value: '-1' }],
  },
  { topic: TOPICS.alert, numPartitions: 3, configEntries: [] },
  { topic: TOPICS.dlq, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] },
];

/** Message key for a force's entity: `<forceCode>:<id>` (DESIGN.md §3). */
export function entityKey(forceCode: string, id: string): string {
  return `${forceCode}:${id}`;
}

export const HEADER_EVENT_TYPE = 'intel-event-type';
export const HEADER_SCHEMA_VERSION = 'intel-schema-version';
export const HEADER_EVENT_ID = 'intel-event-id';
export const SCHEMA_VERSION = 1;
