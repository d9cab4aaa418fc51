import { AlertType, FlagType, SubjectRole, type IncidentState } from '@intel/contracts';
import type { DerivedFlag } from '../flags/derive-flags';
import { planChangeAlerts, planQueryAlerts, type RecipientFlags } from './alert-plan';

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
/** Every recipient has the same view (no handling code C among the records). */
const same = (before: FlagType[], after: DerivedFlag[]) => (): RecipientFlags => ({
  before: new Set(before),
  after,
});

describe('alert planning', () => {
  it('a new flag alerts every holding force; a flag already raised does not again', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: [],
        recipients: ['01', '36'],
        flagsFor: same([FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER], [rso, cross]),
      },
      now,
    );
    expect(drafts.map((d) => [d.recipientForceCode, d.alertType, d.flags])).toEqual([
      ['01', AlertType.ALERT_TYPE_FLAG_RAISED, [FlagType.FLAG_TYPE_CROSS_FORCE]],
      ['36', AlertType.ALERT_TYPE_FLAG_RAISED, [FlagType.FLAG_TYPE_CROSS_FORCE]],
    ]);
    expect(drafts[0]!.records).toEqual(cross.evidence);
  });

  it('each recipient is alerted from its own view: a flag absent from it raises nothing', () => {
    // 36 holds n1 under handling code C: the Met's view has no flag at all.
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: [],
        recipients: ['01', '36'],
        flagsFor: (r) => ({ before: new Set(), after: r === '36' ? [rso, cross] : [] }),
      },
      now,
    );
    expect(drafts.map((d) => d.recipientForceCode)).toEqual(['36']);
    expect(drafts[0]!.flags).toContain(FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER);
  });

  it('a new incident on a flagged person alerts, with the risk to a child', () => {
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: [
          {
            forceCode: '46',
            incidentId: 'i2',
            state: { immediateRiskToChild: true } as IncidentState,
            roles: [SubjectRole.SUBJECT_ROLE_SUSPECT],
          },
        ],
        recipients: ['36', '46'],
        flagsFor: same([FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER], [rso]),
      },
      now,
    );
    expect(drafts).toHaveLength(2);
    expect(
      drafts.every((d) => d.alertType === AlertType.ALERT_TYPE_INCIDENT_ON_FLAGGED_PERSON),
    ).toBe(true);
    expect(drafts.every((d) => d.immediateRiskToChild)).toBe(true);
    expect(drafts[0]!.summary).toContain('Immediate risk to a child');
  });

  it("a query tells the other forces concerned, and a restricted record's owner of the interest", () => {
    const drafts = planQueryAlerts(
      {
        callerForce: '46',
        action: 'CheckPerson',
        personId: 'P',
        flagsFor: (r) => (r === '36' ? [rso] : []),
        recipients: ['01', '36', '46'],
        hitOnly: [{ forceCode: '36', entity: 'nominal', id: 'n1' }],
      },
      now,
    );
    expect(drafts.map((d) => [d.recipientForceCode, d.alertType])).toEqual([
      ['36', AlertType.ALERT_TYPE_QUERY_ON_FLAGGED_PERSON],
      ['36', AlertType.ALERT_TYPE_INTEREST_IN_RESTRICTED_RECORD],
    ]);
    expect(drafts[1]!.summary).toContain('told only that you hold a record');
  });
});
