import { IdentifierScheme, OnlineIdentifierKind } from '@intel/contracts';
import type { PersonRecord } from '@intel/contracts';
import { onlineIdentifierKey } from '@intel/records';

/** Kinds of online identifier that, shared, make two records the same person (issue #2). */
const LINKING_KINDS: ReadonlySet<OnlineIdentifierKind> = new Set([
  OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
  OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE,
  OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME,
  OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PLATFORM_USER_ID,
]);

/**
 * Deterministic "same person" keys for within-force de-duplication: a shared PNC ID or CRO
 * number, e-mail, phone or platform-scoped username. Records (of one force) sharing any key
 * belong to one nominal. Records without a shared identifier are matched by the engine at a
 * strict threshold instead (same-person.matcher.ts).
 * Expects a validated, canonical record (identifiers already in canonical form).
 */
export function personMatchKeys(r: PersonRecord): string[] {
  const keys = new Set<string>();
  for (const id of r.identifiers) {
    if (id.scheme === IdentifierScheme.IDENTIFIER_SCHEME_PNC) keys.add(`pnc:${id.value}`);
    else if (id.scheme === IdentifierScheme.IDENTIFIER_SCHEME_CRO) keys.add(`cro:${id.value}`);
  }
  for (const o of r.onlineIdentifiers) {
    if (!LINKING_KINDS.has(o.kind)) continue;
    const k = onlineIdentifierKey(o);
    if (k) keys.add(k);
  }
  return [...keys];
}
