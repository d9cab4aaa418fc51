import {
  FlagType,
  SubjectRole,
  type IncidentState,
  type NominalState,
  type RecordRef,
} from '@intel/contracts';
import { incidentRef, nominalRef } from '@intel/disclosure';

/**
 * What disclosure and alert routing read of a member: its force, id, handling (who may see it)
 * and registrations (who manages it). A summary answer decodes no more of a state than this.
 */
export interface MemberFacts {
  forceCode: string;
  nominalId: string;
  state: Pick<NominalState, 'handling' | 'registrations'>;
}

/** A force nominal linked to the person. */
export interface MemberView extends MemberFacts {
  state: NominalState;
}

/** A force incident naming one of the person's nominals, and the roles they have in it. */
export interface IncidentView {
  forceCode: string;
  incidentId: string;
  state: IncidentState;
  roles: SubjectRole[];
}

export interface DerivedFlag {
  type: FlagType;
  reason: string;
  evidence: RecordRef[];
}

const OFFENDING_ROLES: ReadonlySet<SubjectRole> = new Set([
  SubjectRole.SUBJECT_ROLE_SUSPECT,
  SubjectRole.SUBJECT_ROLE_OFFENDER,
]);

/**
 * The same incident published twice, or by two forces, counts once: forces that share an
 * incident give it the same shared reference; without one, the force's own id identifies it.
 */
export function distinctIncidentKey(i: IncidentView): string {
  return i.state.sharedReference
    ? `ref:${i.state.sharedReference.trim().toUpperCase()}`
    : `${i.forceCode}:${i.incidentId}`;
}

export function isOffending(i: IncidentView): boolean {
  return i.roles.some((r) => OFFENDING_ROLES.has(r));
}

/** A registration that is active (not ended) on `today`. */
function activeRegistrations(m: MemberFacts, today: Date) {
  const ymd = today.getUTCFullYear() * 10000 + (today.getUTCMonth() + 1) * 100 + today.getUTCDate();
  return m.state.registrations.filter((r) => {
    if (!r.active) return false;
    const end = r.endDate;
    if (!end || end.year === 0) return true;
    return end.year * 10000 + (end.month || 12) * 100 + (end.day || 31) >= ymd;
  });
}

/**
 * The flags of one national person, derived from the records linked to it, never typed in;
 * each with its reason and the records behind it. Pure. What a force is shown is this same
 * derivation over the records it may see (`@intel/disclosure` deriveByView), never a filter
 * of the national flags.
 */
export function deriveFlags(
  members: readonly MemberFacts[],
  incidents: readonly IncidentView[],
  today: Date,
): DerivedFlag[] {
  const flags: DerivedFlag[] = [];

  const registered = members
    .map((m) => ({ m, regs: activeRegistrations(m, today) }))
    .filter((x) => x.regs.length > 0);
  const managing = managingForces(members, today);
  if (registered.length > 0) {
    flags.push({
      type: FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
      reason:
        `active sex offender registration on ${registered.length} linked record(s)` +
        (managing.length ? `; managing force ${managing.join(', ')}` : ''),
      evidence: registered.map((x) => nominalRef(x.m.forceCode, x.m.nominalId)),
    });
  }

  const offending = incidents.filter(isOffending);
  const distinct = new Map<string, IncidentView[]>();
  for (const i of offending) {
    const k = distinctIncidentKey(i);
    distinct.set(k, [...(distinct.get(k) ?? []), i]);
  }
  if (distinct.size >= 2) {
    flags.push({
      type: FlagType.FLAG_TYPE_REPEAT_OFFENDER,
      reason: `suspect or offender in ${distinct.size} distinct incidents`,
      evidence: offending.map((i) => incidentRef(i.forceCode, i.incidentId)),
    });
  }

  const forces = [...new Set(members.map((m) => m.forceCode))].sort();
  if (forces.length >= 2) {
    flags.push({
      type: FlagType.FLAG_TYPE_CROSS_FORCE,
      reason: `records held by ${forces.length} forces: ${forces.join(', ')}`,
      evidence: members.map((m) => nominalRef(m.forceCode, m.nominalId)),
    });
  }

  if (registered.length > 0 && managing.length > 0) {
    const away = offending.filter((i) => !managing.includes(i.forceCode));
    if (away.length > 0) {
      const areas = [...new Set(away.map((i) => i.forceCode))].sort();
      flags.push({
        type: FlagType.FLAG_TYPE_RSO_OUT_OF_AREA,
        reason: `registered offender (managing force ${managing.join(', ')}) is subject of incidents in force area ${areas.join(', ')}`,
        evidence: [
          ...registered.map((x) => nominalRef(x.m.forceCode, x.m.nominalId)),
          ...away.map((i) => incidentRef(i.forceCode, i.incidentId)),
        ],
      });
    }
  }
  return flags;
}

/** Forces that manage an active registration on the person. */
function managingForces(members: readonly MemberFacts[], today: Date): string[] {
  return [
    ...new Set(members.flatMap((m) => activeRegistrations(m, today).map((r) => r.managingForce))),
  ]
    .filter(Boolean)
    .sort();
}

/** The forces a person concerns: those holding its records, and its managing forces. */
export function concernedForces(members: readonly MemberFacts[], today: Date): string[] {
  return [
    ...new Set([...members.map((m) => m.forceCode), ...managingForces(members, today)]),
  ].sort();
}

/** One view per incident, with the roles of every member named in it. */
export function mergeIncidents(views: IncidentView[]): IncidentView[] {
  const byKey = new Map<string, IncidentView>();
  for (const v of views) {
    const k = `${v.forceCode}:${v.incidentId}`;
    const cur = byKey.get(k);
    if (cur) cur.roles = [...new Set([...cur.roles, ...v.roles])];
    else byKey.set(k, { ...v, roles: [...v.roles] });
  }
  return [...byKey.values()];
}
