/** What an analyst may do: read data, approve (supervisor), or read the audit (auditor). */
export const ANALYST_ROLES = ['analyst', 'supervisor', 'auditor'] as const;
export type AnalystRole = (typeof ANALYST_ROLES)[number];

/** The end user, as the verified token names them. */
export interface AnalystUser {
  sub: string;
  name: string;
  /** Two-digit PNC force code. */
  force: string;
  forceName: string;
  roles: AnalystRole[];
}

/** The roles a user holds in effect: a supervisor has an analyst's rights; an auditor only its own. */
export function effectiveRoles(roles: readonly AnalystRole[]): Set<AnalystRole> {
  const out = new Set(roles);
  if (out.has('supervisor')) out.add('analyst');
  return out;
}

/** Whether the user may call a route open to `required` (any one of them; none: anyone). */
export function hasAnyRole(user: AnalystUser, required: readonly AnalystRole[]): boolean {
  if (required.length === 0) return true;
  const held = effectiveRoles(user.roles);
  return required.some((r) => held.has(r));
}
