/**
 * The one place that names the topics (docs/contracts.md, "Kafka").
 * Topics are created explicitly; brokers run with auto-creation off.
 */
export const TOPICS = {
  person: 'intel.person.v1',
  incident: 'intel.incident.v1',
  /**
   * The priority lane (issue #13): a copy of each immediate-risk incident and of its subjects'
   * current states, signed for this topic by the force like any other event, so the hub sees
   * them ahead of a backlog on the person and incident topics. Key `<forceCode>:<id>` as there.
   */
  priority: 'intel.priority.v1',
  /**
   * The alert family: each alert is published on its recipient's own topic,
   * `intel.alert.v1.<forceCode>` (alertTopic), so that an ACL lets a force read its own alerts
   * and nobody else's. No shared `intel.alert.v1` topic exists (docs/security.md).
   */
  alert: 'intel.alert.v1',
  dlq: 'intel.dlq.v1',
  /**
   * The hub's signed audit-chain heads (libs/audit audit-anchor.ts), key = the hub's database:
   * the chain anchored outside PostgreSQL. Written by the hub only, read by auditors.
   */
  auditAnchor: 'intel.audit-anchor.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** The topic holding the alerts for one recipient force: `intel.alert.v1.<forceCode>`. */
export function alertTopic(recipientForceCode: string): string {
  if (!/^\d{2}$/.test(recipientForceCode)) {
    throw new Error(`not a force code: ${JSON.stringify(recipientForceCode)}`);
  }
  return `${TOPICS.alert}.${recipientForceCode}`;
}

export interface TopicSpec {
  topic: string;
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
  {
    // Few, small messages, kept a week (the person and incident topics keep the record). One
    // partition: an incident's copy follows its subjects' copies, in the order written.
    topic: TOPICS.priority,
    numPartitions: 1,
    configEntries: [{ name: 'retention.ms', value: '604800000' }],
  },
  { topic: TOPICS.dlq, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] },
  {
    // Kept for ever: every anchor is evidence against a later rewrite of the chain.
    topic: TOPICS.auditAnchor,
    numPartitions: 1,
    configEntries: [{ name: 'retention.ms', value: '-1' }],
  },
];

/** Every topic of a cluster serving these forces: the shared ones and one alert topic each. */
export function topicSpecsFor(forceCodes: readonly string[]): TopicSpec[] {
  return [
    ...TOPIC_SPECS,
    ...forceCodes.map((code) => ({ topic: alertTopic(code), numPartitions: 1, configEntries: [] })),
  ];
}

/** Message key for a force's entity: `<forceCode>:<id>` (docs/contracts.md). */
export function entityKey(forceCode: string, id: string): string {
  return `${forceCode}:${id}`;
}

export const HEADER_EVENT_TYPE = 'intel-event-type';
export const HEADER_SCHEMA_VERSION = 'intel-schema-version';
export const HEADER_EVENT_ID = 'intel-event-id';
export const SCHEMA_VERSION = 1;
