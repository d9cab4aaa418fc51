import { AlertType, timestampFromDate } from '@intel/contracts';
import type { AlertDraft } from './alert-plan';
import { QueryAlertThrottle } from './query-alert-throttle';

const HOUR = 3_600_000;
const t0 = new Date('2026-11-28T09:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function draft(
  recipient: string,
  personId: string,
  type = AlertType.ALERT_TYPE_QUERY_ON_FLAGGED_PERSON,
  records: string[] = [],
): AlertDraft {
  return {
    alertType: type,
    recipientForceCode: recipient,
    nationalPersonId: personId,
    flags: [],
    summary: '',
    records: records.map((id) => ({ forceCode: recipient, entity: 'nominal', id })),
    raisedAt: timestampFromDate(t0),
    immediateRiskToChild: false,
  };
}

/** A consultation whose alerts were stored: what was due, now remembered. */
function consult(th: QueryAlertThrottle, force: string, drafts: AlertDraft[], now: Date) {
  const due = th.due(force, drafts, now);
  th.raised(force, due, now);
  return due;
}

describe('QueryAlertThrottle', () => {
  it('given the same force consults the same person again within the window, then the recipient is not alerted again', () => {
    const th = new QueryAlertThrottle(HOUR);
    expect(consult(th, '46', [draft('36', 'p1'), draft('01', 'p1')], t0)).toHaveLength(2);
    expect(consult(th, '46', [draft('36', 'p1'), draft('01', 'p1')], at(HOUR - 1))).toEqual([]);
    // After the window: alerted again, and the window starts over from then.
    expect(consult(th, '46', [draft('36', 'p1')], at(HOUR))).toHaveLength(1);
    expect(consult(th, '46', [draft('36', 'p1')], at(2 * HOUR - 1))).toEqual([]);
  });

  it('given another force, another person or another alert type, then it alerts', () => {
    const th = new QueryAlertThrottle(HOUR);
    consult(th, '46', [draft('36', 'p1')], t0);
    expect(consult(th, '01', [draft('36', 'p1')], at(1))).toHaveLength(1);
    expect(consult(th, '46', [draft('36', 'p2')], at(2))).toHaveLength(1);
    expect(
      consult(
        th,
        '46',
        [draft('36', 'p1', AlertType.ALERT_TYPE_INTEREST_IN_RESTRICTED_RECORD)],
        at(3),
      ),
    ).toHaveLength(1);
  });

  it('given interest in restricted records, then a record not alerted about before alerts', () => {
    const th = new QueryAlertThrottle(HOUR);
    const interest = (ids: string[]) =>
      draft('36', 'p1', AlertType.ALERT_TYPE_INTEREST_IN_RESTRICTED_RECORD, ids);
    expect(consult(th, '46', [interest(['n1'])], t0)).toHaveLength(1);
    expect(consult(th, '46', [interest(['n1'])], at(1))).toEqual([]);
    expect(consult(th, '46', [interest(['n1', 'n2'])], at(2))).toHaveLength(1);
  });

  it('given a zero window, then every consultation alerts', () => {
    const th = new QueryAlertThrottle(0);
    expect(consult(th, '46', [draft('36', 'p1')], t0)).toHaveLength(1);
    expect(consult(th, '46', [draft('36', 'p1')], t0)).toHaveLength(1);
    expect(th.size).toBe(0);
  });

  it('given many consultations, then expired ones are forgotten and live ones kept', () => {
    const th = new QueryAlertThrottle(HOUR);
    for (let i = 0; i < 100_000; i++) consult(th, '46', [draft('36', `old-${i}`)], t0);
    consult(th, '46', [draft('36', 'recent')], at(HOUR / 2));
    // The next admission past the window prunes the expired entries, not the recent one.
    consult(th, '46', [draft('36', 'new')], at(HOUR + 1));
    expect(th.size).toBe(2);
    expect(consult(th, '46', [draft('36', 'recent')], at(HOUR + 2))).toEqual([]);
  });
});

describe('QueryAlertThrottle and failed consultations', () => {
  it('given the alerts of a consultation were not stored, then the next consultation still alerts', () => {
    const th = new QueryAlertThrottle(HOUR);
    expect(th.due('46', [draft('36', 'p1')], t0)).toHaveLength(1);
    // The consultation failed before its alerts were committed: raised() was never called.
    expect(th.due('46', [draft('36', 'p1')], at(1))).toHaveLength(1);
  });

  it('given alerts stored before a restart, then a restarted hub keeps their windows', () => {
    const restarted = new QueryAlertThrottle(HOUR);
    restarted.restore([
      { consultedBy: '46', alert: draft('36', 'p1'), raisedAt: at(-HOUR + 10) },
      { consultedBy: '46', alert: draft('01', 'p1'), raisedAt: at(-10) },
    ]);
    // The window of the first ends 10 ms after t0, the second's nearly an hour later.
    expect(restarted.due('46', [draft('36', 'p1'), draft('01', 'p1')], at(5))).toEqual([]);
    expect(restarted.due('46', [draft('36', 'p1'), draft('01', 'p1')], at(10))).toEqual([
      draft('36', 'p1'),
    ]);
    // Another consulting force was never alerted about.
    expect(restarted.due('01', [draft('36', 'p1')], at(5))).toHaveLength(1);
  });

  it('given a standby takes over, then the stored window replaces what it held: what the leader alerted on is quiet', () => {
    // The standby read the window when it started; the leader then alerted on p2 and died.
    const standby = new QueryAlertThrottle(HOUR);
    standby.restore([{ consultedBy: '46', alert: draft('36', 'p1'), raisedAt: at(-10) }]);
    standby.restore([
      { consultedBy: '46', alert: draft('36', 'p1'), raisedAt: at(-10) },
      { consultedBy: '46', alert: draft('36', 'p2'), raisedAt: at(-5) },
    ]);
    expect(standby.due('46', [draft('36', 'p1'), draft('36', 'p2')], at(1))).toEqual([]);
    expect(standby.size).toBe(2);
    // A window the store no longer holds (expired there) is not kept.
    standby.restore([{ consultedBy: '46', alert: draft('36', 'p2'), raisedAt: at(-5) }]);
    expect(standby.due('46', [draft('36', 'p1')], at(1))).toHaveLength(1);
  });
});
