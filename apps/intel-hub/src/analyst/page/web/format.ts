// How values read on screen. Pure (no DOM): unit-tested.
import type {
  Grading,
  NameValue,
  OnlineIdentifierValue,
  IdentifierValue,
  PurposeCode,
} from './types.js';

export const PURPOSE_LABELS: Record<PurposeCode, string> = {
  PROTECTING_LIFE_AND_PROPERTY: 'Protecting life and property',
  PRESERVING_ORDER: 'Preserving order',
  PREVENTING_OFFENCES: 'Preventing and detecting offences',
  BRINGING_OFFENDERS_TO_JUSTICE: 'Bringing offenders to justice',
  LEGAL_DUTY: 'Any duty or responsibility arising from law',
};

const FLAG_LABELS: Record<string, string> = {
  REGISTERED_SEX_OFFENDER: 'Registered sex offender',
  REPEAT_OFFENDER: 'Repeat offender',
  CROSS_FORCE: 'Cross-force',
  RSO_OUT_OF_AREA: 'RSO out of area',
};

/** Enum names with or without their proto prefix (FLAG_TYPE_..., MATCH_BAND_...). */
export function stripPrefix(value: string, prefix: string): string {
  return value.startsWith(prefix) ? value.slice(prefix.length) : value;
}

/** SCREAMING_SNAKE to "Sentence case". */
export function humanise(value: string): string {
  const s = value.toLowerCase().replace(/_/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const FIELD_NAMES: Record<string, string> = {
  dateOfBirth: 'Date of birth',
  dob: 'Date of birth',
  pnc: 'PNC ID',
  cro: 'CRO number',
  online: 'Online identifiers',
  onlineIdentifiers: 'Online identifiers',
  nominalId: 'Record',
  forceCode: 'Force',
};

/** A record field or comparison name (camelCase or snake_case) as words. */
export function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? humanise(key.replace(/([a-z])([A-Z])/g, '$1_$2'));
}

export function flagLabel(type: string): string {
  const t = stripPrefix(type, 'FLAG_TYPE_');
  return FLAG_LABELS[t] ?? humanise(t);
}

export function bandLabel(band: string | null | undefined): string {
  return band ? humanise(stripPrefix(band, 'MATCH_BAND_')) : 'Not linked';
}

export function bandClass(band: string | null | undefined): string {
  return `band band-${(band ? stripPrefix(band, 'MATCH_BAND_') : 'NONE').toLowerCase()}`;
}

const SOURCE: Record<string, string> = { '1': 'Reliable', '2': 'Untested', '3': 'Not reliable' };
const INTELLIGENCE: Record<string, string> = {
  A: 'Known directly to the source',
  B: 'Known indirectly, corroborated',
  C: 'Known indirectly to the source',
  D: 'Not known',
  E: 'Suspected to be false',
};
const HANDLING: Record<string, string> = {
  P: 'Lawful sharing permitted',
  C: 'Sharing with conditions (owner only)',
};

export function handlingLetter(code: string | undefined): string {
  return code ? stripPrefix(code, 'HANDLING_CODE_') : '';
}

/** 3x5x2 grading: "1 A P" and its reading. */
export function gradingText(g: Grading): { short: string; long: string } {
  const s = stripPrefix(String(g.source), 'SOURCE_EVALUATION_');
  const i = stripPrefix(String(g.intelligence), 'INTELLIGENCE_ASSESSMENT_');
  const p = handlingLetter(String(g.handling));
  return {
    short: `${s} ${i} ${p}`,
    long: `Source ${s}: ${SOURCE[s] ?? 'unknown'}; intelligence ${i}: ${INTELLIGENCE[i] ?? 'unknown'}; handling ${p}: ${HANDLING[p] ?? 'unknown'}`,
  };
}

export function nameText(n: NameValue | string | undefined): string {
  if (n === undefined) return '';
  if (typeof n === 'string') return n;
  const given = Array.isArray(n.given) ? n.given.join(' ') : (n.given ?? '');
  return [given, n.family ?? ''].filter((x) => x !== '').join(' ');
}

/**
 * The name to head a person with, from its records' names ("Given Family"): the family name
 * most records share, and the fullest name with it. Undefined when no name is disclosed.
 */
export function personTitle(names: readonly string[]): string | undefined {
  const named = names.map((n) => n.trim().replace(/\s+/g, ' ')).filter((n) => n !== '');
  if (named.length === 0) return undefined;
  const family = (n: string) => (n.split(' ').pop() ?? '').toLowerCase();
  const counts = new Map<string, number>();
  for (const n of named) counts.set(family(n), (counts.get(family(n)) ?? 0) + 1);
  const top = [...counts.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return named.filter((n) => family(n) === top).reduce((a, b) => (b.length > a.length ? b : a));
}

const ID_LABELS: Record<string, string> = {
  PNC: 'PNC',
  CRO: 'CRO',
  NINO: 'NI number',
  VISOR: 'ViSOR',
  FORCE_URN: 'Force URN',
  EMAIL: 'E-mail',
  IP_ADDRESS: 'IP address',
  PROFILE_URL: 'Profile URL',
  PLATFORM_USER_ID: 'Platform user id',
  DEVICE_ID: 'Device id',
};

/** An identifier's kind or scheme (PNC, USERNAME, IDENTIFIER_SCHEME_CRO, ...) as a label. */
export function identifierKind(kind: string): string {
  const k = stripPrefix(stripPrefix(kind, 'ONLINE_IDENTIFIER_KIND_'), 'IDENTIFIER_SCHEME_');
  return ID_LABELS[k] ?? humanise(k);
}

export function identifierText(i: IdentifierValue | OnlineIdentifierValue): string {
  const kind = 'kind' in i && i.kind ? i.kind : 'scheme' in i ? i.scheme : undefined;
  const platform = 'platform' in i && i.platform ? ` (${i.platform})` : '';
  return kind ? `${identifierKind(kind)}: ${i.value}${platform}` : `${i.value}${platform}`;
}

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
});

export function dateTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : DATE_TIME.format(t);
}

const TIME = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short' });

export function timeOfDay(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : TIME.format(t);
}

/** "in 29 min", "in 1 h 5 min", "expired". */
export function remaining(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (!(ms > 0)) return 'expired';
  const min = Math.ceil(ms / 60_000);
  if (min < 60) return `in ${min} min`;
  return `in ${Math.floor(min / 60)} h ${min % 60} min`;
}

export function score(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '' : n.toFixed(2);
}

export function signed(n: number): string {
  return `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)}`;
}
