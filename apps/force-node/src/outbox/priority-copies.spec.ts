import { EventEnvelope, EventType, IncidentState, NominalState } from '@intel/contracts';
import { HEADER_EVENT_ID, TOPICS } from '@intel/kafka';
import { incidentUpserted, nominalUpserted, priorityCopies } from './outbox-message';

const at = new Date('2026-12-06T06:00:00Z');
const incident: IncidentState = {
  ...IncidentState.decode(new Uint8Array()),
  incidentId: 'inc-1',
  version: 2,
  immediateRiskToChild: true,
};
const subject: NominalState = {
  ...NominalState.decode(new Uint8Array()),
  nominalId: 'n-1',
  version: 5,
};

describe('the priority lane copies', () => {
  const copies = priorityCopies('46', incident, [subject], at);

  it('puts the subjects first, then the incident, on intel.priority.v1, marked priority', () => {
    expect(copies.map((c) => [c.topic, c.key, c.priority])).toEqual([
      [TOPICS.priority, '46:n-1', true],
      [TOPICS.priority, '46:inc-1', true],
    ]);
    const [n, i] = copies.map((c) => EventEnvelope.decode(c.value!));
    expect(n!.eventType).toBe(EventType.EVENT_TYPE_NOMINAL_UPSERTED);
    expect(n!.nominal).toMatchObject({ nominalId: 'n-1', version: 5 });
    expect(i!.incident).toMatchObject({ incidentId: 'inc-1', version: 2 });
  });

  it('each copy is an event of its own (the same state and version as on its own topic)', () => {
    const ordinary = [nominalUpserted('46', subject, at), incidentUpserted('46', incident, at)];
    for (const [k, c] of copies.entries()) {
      expect(c.eventId).not.toBe(ordinary[k]!.eventId);
      expect(c.headers[HEADER_EVENT_ID]).toBe(c.eventId);
      expect(ordinary[k]!.priority).toBeUndefined();
    }
  });
});
