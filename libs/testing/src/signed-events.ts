import { randomUUID } from 'node:crypto';
import { Partitioners, type Producer } from 'kafkajs';
import {
  EventEnvelope,
  NameType,
  Sex,
  timestampFromDate,
  type EventType,
  type NominalState,
} from '@intel/contracts';
import { protectRecord } from '@intel/envelope-security';
import {
  HEADER_EVENT_ID,
  HEADER_EVENT_TYPE,
  HEADER_SCHEMA_VERSION,
  SCHEMA_VERSION,
  TOPICS,
  createKafka,
  entityKey,
  forcePrincipal,
} from '@intel/kafka';
import { testEventKeys } from './event-keys';
import { testKafka } from './test-env';

/** A connected producer as the force's own Kafka principal, one request in flight. */
export async function forceProducer(force: string, clientId: string): Promise<Producer> {
  const p = createKafka(testKafka(forcePrincipal(force), clientId)).producer({
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await p.connect();
  return p;
}

/** A nominal with one birth name and nothing else. */
export function bareNominal(nominalId: string, version: number, family: string): NominalState {
  return {
    nominalId,
    version,
    names: [{ given: ['Test'], family, type: NameType.NAME_TYPE_BIRTH }],
    datesOfBirth: [],
    sex: Sex.SEX_UNSPECIFIED,
    identifiers: [],
    onlineIdentifiers: [],
    addresses: [],
    registrations: [],
    handling: undefined,
    subjectCategories: [],
    sources: [],
    updatedAt: undefined,
  };
}

export interface SignedEvent {
  eventId: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * An event as the force's node publishes it: the envelope, keyed and headed, signed (and sealed
 * if handling code C) with this run's keys for the force, which the hub holds.
 */
export function signedEvent(
  force: string,
  eventType: EventType,
  id: string,
  payload: Pick<EventEnvelope, 'nominal' | 'incident' | 'withdrawal'>,
): SignedEvent {
  const eventId = randomUUID();
  const envelope: EventEnvelope = {
    eventId,
    eventType,
    forceCode: force,
    occurredAt: timestampFromDate(new Date()),
    schemaVersion: SCHEMA_VERSION,
    sealed: undefined,
    ...payload,
  };
  const signed = protectRecord(
    {
      topic: eventType.startsWith('EVENT_TYPE_INCIDENT') ? TOPICS.incident : TOPICS.person,
      key: entityKey(force, id),
      value: Buffer.from(EventEnvelope.encode(envelope).finish()),
      headers: {
        [HEADER_EVENT_ID]: eventId,
        [HEADER_EVENT_TYPE]: eventType,
        [HEADER_SCHEMA_VERSION]: String(SCHEMA_VERSION),
      },
    },
    testEventKeys().forceKeys(force),
  );
  return { eventId, key: signed.key, value: signed.value as Buffer, headers: signed.headers };
}
