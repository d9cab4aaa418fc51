import { EventEnvelope, EventType, IncidentState, NominalState } from '@intel/contracts';
import { TOPICS, type ConsumedMessage } from '@intel/kafka';
import { parseMessage } from './hub-event';

const EVENT_ID = '3f1c2a52-7d0e-4f51-9a8e-2b6f4c1d9e70';
const NOMINAL_ID = '9b2d6c1e-4a3f-4e8b-8c7d-1f2e3a4b5c6d';

function message(
  env: Partial<EventEnvelope>,
  over: Partial<ConsumedMessage> = {},
): ConsumedMessage {
  const full: EventEnvelope = {
    eventId: EVENT_ID,
    eventType: EventType.EVENT_TYPE_NOMINAL_UPSERTED,
    forceCode: '36',
    occurredAt: undefined,
    schemaVersion: 1,
    ...env,
  };
  return {
    topic: TOPICS.person,
    partition: 0,
    offset: '0',
    key: `36:${NOMINAL_ID}`,
    value: Buffer.from(EventEnvelope.encode(full).finish()),
    headers: {},
    ...over,
  };
}

const nominal = (version = 3): NominalState => ({
  ...NominalState.decode(new Uint8Array()),
  nominalId: NOMINAL_ID,
  version,
});

describe('parseMessage', () => {
  it('accepts a nominal upsert and keeps its state', () => {
    const r = parseMessage(message({ nominal: nominal() }));
    expect(r.ok).toBe(true);
    if (r.ok !== true) return;
    expect(r.event).toMatchObject({
      kind: 'nominal-upserted',
      eventId: EVENT_ID,
      forceCode: '36',
      id: NOMINAL_ID,
      version: 3,
    });
    if (r.event.kind !== 'nominal-upserted') return;
    expect(NominalState.decode(r.event.state).nominalId).toBe(NOMINAL_ID);
  });

  it('treats a null value as a tombstone', () => {
    expect(parseMessage(message({}, { value: null }))).toEqual({ ok: 'tombstone' });
  });

  it.each<[string, ConsumedMessage]>([
    ['garbage bytes', message({}, { value: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]) })],
    ['a bad event id', message({ eventId: 'nope', nominal: nominal() })],
    ['a bad force code', message({ forceCode: '3', nominal: nominal() })],
    ['a key that does not match', message({ nominal: nominal() }, { key: '36:other' })],
    ['a key from another force', message({ forceCode: '01', nominal: nominal() })],
    ['a missing payload', message({})],
    ['the wrong payload', message({ incident: IncidentState.decode(new Uint8Array()) })],
    ['version 0', message({ nominal: nominal(0) })],
    ['the wrong topic', message({ nominal: nominal() }, { topic: TOPICS.incident })],
    ['an unspecified type', message({ eventType: EventType.EVENT_TYPE_UNSPECIFIED })],
    [
      'a withdrawal of the wrong entity',
      message({
        eventType: EventType.EVENT_TYPE_NOMINAL_WITHDRAWN,
        withdrawal: { entity: 'incident', id: NOMINAL_ID, version: 4, reason: '', mergedInto: '' },
      }),
    ],
  ])('rejects %s', (_what, m) => {
    const r = parseMessage(m);
    expect(r.ok).toBe(false);
    if (r.ok === false) expect(r.error).not.toBe('');
  });

  it('accepts a nominal withdrawal', () => {
    const r = parseMessage(
      message({
        eventType: EventType.EVENT_TYPE_NOMINAL_WITHDRAWN,
        withdrawal: { entity: 'nominal', id: NOMINAL_ID, version: 4, reason: 'x', mergedInto: '' },
      }),
    );
    expect(r).toMatchObject({ ok: true, event: { kind: 'nominal-withdrawn', version: 4 } });
  });
});
