import {
  AlertType,
  FlagType,
  timestampFromDate,
  type Alert,
  type RecordRef,
} from '@intel/contracts';
import { incidentRef, maySee, refKey } from '@intel/disclosure';
import { isOffending, type DerivedFlag, type IncidentView } from '../flags/derive-flags';

/** An alert for one recipient, before it has an id. */
export type AlertDraft = Omit<Alert, 'alertId'>;

const FLAG_WORDS: Record<FlagType, string> = {
  [FlagType.FLAG_TYPE_UNSPECIFIED]: 'unspecified',
  [FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER]: 'registered sex offender',
  [FlagType.FLAG_TYPE_REPEAT_OFFENDER]: 'repeat offender',
  [FlagType.FLAG_TYPE_CROSS_FORCE]: 'cross-force subject',
  [FlagType.FLAG_TYPE_RSO_OUT_OF_AREA]: 'registered offender out of area',
};

export function flagWords(types: readonly FlagType[]): string {
  return types.map((t) => FLAG_WORDS[t]).join(', ');
}

/** A person's flags as one recipient's view has them, before and after a change. */
export interface RecipientFlags {
  before: ReadonlySet<FlagType>;
  after: readonly DerivedFlag[];
}

export interface PersonChange {
  personId: string;
  /** Offending incident keys "<force>:<id>" stored before this change. */
  beforeIncidents: ReadonlySet<string>;
  incidents: readonly IncidentView[];
  /** Forces to tell: those the person concerns from their own view of it. */
  recipients: readonly string[];
  /** The flags of the recipient's view (`@intel/disclosure`): never the national ones. */
  flagsFor: (recipient: string) => RecipientFlags;
}

function distinctRefs(refs: readonly RecordRef[]): RecordRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(refKey(r)) && !!seen.add(refKey(r)));
}

/**
 * Alerts for a change to one national person: a flag first appearing in a recipient's view, or
 * a new incident it may see on a person flagged in its view, goes to every force holding the
 * person and to the managing force of a registration. Each copy is planned from the
 * recipient's view alone (flags, reasons, records, risk), so a record another force marked C
 * neither raises, nor shapes, nor dates an alert to anyone but its owner. Pure.
 */
export function planChangeAlerts(c: PersonChange, now: Date): AlertDraft[] {
  const fresh = c.incidents.filter(
    (i) => isOffending(i) && !c.beforeIncidents.has(`${i.forceCode}:${i.incidentId}`),
  );
  const drafts: AlertDraft[] = [];
  for (const recipient of c.recipients) {
    const { before, after } = c.flagsFor(recipient);
    const newFlags = after.filter((f) => !before.has(f.type));
    const newIncidents = fresh.filter((i) => maySee(recipient, i));
    const incidentRefs = newIncidents.map((i) => incidentRef(i.forceCode, i.incidentId));
    const risk = newIncidents.some((i) => i.state.immediateRiskToChild);
    const riskLine = risk ? ' Immediate risk to a child reported.' : '';
    if (newFlags.length > 0) {
      const types = newFlags.map((f) => f.type);
      drafts.push({
        alertType: AlertType.ALERT_TYPE_FLAG_RAISED,
        recipientForceCode: recipient,
        nationalPersonId: c.personId,
        flags: types,
        summary: `New flag on national person ${c.personId}: ${flagWords(types)}.${riskLine}`,
        records: distinctRefs([...newFlags.flatMap((f) => f.evidence), ...incidentRefs]),
        raisedAt: timestampFromDate(now),
        immediateRiskToChild: risk,
      });
    } else if (after.length > 0 && newIncidents.length > 0) {
      const types = after.map((f) => f.type);
      drafts.push({
        alertType: AlertType.ALERT_TYPE_INCIDENT_ON_FLAGGED_PERSON,
        recipientForceCode: recipient,
        nationalPersonId: c.personId,
        flags: types,
        summary: `New incident on flagged national person ${c.personId} (${flagWords(types)}).${riskLine}`,
        records: incidentRefs,
        raisedAt: timestampFromDate(now),
        immediateRiskToChild: risk,
      });
    }
  }
  return drafts;
}

export interface Consultation {
  callerForce: string;
  action: string;
  personId: string;
  /** The person's flags in the recipient's view; none when the consultation did not touch it. */
  flagsFor: (recipient: string) => readonly { type: FlagType }[];
  recipients: readonly string[];
  /** Records of other forces under handling code C that the caller was only told exist. */
  hitOnly: readonly RecordRef[];
}

/**
 * Alerts for a query: a consultation touching a person flagged in a recipient's view tells
 * that force (with its view's flags); a restricted record returned as a hit tells its owner of
 * the interest. Pure.
 */
export function planQueryAlerts(q: Consultation, now: Date): AlertDraft[] {
  const drafts: AlertDraft[] = [];
  for (const recipient of q.recipients) {
    if (recipient === q.callerForce) continue;
    const types = q.flagsFor(recipient).map((f) => f.type);
    if (types.length === 0) continue;
    drafts.push({
      alertType: AlertType.ALERT_TYPE_QUERY_ON_FLAGGED_PERSON,
      recipientForceCode: recipient,
      nationalPersonId: q.personId,
      flags: types,
      summary: `Force ${q.callerForce} consulted the national index (${q.action}) about national person ${q.personId} (${flagWords(types)}).`,
      records: [],
      raisedAt: timestampFromDate(now),
      immediateRiskToChild: false,
    });
  }
  const byOwner = new Map<string, RecordRef[]>();
  for (const r of q.hitOnly) byOwner.set(r.forceCode, [...(byOwner.get(r.forceCode) ?? []), r]);
  for (const [owner, records] of [...byOwner].sort((a, b) => a[0].localeCompare(b[0]))) {
    drafts.push({
      alertType: AlertType.ALERT_TYPE_INTEREST_IN_RESTRICTED_RECORD,
      recipientForceCode: owner,
      nationalPersonId: q.personId,
      flags: [],
      summary: `Force ${q.callerForce} (${q.action}) matched ${records.length} record(s) you hold under handling code C; they were told only that you hold a record.`,
      records,
      raisedAt: timestampFromDate(now),
      immediateRiskToChild: false,
    });
  }
  return drafts;
}
