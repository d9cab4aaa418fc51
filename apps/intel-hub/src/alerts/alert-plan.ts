import {
  AlertType,
  FlagType,
  timestampFromDate,
  type Alert,
  type HandlingCode,
  type RecordRef,
} from '@intel/contracts';
import {
  incidentRef,
  isOffending,
  isRestricted,
  nominalRef,
  type DerivedFlag,
  type IncidentView,
  type MemberView,
} from '../flags/derive-flags';

/** An alert for one recipient, before it has an id. */
export type AlertDraft = Omit<Alert, 'alertId'>;

/** Whether a record may be shown to a force: its owner always; others unless handling code C. */
export type Visibility = (recipientForce: string, ref: RecordRef) => boolean;

export const refKey = (r: RecordRef): string => `${r.entity}:${r.forceCode}:${r.id}`;

/** Visibility from the set of restricted records (refKey): the owner sees its own always. */
export function visibilityOf(restricted: ReadonlySet<string>): Visibility {
  return (recipient, ref) => ref.forceCode === recipient || !restricted.has(refKey(ref));
}

/** An incident as far as its handling restricts it. */
export interface RestrictableIncident {
  forceCode: string;
  incidentId: string;
  handlingCode: HandlingCode | undefined;
}

/** Visibility of these records, from their handling codes (C: the owner only). */
export function visibilityFor(
  members: readonly MemberView[],
  incidents: readonly RestrictableIncident[],
): Visibility {
  const restricted = new Set<string>();
  for (const m of members)
    if (isRestricted(m.state.handling?.handlingCode))
      restricted.add(refKey(nominalRef(m.forceCode, m.nominalId)));
  for (const i of incidents)
    if (isRestricted(i.handlingCode))
      restricted.add(refKey(incidentRef(i.forceCode, i.incidentId)));
  return visibilityOf(restricted);
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

interface RecipientView {
  flags: DerivedFlag[];
  records: RecordRef[];
  /** Forces holding restricted records the recipient may not see. */
  restrictedHolders: string[];
}

/**
 * What one recipient may learn: a flag only when at least one record behind it is visible to
 * them, and only the visible records; forces holding restricted records are named (whom to
 * contact), nothing else of those records (DESIGN §5).
 */
function viewFor(
  recipient: string,
  flags: readonly DerivedFlag[],
  records: readonly RecordRef[],
  visible: Visibility,
): RecipientView {
  const restrictedHolders = new Set<string>();
  const seen = new Set<string>();
  const out: RecordRef[] = [];
  const consider = (r: RecordRef) => {
    if (!visible(recipient, r)) {
      restrictedHolders.add(r.forceCode);
      return false;
    }
    if (!seen.has(refKey(r))) {
      seen.add(refKey(r));
      out.push(r);
    }
    return true;
  };
  const shown = flags.filter((f) => f.evidence.map(consider).some(Boolean));
  for (const r of records) consider(r);
  return { flags: shown, records: out, restrictedHolders: [...restrictedHolders].sort() };
}

function contactLine(v: RecipientView): string {
  return v.restrictedHolders.length
    ? ` Force ${v.restrictedHolders.join(', ')} also holds restricted records (handling code C): contact them.`
    : '';
}

export interface PersonChange {
  personId: string;
  /** Flag types and (offending) incident keys "<force>:<id>" stored before this change. */
  before: { flags: ReadonlySet<FlagType>; incidents: ReadonlySet<string> };
  flags: readonly DerivedFlag[];
  incidents: readonly IncidentView[];
  /** Forces holding the person's nominals, and the managing forces of its registrations. */
  recipients: readonly string[];
}

/**
 * Alerts for a change to one national person (DESIGN §3): a flag first appearing, or a new
 * incident on a flagged person, goes to every force holding the person and to the managing
 * force of a registration; each recipient's copy carries only what it may see. Pure.
 */
export function planChangeAlerts(c: PersonChange, visible: Visibility, now: Date): AlertDraft[] {
  const newFlags = c.flags.filter((f) => !c.before.flags.has(f.type));
  const newIncidents = c.incidents.filter(
    (i) => isOffending(i) && !c.before.incidents.has(`${i.forceCode}:${i.incidentId}`),
  );
  let type: AlertType;
  if (newFlags.length > 0) type = AlertType.ALERT_TYPE_FLAG_RAISED;
  else if (c.flags.length > 0 && newIncidents.length > 0)
    type = AlertType.ALERT_TYPE_INCIDENT_ON_FLAGGED_PERSON;
  else return [];

  const incidentRefs = newIncidents.map((i) => ({
    forceCode: i.forceCode,
    entity: 'incident',
    id: i.incidentId,
  }));
  const drafts: AlertDraft[] = [];
  for (const recipient of c.recipients) {
    const flags = type === AlertType.ALERT_TYPE_FLAG_RAISED ? newFlags : c.flags;
    const v = viewFor(recipient, flags, incidentRefs, visible);
    if (v.flags.length === 0 && v.records.length === 0) continue;
    const risk = newIncidents.some(
      (i) =>
        i.state.immediateRiskToChild &&
        visible(recipient, { forceCode: i.forceCode, entity: 'incident', id: i.incidentId }),
    );
    const allFlags = viewFor(recipient, c.flags, [], visible).flags.map((f) => f.type);
    const summary =
      type === AlertType.ALERT_TYPE_FLAG_RAISED
        ? `New flag on national person ${c.personId}: ${flagWords(v.flags.map((f) => f.type))}.`
        : `New incident on flagged national person ${c.personId} (${flagWords(allFlags)}).`;
    drafts.push({
      alertType: type,
      recipientForceCode: recipient,
      nationalPersonId: c.personId,
      flags: type === AlertType.ALERT_TYPE_FLAG_RAISED ? v.flags.map((f) => f.type) : allFlags,
      summary: summary + (risk ? ' Immediate risk to a child reported.' : '') + contactLine(v),
      records: v.records,
      raisedAt: timestampFromDate(now),
      immediateRiskToChild: risk,
    });
  }
  return drafts;
}

export interface Consultation {
  callerForce: string;
  action: string;
  personId: string;
  flags: readonly DerivedFlag[];
  recipients: readonly string[];
  /** Records of other forces under handling code C that the caller was only told exist. */
  hitOnly: readonly RecordRef[];
}

/**
 * Alerts for a query (DESIGN §3, §5): a consultation touching a flagged person tells the forces
 * concerned; a restricted record returned as a hit tells its owner of the interest. Pure.
 */
export function planQueryAlerts(q: Consultation, visible: Visibility, now: Date): AlertDraft[] {
  const drafts: AlertDraft[] = [];
  if (q.flags.length > 0) {
    for (const recipient of q.recipients) {
      if (recipient === q.callerForce) continue;
      const v = viewFor(recipient, q.flags, [], visible);
      if (v.flags.length === 0) continue;
      drafts.push({
        alertType: AlertType.ALERT_TYPE_QUERY_ON_FLAGGED_PERSON,
        recipientForceCode: recipient,
        nationalPersonId: q.personId,
        flags: v.flags.map((f) => f.type),
        summary: `Force ${q.callerForce} consulted the national index (${q.action}) about national person ${q.personId} (${flagWords(v.flags.map((f) => f.type))}).`,
        records: [],
        raisedAt: timestampFromDate(now),
        immediateRiskToChild: false,
      });
    }
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
