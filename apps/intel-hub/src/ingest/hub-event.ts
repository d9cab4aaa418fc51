import { EventEnvelope, EventType, IncidentState, NominalState } from '@intel/contracts';
import { openRecord, type HubEventTrust, type RefusalReason } from '@intel/envelope-security';
import { TOPICS, entityKey, type ConsumedMessage } from '@intel/kafka';
import { checkPublishedIncident, checkPublishedNominal, type FieldError } from '@intel/records';

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

/** Why a message went to the dead-letter topic (a metric label; never content). */
export type PoisonReason = RefusalReason | 'invalid' | 'beyond-limits' | 'version-jump';

export type ParsedMessage =
  | { ok: true; event: HubEvent }
  | { ok: false; reason: PoisonReason; error: string }
  | { ok: 'tombstone' };

/** No force's version of an entity may exceed this (versions count updates of one record). */
export const MAX_EVENT_VERSION = 2 ** 31 - 1;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORCE_CODE = /^\d{2}$/;

class InvalidEvent extends Error {
  constructor(
    message: string,
    readonly reason: PoisonReason = 'invalid',
  ) {
    super(message);
  }
}

function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new InvalidEvent(message);
}

function checkEntity(
  m: ConsumedMessage,
  env: EventEnvelope,
  topic: string,
  id: string,
  version: number,
  priorityLane = false,
): void {
  // The priority lane carries copies of upserts, verified exactly as on their own topic.
  check(
    m.topic === topic || (priorityLane && m.topic === TOPICS.priority),
    `${env.eventType} does not belong on ${m.topic}`,
  );
  check(id.length > 0, 'payload has no id');
  check(Number.isSafeInteger(version) && version > 0, `invalid version ${version}`);
  if (version > MAX_EVENT_VERSION)
    throw new InvalidEvent(`version ${version} is beyond ${MAX_EVENT_VERSION}`, 'version-jump');
  const expected = entityKey(env.forceCode, id);
  check(m.key === expected, `key ${JSON.stringify(m.key)} does not match payload (${expected})`);
}

/** The intake's own limits, applied again: a state no force node could have built is refused. */
function checkLimits(errors: FieldError[], what: string): void {
  if (errors.length === 0) return;
  const shown = errors
    .slice(0, 3)
    .map((e) => `${e.field}: ${e.message}`)
    .join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  throw new InvalidEvent(`${what} beyond the intake's limits: ${shown}${more}`, 'beyond-limits');
}

function toEvent(m: ConsumedMessage, env: EventEnvelope): HubEvent {
  check(UUID.test(env.eventId), `invalid eventId ${JSON.stringify(env.eventId)}`);
  check(FORCE_CODE.test(env.forceCode), `invalid forceCode ${JSON.stringify(env.forceCode)}`);
  const base = { eventId: env.eventId.toLowerCase(), forceCode: env.forceCode };
  switch (env.eventType) {
    case EventType.EVENT_TYPE_NOMINAL_UPSERTED: {
      const n = env.nominal;
      check(n !== undefined, `${env.eventType} without a nominal payload`);
      checkEntity(m, env, TOPICS.person, n.nominalId, n.version, true);
      checkLimits(checkPublishedNominal(n), 'nominal');
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
      checkEntity(m, env, TOPICS.incident, i.incidentId, i.version, true);
      checkLimits(checkPublishedIncident(i), 'incident');
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
 * Verifies, opens, decodes and validates one message from a force topic. Before anything else
 * reads it, the message must carry a valid signature by a registered key of the force its key
 * names (tombstones included); a sealed (handling code C) state is opened; the state must be
 * within the intake's limits. A tombstone carries no meaning of its own (the withdrawal event
 * before it does); anything else that is not a valid event is poison.
 */
export function parseMessage(m: ConsumedMessage, trust: HubEventTrust): ParsedMessage {
  const opened = openRecord(m, trust);
  if (!opened.ok) return { ok: false, reason: opened.reason, error: opened.detail };
  if (opened.envelope === null) return { ok: 'tombstone' };
  try {
    return { ok: true, event: toEvent(m, opened.envelope) };
  } catch (err) {
    if (err instanceof InvalidEvent) return { ok: false, reason: err.reason, error: err.message };
    return {
      ok: false,
      reason: 'invalid',
      error: `unexpected: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
