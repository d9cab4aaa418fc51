import { z } from 'zod';
import { forceName, isForceCode } from '@intel/config';
import { textProblem } from '@intel/records';
import { ANALYST_ROLES, type AnalystRole, type AnalystUser } from './analyst-user';

const KNOWN_ROLES = new Set<string>(ANALYST_ROLES);

/** Printable ASCII: what an OIDC subject is in practice, and safe in every audit field. */
const SUB = /^[\x21-\x7e]{1,255}$/;

const cleanText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((v, ctx) => {
      const p = textProblem(v);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    });

/** The claims of an analyst's token this API relies on (other claims are ignored). */
const claimsSchema = z.object({
  sub: z.string().regex(SUB, 'must be 1 to 255 printable ASCII characters'),
  name: cleanText(200).optional(),
  force: z.string().refine(isForceCode, 'must be a known two-digit PNC force code'),
  // Roles this API does not know (an IdP's own) are ignored, not refused.
  roles: z.array(z.string().max(64)).max(50),
});

export class InvalidClaimsError extends Error {}

/** Pure: the user a verified token's payload names, or InvalidClaimsError saying which claim. */
export function userFromClaims(payload: unknown): AnalystUser {
  const r = claimsSchema.safeParse(payload);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new InvalidClaimsError(
      `token claim ${i?.path.join('.') || '(payload)'}: ${i?.message ?? 'invalid'}`,
    );
  }
  const c = r.data;
  const roles = [...new Set(c.roles.filter((x) => KNOWN_ROLES.has(x)))] as AnalystRole[];
  return {
    sub: c.sub,
    name: c.name?.trim() || c.sub,
    force: c.force,
    forceName: forceName(c.force),
    roles: roles.sort(),
  };
}
