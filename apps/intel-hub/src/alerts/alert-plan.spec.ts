import { AlertType, FlagType, SubjectRole, type IncidentState } from '@intel/contracts';
import { planChangeAlerts, planQueryAlerts, visibilityOf } from './alert-plan';

const now = new Date('2026-11-28T00:00:00Z');
const rso = {
  type: FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
  reason: 'registered',
  evidence: [{ forceCode: '36', entity: 'nominal', id: 'n1' }],
};
const cross = {
  type: FlagType.FLAG_TYPE_CROSS_FORCE,
  reason: 'two forces',
  evidence: [
    { forceCode: '36', entity: 'nominal', id: 'n1' },
    { forceCode: '01', entity: 'nominal', id: 'n2' },
  ],
};

describe('alert planning', () => {
  it('a new flag alerts every holding force; a flag already raised does not again', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        before: {
          flags: new Set([FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER]),
          incidents: new Set(),
        },
        flags: [rso, cross],
        incidents: [],
        recipients: ['01', '36'],
      },
      visibilityOf(new Set()),
      now,
    );
    expect(drafts.map((d) => [d.recipientForceCode, d.alertType, d.flags])).toEqual([
      ['01', AlertType.ALERT_TYPE_FLAG_RAISED, [FlagType.FLAG_TYPE_CROSS_FORCE]],
      ['36', AlertType.ALERT_TYPE_FLAG_RAISED, [FlagType.FLAG_TYPE_CROSS_FORCE]],
    ]);
  });

  it('never shows another force a handling code C record or a flag resting only on one', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        before: { flags: new Set(), incidents: new Set() },
        flags: [rso, cross],
        incidents: [],
        recipients: ['01', '36'],
      },
      visibilityOf(new Set(['nominal:36:n1'])),
      now,
    );
    const met = drafts.find((d) => d.recipientForceCode === '01')!;
    expect(met.flags).toEqual([FlagType.FLAG_TYPE_CROSS_FORCE]);
    expect(met.records).toEqual([{ forceCode: '01', entity: 'nominal', id: 'n2' }]);
    expect(met.summary).toContain('Force 36 also holds restricted records');
    const norfolk = drafts.find((d) => d.recipientForceCode === '36')!;
    expect(norfolk.flags).toContain(FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER);
  });

  it('a new incident on a flagged person alerts, with the risk to a child', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        before: {
          flags: new Set([FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER]),
          incidents: new Set(),
        },
        flags: [rso],
        incidents: [
          {
            forceCode: '46',
            incidentId: 'i2',
            state: { immediateRiskToChild: true } as IncidentState,
            roles: [SubjectRole.SUBJECT_ROLE_SUSPECT],
          },
        ],
        recipients: ['36', '46'],
      },
      visibilityOf(new Set()),
      now,
    );
    expect(drafts).toHaveLength(2);
    expect(
      drafts.every((d) => d.alertType === AlertType.ALERT_TYPE_INCIDENT_ON_FLAGGED_PERSON),
    ).toBe(true);
    expect(drafts.every((d) => d.immediateRiskToChild)).toBe(true);
  });

  it("a query tells the other forces concerned, and a restricted record's owner of the interest", () => {
    const drafts = planQueryAlerts(
      {
        callerForce: '46',
        action: 'CheckPerson',
        personId: 'P',
        flags: [rso],
        recipients: ['36', '46'],
        hitOnly: [{ forceCode: '36', entity: 'nominal', id: 'n1' }],
      },
      visibilityOf(new Set(['nominal:36:n1'])),
      now,
    );
    expect(drafts.map((d) => [d.recipientForceCode, d.alertType])).toEqual([
      ['36', AlertType.ALERT_TYPE_QUERY_ON_FLAGGED_PERSON],
      ['36', AlertType.ALERT_TYPE_INTEREST_IN_RESTRICTED_RECORD],
    ]);
  });
});
