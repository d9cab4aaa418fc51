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

/** Lower case, accents and punctuation removed, spaces collapsed: "O'Brien-Smith" → "obrien smith". */
export function normaliseNameText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Deterministic "same person" keys for within-force de-duplication: a shared PNC ID or CRO
 * number, e-mail, phone or platform-scoped username, or the identical normalised full name with
 * a full date of birth. Records (of one force) sharing any key belong to one nominal.
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
  const dob = r.dateOfBirth;
  if (dob && dob.year > 0 && dob.month > 0 && dob.day > 0) {
    const date = `${dob.year}-${String(dob.month).padStart(2, '0')}-${String(dob.day).padStart(2, '0')}`;
    for (const n of r.names) {
      const full = normaliseNameText([...n.given, n.family].join(' '));
      if (full.includes(' ')) keys.add(`nd:${full}|${date}`);
    }
  }
  return [...keys];
}
