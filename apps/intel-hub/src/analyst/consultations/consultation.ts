import { PurposeCode, type Justification } from '@intel/contracts';
import type { AnalystUser } from '../identity/analyst-user';

/** The MoPI policing purposes a consultation names (PurposeCode without its prefix). */
export const PURPOSE_CODES = [
  'PROTECTING_LIFE_AND_PROPERTY',
  'PRESERVING_ORDER',
  'PREVENTING_OFFENCES',
  'BRINGING_OFFENDERS_TO_JUSTICE',
  'LEGAL_DUTY',
] as const;
export type PurposeName = (typeof PURPOSE_CODES)[number];

/** An analyst's justification for a run of reads: who, why, until when. */
export interface Consultation {
  id: string;
  sub: string;
  force: string;
  purposeCode: PurposeName;
  reason: string;
  operationRef: string;
  openedAt: Date;
  expiresAt: Date;
}

/** The header every data read carries. */
export const CONSULTATION_HEADER = 'X-Consultation-Id';

/** The consultation as the hub's query services take a justification. */
export function justificationOf(c: Consultation): Justification {
  return {
    purposeCode: PurposeCode[`PURPOSE_CODE_${c.purposeCode}`],
    reason: c.reason,
    operationRef: c.operationRef,
  };
}

/**
 * Pure: why `c` does not justify this user's read now (missing, another user's or force's,
 * expired); undefined when it does.
 */
export function consultationProblem(
  c: Consultation | undefined,
  user: AnalystUser,
  now: Date,
): string | undefined {
  // One answer for "no such id" and "someone else's": an id is not confirmed to exist.
  if (!c || c.sub !== user.sub || c.force !== user.force)
    return `${CONSULTATION_HEADER} names no open consultation of yours: open one (POST /consultations)`;
  if (c.expiresAt.getTime() <= now.getTime())
    return `${CONSULTATION_HEADER} names a consultation that expired at ${c.expiresAt.toISOString()}: open a new one`;
  return undefined;
}

/** The justification of a route that needs a consultation (the guard has checked it). */
export function requiredJustification(req: { consultation?: Consultation }): Justification {
  if (!req.consultation) throw new Error('a consultation route was reached without one');
  return justificationOf(req.consultation);
}
