import { maySee, isRestrictedRecord, type IncidentLike, type NominalLike } from './visibility';

/**
 * Views: what a recipient may see of one national person. A force that holds no restricted
 * record of the person sees what every other such force sees (the public view: every force's
 * records not marked C); a force that holds C records sees those too. So a person has the
 * public view and one view per force owning C records of it, and everything a recipient is
 * given (flags, reasons, evidence, timestamps, alerts) is derived from its view only.
 */

/** The view of a force that owns no restricted record of the person. */
export const PUBLIC_VIEW = '';

/** The records of a person that `recipient` may see. */
export function recordsInView<M extends NominalLike, I extends IncidentLike>(
  recipient: string,
  members: readonly M[],
  incidents: readonly I[],
): { members: M[]; incidents: I[] } {
  return {
    members: members.filter((m) => maySee(recipient, m)),
    incidents: incidents.filter((i) => maySee(recipient, i)),
  };
}

/** The forces owning restricted records among these, sorted. */
export function restrictedOwners(
  members: readonly NominalLike[],
  incidents: readonly IncidentLike[],
): string[] {
  const owners = new Set<string>();
  for (const r of [...members, ...incidents]) if (isRestrictedRecord(r)) owners.add(r.forceCode);
  return [...owners].sort();
}

/** Every distinct view of a person: the public view first, then each C owner's. */
export function viewsOf(
  members: readonly NominalLike[],
  incidents: readonly IncidentLike[],
): string[] {
  return [PUBLIC_VIEW, ...restrictedOwners(members, incidents)];
}

/** The view that answers `recipient`, among the views stored for a person. */
export function viewOf(recipient: string, views: { has(view: string): boolean }): string {
  return recipient !== PUBLIC_VIEW && views.has(recipient) ? recipient : PUBLIC_VIEW;
}

/**
 * Something derived per view (flags: reuse the derivation itself on the filtered records, so a
 * flag exists for a recipient only if it would exist from what the recipient may see).
 */
export function deriveByView<M extends NominalLike, I extends IncidentLike, T>(
  members: readonly M[],
  incidents: readonly I[],
  derive: (members: M[], incidents: I[]) => T,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const view of viewsOf(members, incidents)) {
    const v = recordsInView(view, members, incidents);
    out.set(view, derive(v.members, v.incidents));
  }
  return out;
}

/**
 * The forces to tell about a person: those `concerned` names from their own view of it (a force
 * named only by a record it may not see, e.g. the managing force of a C registration, is not
 * told: being told would reveal that record).
 */
export function recipientsByView<M extends NominalLike, I extends IncidentLike>(
  members: readonly M[],
  incidents: readonly I[],
  concerned: (members: M[]) => string[],
): string[] {
  return concerned([...members]).filter((r) =>
    concerned(recordsInView(r, members, incidents).members).includes(r),
  );
}
