import {
  AlertPriority,
  AlertType,
  FlagType,
  HandlingCode,
  SubjectRole,
  timestampToDate,
  type IncidentState,
} from '@intel/contracts';
import type { DerivedFlag, IncidentView } from '../flags/derive-flags';
import {
  immediateNoticeKey,
  isImmediate,
  planChangeAlerts,
  restrictedContact,
  withAlertId,
} from './alert-plan';
import { ackChannel, planEscalation } from './escalation-plan';

const now = new Date('2026-12-06T06:00:00Z');
const ACK_MS = 300_000;
const rso: DerivedFlag = {
  type: FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
  reason: 'registered',
  evidence: [{ forceCode: '01', entity: 'nominal', id: 'n-met' }],
};

function incident(forceCode: string, risk: boolean, restricted = false): IncidentView {
  return {
    forceCode,
    incidentId: `i-${forceCode}`,
    state: {
      immediateRiskToChild: risk,
      handling: restricted ? { handlingCode: HandlingCode.HANDLING_CODE_C } : undefined,
    } as IncidentState,
    roles: [SubjectRole.SUBJECT_ROLE_SUSPECT],
  };
}

const noFlags = () => ({ before: new Set<FlagType>(), after: [] as DerivedFlag[] });

describe('IMMEDIATE alerts (immediate risk to a child)', () => {
  it('tells every other holding force at once, flagged or not, with a deadline to acknowledge', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: [incident('46', true)],
        recipients: ['01', '36', '46'],
        flagsFor: noFlags,
        immediateAckMs: ACK_MS,
      },
      now,
    );
    // Kent (46) reported it: it is not asked to acknowledge its own report.
    expect(drafts.map((d) => [d.recipientForceCode, d.alertType, d.priority])).toEqual([
      ['01', AlertType.ALERT_TYPE_IMMEDIATE_RISK_TO_CHILD, AlertPriority.ALERT_PRIORITY_IMMEDIATE],
      ['36', AlertType.ALERT_TYPE_IMMEDIATE_RISK_TO_CHILD, AlertPriority.ALERT_PRIORITY_IMMEDIATE],
    ]);
    expect(timestampToDate(drafts[0]!.acknowledgeBy)?.getTime()).toBe(now.getTime() + ACK_MS);
    expect(drafts[0]!.records).toEqual([{ forceCode: '46', entity: 'incident', id: 'i-46' }]);
  });

  it('a managing force whose view flags the person gets the flag alert, made IMMEDIATE', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: [incident('46', true)],
        recipients: ['01'],
        flagsFor: () => ({ before: new Set([rso.type]), after: [rso] }),
        immediateAckMs: ACK_MS,
      },
      now,
    );
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.alertType).toBe(AlertType.ALERT_TYPE_INCIDENT_ON_FLAGGED_PERSON);
    expect(isImmediate(drafts[0]!)).toBe(true);
  });

  it('no risk reported: routine alerts as before, and none for an unflagged person', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: [incident('46', false)],
        recipients: ['01', '36'],
        flagsFor: (r) => (r === '01' ? { before: new Set([rso.type]), after: [rso] } : noFlags()),
        immediateAckMs: ACK_MS,
      },
      now,
    );
    expect(drafts.map((d) => d.recipientForceCode)).toEqual(['01']);
    expect(drafts[0]!.priority).toBeUndefined();
    expect(drafts[0]!.acknowledgeBy).toBeUndefined();
  });

  it('an incident already known does not alert again', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(['46:i-46']),
        incidents: [incident('46', true)],
        recipients: ['01'],
        flagsFor: noFlags,
        immediateAckMs: ACK_MS,
      },
      now,
    );
    expect(drafts).toEqual([]);
  });

  it('a force whose record of the suspect arrives after the incident is told then, and each force only once', () => {
    // The lane resolved Kent's incident while Norfolk's record of the suspect was still queued:
    // the incident is no longer new to the person when Norfolk's record joins it.
    const change = (notified: Set<string>) =>
      planChangeAlerts(
        {
          personId: 'P',
          beforeIncidents: new Set(['46:i-46']),
          incidents: [incident('46', true)],
          recipients: ['36', '46'],
          flagsFor: noFlags,
          immediateAckMs: ACK_MS,
          immediateNotified: notified,
        },
        now,
      );
    const first = change(new Set());
    expect(first.map((d) => [d.recipientForceCode, d.priority, d.records])).toEqual([
      [
        '36',
        AlertPriority.ALERT_PRIORITY_IMMEDIATE,
        [{ forceCode: '46', entity: 'incident', id: 'i-46' }],
      ],
    ]);
    const told = immediateNoticeKey('36', { forceCode: '46', entity: 'incident', id: 'i-46' });
    expect(change(new Set([told]))).toEqual([]);
  });

  it('handling code C: the restricted holder is told; the others learn only that it exists and whom to call', () => {
    // Norfolk (36) holds the suspect under C; the Met (01) holds an ordinary record.
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: [incident('46', true)],
        recipients: ['01', '36'],
        flagsFor: noFlags,
        restrictedHolders: ['36', '36'],
        immediateAckMs: ACK_MS,
      },
      now,
    );
    const byForce = new Map(drafts.map((d) => [d.recipientForceCode, d]));
    expect(isImmediate(byForce.get('36')!)).toBe(true);
    expect(byForce.get('36')!.summary).not.toContain('Restricted records');
    const met = byForce.get('01')!;
    expect(met.summary).toContain(`call ${restrictedContact('36')}`);
    // Nothing of Norfolk's record: no reference, no flag.
    expect(met.records.every((r) => r.forceCode !== '36')).toBe(true);
    expect(met.flags).toEqual([]);
  });

  it('a restricted risk incident tells only its owner, who is not asked to acknowledge its own', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: [incident('46', true, true)],
        recipients: ['01', '46'],
        flagsFor: noFlags,
        immediateAckMs: ACK_MS,
      },
      now,
    );
    expect(drafts).toEqual([]);
  });
});

