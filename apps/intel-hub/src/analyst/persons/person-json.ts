import {
  Disclosure,
  GradingScheme,
  HandlingCode,
  hasDetails,
  holdingHeadline,
  timestampToDate,
  type Flag,
  type Holding,
  type Match,
  type NationalPerson,
  type NominalState,
  type OnlineIdentifier,
  type PartialDate,
  type PersonName,
  type Timestamp,
} from '@intel/contracts';
import { forceName } from '@intel/config';
import type { z } from 'zod';
import type {
  dossierHoldingSchema,
  dossierSchema,
  flagSchema,
  matchHoldingSchema,
  matchSchema,
} from './person.schemas';

/** `FLAG_TYPE_REPEAT_OFFENDER` → `REPEAT_OFFENDER`. */
export function enumName(value: string | undefined, prefix: string): string {
  return (value ?? '').startsWith(prefix) ? (value ?? '').slice(prefix.length) : (value ?? '');
}

/** A partial date as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; undefined when absent. */
export function partialDate(d: PartialDate | undefined): string | undefined {
  if (!d?.year) return undefined;
  const p = (n: number) => String(n).padStart(2, '0');
  return [
    String(d.year).padStart(4, '0'),
    d.month ? p(d.month) : '',
    d.month && d.day ? p(d.day) : '',
  ]
    .filter(Boolean)
    .join('-');
}

const iso = (t: Timestamp | undefined) => timestampToDate(t)?.toISOString();

export function flagJson(f: Flag): z.output<typeof flagSchema> {
  return {
    type: enumName(f.type, 'FLAG_TYPE_'),
    reason: f.reason,
    raisedAt: iso(f.raisedAt),
    evidence: f.evidence.map((e) => ({ forceCode: e.forceCode, entity: e.entity, id: e.id })),
  };
}

const displayName = (n: PersonName | undefined) =>
  n ? [...n.given, n.family].filter(Boolean).join(' ') : undefined;

// hasDetails: a holding's stored state is not decoded to see that it has one.
const disclosureOf = (h: Holding) =>
  h.disclosure === Disclosure.DISCLOSURE_FULL && hasDetails(h) ? 'FULL' : 'HIT_ONLY';

/** A hit-only holding: which force holds something and whom to contact, nothing of the record. */
function hitOnly(h: Holding) {
  return {
    forceCode: h.forceCode,
    forceName: forceName(h.forceCode),
    disclosure: 'HIT_ONLY' as const,
    contact: h.contact,
  };
}

export function matchHoldingJson(h: Holding): z.output<typeof matchHoldingSchema> {
  // A list shows a record's first name and date of birth: only those are decoded.
  const headline = disclosureOf(h) === 'FULL' ? holdingHeadline(h) : undefined;
  if (!headline) return hitOnly(h);
  return {
    ...hitOnly(h),
    disclosure: 'FULL',
    nominalId: h.nominalId,
    name: displayName(headline.name),
    dateOfBirth: partialDate(headline.dateOfBirth),
  };
}

export function matchJson(m: Match): z.output<typeof matchSchema> {
  return {
    nationalPersonId: m.nationalPersonId,
    score: m.score,
    band: enumName(m.band, 'MATCH_BAND_') as z.output<typeof matchSchema>['band'],
    flags: m.flags.map(flagJson),
    holdings: m.holdings.map(matchHoldingJson),
  };
}

/** A dossier holding; a FULL one with its content, 3x5x2 grading and handling code. */
export function dossierHoldingJson(h: Holding): z.output<typeof dossierHoldingSchema> {
  const s = h.details;
  if (disclosureOf(h) === 'HIT_ONLY' || !s) return hitOnly(h);
  const handling = s.handling;
  const code = enumName(handling?.handlingCode ?? HandlingCode.HANDLING_CODE_P, 'HANDLING_CODE_');
  return {
    ...hitOnly(h),
    disclosure: 'FULL',
    nominalId: h.nominalId,
    grading: handling
      ? {
          scheme: handling.gradingScheme === GradingScheme.GRADING_SCHEME_5X5X5 ? '5X5X5' : '3X5X2',
          source: handling.sourceEvaluation,
          intelligence: handling.intelligenceAssessment,
          handling: code,
        }
      : undefined,
    handlingCode: code,
    handlingConditions: handling?.handlingConditions || undefined,
    ...stateJson(s),
  };
}

/** A nominal's content as the API shows it (for a force that may see it). */
export function stateJson(s: NominalState) {
  const dobs = s.datesOfBirth.map(partialDate).filter((d): d is string => !!d);
  return {
    names: s.names.map((n) => ({
      given: [...n.given],
      family: n.family,
      type: enumName(n.type, 'NAME_TYPE_'),
    })),
    dateOfBirth: dobs[0],
    datesOfBirth: dobs,
    sex: enumName(s.sex, 'SEX_'),
    identifiers: s.identifiers.map((i) => ({
      scheme: enumName(i.scheme, 'IDENTIFIER_SCHEME_'),
      value: i.value,
    })),
    onlineIdentifiers: s.onlineIdentifiers.map(onlineIdentifierJson),
    addresses: s.addresses.map((a) => ({ line: a.line, town: a.town, postcode: a.postcode })),
    registrations: s.registrations.map((r) => ({
      active: r.active,
      managingForce: r.managingForce,
      startDate: partialDate(r.startDate),
      endDate: partialDate(r.endDate),
      visorRef: r.visorRef || undefined,
    })),
    subjectCategories: s.subjectCategories.map((c) => enumName(c, 'SUBJECT_CATEGORY_')),
    updatedAt: iso(s.updatedAt),
  };
}

export function onlineIdentifierJson(o: OnlineIdentifier) {
  return {
    kind: enumName(o.kind, 'ONLINE_IDENTIFIER_KIND_'),
    value: o.value,
    platform: o.platform || undefined,
    observedAt: iso(o.observedAt),
  };
}

/** Every identifier of the FULL holdings, once, with the forces holding it. */
function identifiersOf(holdings: Holding[]): z.output<typeof dossierSchema>['identifiers'] {
  const out = new Map<
    string,
    { type: string; value: string; platform?: string; forces: string[] }
  >();
  const add = (type: string, value: string, platform: string | undefined, force: string) => {
    const key = JSON.stringify([type, platform ?? '', value]);
    const e = out.get(key) ?? { type, value, ...(platform ? { platform } : {}), forces: [] };
    if (!e.forces.includes(force)) e.forces.push(force);
    out.set(key, e);
  };
  for (const h of holdings) {
    if (disclosureOf(h) !== 'FULL' || !h.details) continue;
    for (const i of h.details.identifiers)
      add(enumName(i.scheme, 'IDENTIFIER_SCHEME_'), i.value, undefined, h.forceCode);
    for (const o of h.details.onlineIdentifiers)
      add(
        enumName(o.kind, 'ONLINE_IDENTIFIER_KIND_'),
        o.value,
        o.platform || undefined,
        h.forceCode,
      );
  }
  return [...out.values()];
}

export function dossierJson(p: NationalPerson): z.output<typeof dossierSchema> {
  return {
    nationalPersonId: p.nationalPersonId,
    flags: p.flags.map(flagJson),
    holdings: p.holdings.map(dossierHoldingJson),
    identifiers: identifiersOf(p.holdings),
    incidentCount: p.incidents.length,
    history: { createdAt: iso(p.createdAt), mergedFrom: [...p.mergedFrom] },
    auditRef: p.auditRef,
  };
}
