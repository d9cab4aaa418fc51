import {
  AlertPriority,
  AlertType,
  FlagType,
  timestampFromDate,
  type Alert,
  type RecordRef,
} from '@intel/contracts';
import { forceName } from '@intel/config';
import { incidentRef, maySee, refKey } from '@intel/disclosure';
import { isOffending, type DerivedFlag, type IncidentView } from '../flags/derive-flags';

/** Fields only IMMEDIATE alerts and escalations set (absent: routine). */
type UrgencyFields = 'priority' | 'escalatesAlertId' | 'acknowledgeBy';

/** An alert for one recipient, before it has an id. */
export type AlertDraft = Omit<Alert, 'alertId' | UrgencyFields> &
  Partial<Pick<Alert, UrgencyFields>>;

/** A draft as the alert it becomes, with its id (routine unless it says otherwise). */
export function withAlertId(d: AlertDraft, alertId: string): Alert {
  return {
    priority: AlertPriority.ALERT_PRIORITY_UNSPECIFIED,
    escalatesAlertId: '',
    acknowledgeBy: undefined,
    ...d,
    alertId,
  };
}

export function isImmediate(a: { priority?: AlertPriority }): boolean {
  return a.priority === AlertPriority.ALERT_PRIORITY_IMMEDIATE;
}

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
  /** Forces holding records of the person under handling code C (named to others only as whom to call). */
  restrictedHolders?: readonly string[];
  /** An IMMEDIATE alert must be acknowledged within this many ms (HUB_IMMEDIATE_ACK_MS). */
  immediateAckMs?: number;
  /**
   * The IMMEDIATE notices already given for this person's incidents (`immediateNoticeKey`):
   * whatever the order its records were resolved in, each force is told of each immediate-risk
   * incident once. Absent: only incidents new to the person are considered.
   */
  immediateNotified?: ReadonlySet<string>;
}

/** Whom a force calls about another force's restricted records: its intelligence bureau. */
export function restrictedContact(forceCode: string): string {
  return `${forceName(forceCode)} Force Intelligence Bureau`;
}

/**
 * The line an IMMEDIATE alert adds for the restricted holders the recipient may not see: that
 * one exists and whom to call, nothing else (no record, no flag, no reason).
 */
function restrictedLine(recipient: string, holders: readonly string[]): string {
  const others = [...new Set(holders)].filter((h) => h !== recipient).sort();
  if (others.length === 0) return '';
  return ` Restricted records of this person are also held: call ${others.map(restrictedContact).join('; ')}.`;
}

/** The key of a recipient's IMMEDIATE notice of one incident (`PersonChange.immediateNotified`). */
export function immediateNoticeKey(recipient: string, incident: RecordRef): string {
  return `${recipient}|${incident.forceCode}:${incident.id}`;
}

/**
 * The immediate-risk incidents, reported by another force and visible to the recipient, that it
 * is to be told of now. With the record of notices: every such incident of the person not yet
 * notified to it, so that a force whose record of the suspect reaches the hub after the incident
 * (the priority lane overtakes queued bulk work) is told all the same, and once. Without it: the
 * incidents new to the person.
 */
function urgentFor(
  c: PersonChange,
  fresh: readonly IncidentView[],
  recipient: string,
): IncidentView[] {
  const notified = c.immediateNotified;
  const pool = notified ? c.incidents.filter(isOffending) : fresh;
  return pool.filter(
    (i) =>
      i.state.immediateRiskToChild &&
      i.forceCode !== recipient &&
      maySee(recipient, i) &&
      !notified?.has(immediateNoticeKey(recipient, incidentRef(i.forceCode, i.incidentId))),
  );
}

function distinctRefs(refs: readonly RecordRef[]): RecordRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(refKey(r)) && !!seen.add(refKey(r)));
}

/**
 * Alerts for a change to one national person: a flag first appearing in a recipient's view, or
 * a new incident it may see on a person flagged in its view, goes to every force holding the
 * person and to the managing force of a registration. A new incident it may see reporting an
 * immediate risk to a child (another force's) makes the alert IMMEDIATE, flagged or not, with
 * an acknowledgement deadline and, for restricted holders it may not see, whom to call. Each copy is planned from the
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
    // Immediate risk reported by another force: IMMEDIATE, whatever the person's flags (the
    // reporting force knows already; it is not asked to acknowledge its own report).
    const urgentIncidents = urgentFor(c, fresh, recipient);
    const incidentRefs = distinctRefs(
      [...newIncidents, ...urgentIncidents].map((i) => incidentRef(i.forceCode, i.incidentId)),
    );
    const urgent = urgentIncidents.length > 0;
    const risk = urgent || newIncidents.some((i) => i.state.immediateRiskToChild);
    const riskLine = risk ? ' Immediate risk to a child reported.' : '';
    const immediate = urgent
      ? {
          priority: AlertPriority.ALERT_PRIORITY_IMMEDIATE,
          acknowledgeBy: timestampFromDate(new Date(now.getTime() + (c.immediateAckMs ?? 0))),
        }
      : {};
    const tail = urgent ? restrictedLine(recipient, c.restrictedHolders ?? []) : '';
    if (newFlags.length > 0) {
      const types = newFlags.map((f) => f.type);
      drafts.push({
        alertType: AlertType.ALERT_TYPE_FLAG_RAISED,
        recipientForceCode: recipient,
        nationalPersonId: c.personId,
        flags: types,
        summary: `New flag on national person ${c.personId}: ${flagWords(types)}.${riskLine}${tail}`,
        records: distinctRefs([...newFlags.flatMap((f) => f.evidence), ...incidentRefs]),
        raisedAt: timestampFromDate(now),
        immediateRiskToChild: risk,
        ...immediate,
      });
    } else if (after.length > 0 && (newIncidents.length > 0 || urgent)) {
      const types = after.map((f) => f.type);
      drafts.push({
        alertType: AlertType.ALERT_TYPE_INCIDENT_ON_FLAGGED_PERSON,
        recipientForceCode: recipient,
        nationalPersonId: c.personId,
        flags: types,
        summary: `New incident on flagged national person ${c.personId} (${flagWords(types)}).${riskLine}${tail}`,
        records: incidentRefs,
        raisedAt: timestampFromDate(now),
        immediateRiskToChild: risk,
        ...immediate,
      });
    } else if (urgent) {
      drafts.push({
        alertType: AlertType.ALERT_TYPE_IMMEDIATE_RISK_TO_CHILD,
        recipientForceCode: recipient,
        nationalPersonId: c.personId,
        flags: [],
        summary: `Immediate risk to a child reported in an incident naming national person ${c.personId}, of whom you hold or manage records.${tail}`,
        records: incidentRefs,
        raisedAt: timestampFromDate(now),
        immediateRiskToChild: true,
        ...immediate,
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