describe('escalation', () => {
  const original = withAlertId(
    planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: [incident('46', true)],
        recipients: ['01'],
        flagsFor: noFlags,
        restrictedHolders: ['36'],
        immediateAckMs: ACK_MS,
      },
      now,
    )[0]!,
    '42',
  );

  it('goes to the same force, names the alert, discloses nothing the original did not', () => {
    const later = new Date(now.getTime() + ACK_MS + 1000);
    const e = planEscalation(original, later);
    expect(e.alertType).toBe(AlertType.ALERT_TYPE_IMMEDIATE_UNACKNOWLEDGED);
    expect(e.recipientForceCode).toBe('01');
    expect(e.escalatesAlertId).toBe('42');
    expect(e.records).toEqual(original.records);
    expect(e.flags).toEqual(original.flags);
    expect(e.nationalPersonId).toBe('P');
    expect(e.summary).toContain(original.summary);
    expect(isImmediate(e)).toBe(true);
    // It does not escalate again.
    expect(e.acknowledgeBy).toBeUndefined();
  });

  it('tells the two acknowledgement channels apart', () => {
    expect(ackChannel('grpc:01/duty-system')).toBe('grpc');
    expect(ackChannel('analyst-sub-123')).toBe('analyst');
  });

  it('a routine draft becomes a routine alert', () => {
    const a = withAlertId(
      {
        alertType: AlertType.ALERT_TYPE_FLAG_RAISED,
        recipientForceCode: '01',
        nationalPersonId: 'P',
        flags: [],
        summary: '',
        records: [],
        raisedAt: undefined,
        immediateRiskToChild: false,
      },
      '7',
    );
    expect(isImmediate(a)).toBe(false);
    expect(a.escalatesAlertId).toBe('');
  });
});
