import { EventEnvelope, EventType, IncidentState, NominalState } from '@intel/contracts';
import { TOPICS, entityKey, type ConsumedMessage } from '@intel/kafka';

/** What the hub does with one valid event. */
export type HubEvent =
  | {
      kind: 'nominal-upserted';
      eventId: string;
      forceCode: string;
      id: string;
      version: number;
      state: Buffer;
    }
  | {
      kind: 'incident-upserted';
      eventId: string;
      forceCode: string;
      id: string;
      version: number;
      state: Buffer;
      sharedReference: string | null;
    }
  | {
      kind: 'nominal-withdrawn' | 'incident-withdrawn';
      eventId: string;
      forceCode: string;
      id: string;
      version: number;
    };

export type ParsedMessage =
  { ok: true; event: HubEvent } | { ok: false; error: string } | { ok: 'tombstone' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORCE_CODE = /^\d{2}$/;

class InvalidEvent extends Error {}

function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new InvalidEvent(message);
}

function checkEntity(
  m: ConsumedMessage,
  env: EventEnvelope,
  topic: string,
  id: string,
  version: number,
): void {
  check(m.topic === topic, `${env.eventType} does not belong on ${m.topic}`);
  check(id.length > 0, 'payload has no id');
  check(Number.isSafeInteger(version) && version > 0, `invalid version ${version}`);
  const expected = entityKey(env.forceCode, id);
  check(m.key === expected, `key ${JSON.stringify(m.key)} does not match payload (${expected})`);
}

function toEvent(m: ConsumedMessage, value: Buffer): HubEvent {
  let env: EventEnvelope;
  try {
    env = EventEnvelope.decode(value);
  } catch (err) {
    throw new InvalidEvent(
      `not a protobuf EventEnvelope: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  check(UUID.test(env.eventId), `invalid eventId ${JSON.stringify(env.eventId)}`);
  check(FORCE_CODE.test(env.forceCode), `invalid forceCode ${JSON.stringify(env.forceCode)}`);
  const base = { eventId: env.eventId.toLowerCase(), forceCode: env.forceCode };
  switch (env.eventType) {
    case EventType.EVENT_TYPE_NOMINAL_UPSERTED: {
      const n = env.nominal;
      check(n !== undefined, `${env.eventType} without a nominal payload`);
      checkEntity(m, env, TOPICS.person, n.nominalId, n.version);
      return {
        kind: 'nominal-upserted',
        ...base,
        id: n.nominalId,
        version: n.version,
        state: Buffer.from(NominalState.encode(n).finish()),
      };
    }
    case EventType.EVENT_TYPE_INCIDENT_UPSERTED: {
      const i = env.incident;
      check(i !== undefined, `${env.eventType} without an incident payload`);
      checkEntity(m, env, TOPICS.incident, i.incidentId, i.version);
      return {
        kind: 'incident-upserted',
        ...base,
        id: i.incidentId,
        version: i.version,
        state: Buffer.from(IncidentState.encode(i).finish()),
        sharedReference: i.sharedReference || null,
      };
    }
    case EventType.EVENT_TYPE_NOMINAL_WITHDRAWN:
    case EventType.EVENT_TYPE_INCIDENT_WITHDRAWN: {
      const w = env.withdrawal;
      check(w !== undefined, `${env.eventType} without a withdrawal payload`);
      const nominal = env.eventType === EventType.EVENT_TYPE_NOMINAL_WITHDRAWN;
      const entity = nominal ? 'nominal' : 'incident';
      check(w.entity === entity, `${env.eventType} withdraws a ${JSON.stringify(w.entity)}`);
      checkEntity(m, env, nominal ? TOPICS.person : TOPICS.incident, w.id, w.version);
      return {
        kind: nominal ? 'nominal-withdrawn' : 'incident-withdrawn',
        ...base,
        id: w.id,
        version: w.version,
      };
    }
    default:
      throw new InvalidEvent(`event type ${String(env.eventType)} is not consumed by the hub`);
  }
}

/**
 * Decodes and validates one message from a force topic. A tombstone carries no meaning of its
 * own (the withdrawal event before it does); anything else that is not a valid event is poison.
 */
export function parseMessage(m: ConsumedMessage): ParsedMessage {
  if (m.value === null) return { ok: 'tombstone' };
  try {
    return { ok: true, event: toEvent(m, m.value) };
  } catch (err) {
    if (err instanceof InvalidEvent) return { ok: false, error: err.message };
    return { ok: false, error: `unexpected: ${err instanceof Error ? err.message : String(err)}` };
  }
}
