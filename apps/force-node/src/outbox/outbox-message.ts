import { randomUUID } from 'node:crypto';
import { EventEnvelope, EventType, timestampFromDate } from '@intel/contracts';
import type { IncidentState, NominalState, Withdrawal } from '@intel/contracts';
import {
  HEADER_EVENT_ID,
  HEADER_EVENT_TYPE,
  HEADER_SCHEMA_VERSION,
  SCHEMA_VERSION,
  TOPICS,
  entityKey,
} from '@intel/kafka';

/** A row for the outbox table: exactly what the relay will put on the topic. */
export interface OutboxMessage {
  eventId: string;
  topic: string;
  key: string;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Published ahead of every queued bulk row (the priority lane, `intel.priority.v1`). */
  priority?: boolean;
}

type Payload = { nominal: NominalState } | { incident: IncidentState } | { withdrawal: Withdrawal };

function envelope(
  forceCode: string,
  topic: string,
  id: string,
  eventType: EventType,
  payload: Payload,
  at: Date,
): OutboxMessage {
  const eventId = randomUUID();
  const env: EventEnvelope = {
    eventId,
    eventType,
    forceCode,
    occurredAt: timestampFromDate(at),
    schemaVersion: SCHEMA_VERSION,
    nominal: undefined,
    incident: undefined,
    withdrawal: undefined,
    alert: undefined,
    // Sealed (handling code C) and signed by the relay as it publishes (event-protection).
    sealed: undefined,
    ...payload,
  };
  return {
    eventId,
    topic,
    key: entityKey(forceCode, id),
    value: Buffer.from(EventEnvelope.encode(env).finish()),
    headers: {
      [HEADER_EVENT_ID]: eventId,
      [HEADER_EVENT_TYPE]: eventType,
      [HEADER_SCHEMA_VERSION]: String(SCHEMA_VERSION),
    },
  };
}

/** A null value on the compacted topic: the key's state is gone (docs/contracts.md, "Kafka"). */
function tombstone(forceCode: string, topic: string, id: string): OutboxMessage {
  const eventId = randomUUID();
  return {
    eventId,
    topic,
    key: entityKey(forceCode, id),
    value: null,
    headers: {
      [HEADER_EVENT_ID]: eventId,
      [HEADER_EVENT_TYPE]: 'TOMBSTONE',
      [HEADER_SCHEMA_VERSION]: String(SCHEMA_VERSION),
    },
  };
}

export function nominalUpserted(forceCode: string, state: NominalState, at: Date): OutboxMessage {
  return envelope(
    forceCode,
    TOPICS.person,
    state.nominalId,
    EventType.EVENT_TYPE_NOMINAL_UPSERTED,
    { nominal: state },
    at,
  );
}

/**
 * The priority lane's copies (issue #13, docs/force-node.md "Priority lane"): an immediate-risk
 * incident's state, and each of its subjects' current state, on `intel.priority.v1`, each with
 * its own event id (the copy on the ordinary topic keeps its own; the hub's version check makes
 * whichever arrives second change nothing). Signed for this topic by the relay like any event.
 */
export function priorityCopies(
  forceCode: string,
  incident: IncidentState,
  subjects: readonly NominalState[],
  at: Date,
): OutboxMessage[] {
  return [
    ...subjects.map((n) =>
      envelope(
        forceCode,
        TOPICS.priority,
        n.nominalId,
        EventType.EVENT_TYPE_NOMINAL_UPSERTED,
        { nominal: n },
        at,
      ),
    ),
    envelope(
      forceCode,
      TOPICS.priority,
      incident.incidentId,
      EventType.EVENT_TYPE_INCIDENT_UPSERTED,
      { incident },
      at,
    ),
  ].map((m) => ({ ...m, priority: true }));
}

export function incidentUpserted(forceCode: string, state: IncidentState, at: Date): OutboxMessage {
  return envelope(
    forceCode,
    TOPICS.incident,
    state.incidentId,
    EventType.EVENT_TYPE_INCIDENT_UPSERTED,
    { incident: state },
    at,
  );
}

/** Withdrawal: an explicit event (so consumers learn why), then a tombstone. */
export function withdrawn(
  forceCode: string,
  entity: 'nominal' | 'incident',
  id: string,
  version: number,
  reason: string,
  at: Date,
  mergedInto = '',
): OutboxMessage[] {
  const topic = entity === 'nominal' ? TOPICS.person : TOPICS.incident;
  const type =
    entity === 'nominal'
      ? EventType.EVENT_TYPE_NOMINAL_WITHDRAWN
      : EventType.EVENT_TYPE_INCIDENT_WITHDRAWN;
  return [
    envelope(
      forceCode,
      topic,
      id,
      type,
      { withdrawal: { entity, id, version, reason, mergedInto } },
      at,
    ),
    tombstone(forceCode, topic, id),
  ];
}
