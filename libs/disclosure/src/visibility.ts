import { HandlingCode, type RecordRef } from '@intel/contracts';

/**
 * Who may see a record (docs/security.md, "One disclosure policy"): its owning force always;
 * every other force unless the owner marked it handling code C, in which case another force
 * learns only that the owner holds something, and whom to contact.
 */

/** A record as far as disclosure is concerned: whose it is, and its handling code. */
export interface Handled {
  forceCode: string;
  state: { handling?: { handlingCode: HandlingCode } | undefined };
}

/** A force nominal (one of a national person's members). */
export interface NominalLike extends Handled {
  nominalId: string;
}

/** A force incident naming one of a national person's members. */
export interface IncidentLike extends Handled {
  incidentId: string;
}

/** Handling code C withholds a record from every force but its owner. */
export function isRestricted(handlingCode: HandlingCode | undefined): boolean {
  return handlingCode === HandlingCode.HANDLING_CODE_C;
}

export function isRestrictedRecord(r: Handled): boolean {
  return isRestricted(r.state.handling?.handlingCode);
}

/** Whether `recipient` (a force code) may see this record. */
export function maySee(recipient: string, r: Handled): boolean {
  return r.forceCode === recipient || !isRestrictedRecord(r);
}

export const refKey = (r: RecordRef): string => `${r.entity}:${r.forceCode}:${r.id}`;

export const nominalRef = (forceCode: string, id: string): RecordRef => ({
  forceCode,
  entity: 'nominal',
  id,
});

export const incidentRef = (forceCode: string, id: string): RecordRef => ({
  forceCode,
  entity: 'incident',
  id,
});

/** Whether a record, named by reference, may be shown to a force. */
export type Visibility = (recipient: string, ref: RecordRef) => boolean;

/** Visibility from the set of restricted records (refKey): the owner sees its own always. */
export function visibilityOf(restricted: ReadonlySet<string>): Visibility {
  return (recipient, ref) => ref.forceCode === recipient || !restricted.has(refKey(ref));
}

/** Visibility of these records, from their handling codes. */
export function visibilityFor(
  members: readonly NominalLike[],
  incidents: readonly IncidentLike[],
): Visibility {
  const restricted = new Set<string>();
  for (const m of members)
    if (isRestrictedRecord(m)) restricted.add(refKey(nominalRef(m.forceCode, m.nominalId)));
  for (const i of incidents)
    if (isRestrictedRecord(i)) restricted.add(refKey(incidentRef(i.forceCode, i.incidentId)));
  return visibilityOf(restricted);
}
