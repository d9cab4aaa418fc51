import doubleMetaphone from 'talisman/phonetics/double-metaphone';
import { NICKNAME_GROUPS } from './nicknames.data';
import { mayMemoiseText } from './token-ids';

/**
 * Titles, honorifics and post-nominal markers that custody and intelligence systems often carry
 * inside name fields. They are dropped from names, but only when a real name token remains: a
 * record whose only "given name" is "Sir" keeps no given name rather than one called "sir".
 */
const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'master',
  'dr',
  'doctor',
  'prof',
  'professor',
  'rev',
  'revd',
  'reverend',
  'fr',
  'father',
  'sir',
  'dame',
  'lord',
  'lady',
  'hon',
  'honourable',
  'bt',
  'bart',
  'baronet',
  'esq',
  'esquire',
  'jr',
  'jnr',
  'junior',
  'sr',
  'snr',
  'senior',
  'ii',
  'iii',
  'iv',
  'capt',
  'captain',
  'sgt',
  'col',
  'major',
  'cllr',
  'qc',
  'kc',
  'obe',
  'mbe',
  'cbe',
]);

/** Surname particles kept as part of the family name ("van der Berg" → "vanderberg"). */
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'di',
  'da',
  'la',
  'le',
  'mac',
  'st',
  'o',
]);

/**
 * Lower-cases, strips accents (Unicode NFKD then drops combining marks, UAX #15), and turns every
 * run of non-letters into one space. Apostrophes are removed rather than spaced so that
 * "O'Brien" and "OBrien" normalise alike.
 */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Given-name tokens: folded, split on spaces and hyphens, titles dropped. */
export function normaliseGivenNames(given: readonly string[]): string[] {
  const tokens: string[] = [];
  for (const g of given) {
    for (const t of foldText(g).split(' ')) if (t !== '' && !/^\d+$/.test(t)) tokens.push(t);
  }
  const kept = tokens.filter((t) => !TITLES.has(t));
  return kept;
}

export interface NormalisedFamilyName {
  /** The whole family name with spaces and hyphens removed ("smith-jones" → "smithjones"). */
  full: string;
  /**
   * The parts of a hyphenated or double-barrelled name ("smith", "jones"), particles merged into
   * the part they precede; one part for a simple name.
   */
  parts: string[];
}

/**
 * Forms of address that are never a surname: alone in the family-name field they are a title
 * keyed in the wrong field ("PIDWICK, Miss" with the names swapped), and leave no family name.
 * Other titles alone there are kept: Lord, Master, Knight and Sir(e) are surnames too.
 */
const ADDRESS_FORMS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx']);

export function normaliseFamilyName(family: string): NormalisedFamilyName {
  const raw = foldText(family)
    .split(' ')
    .filter((t) => t !== '' && !/^\d+$/.test(t));
  const tokens =
    raw.length > 1
      ? raw.filter((t) => !TITLES.has(t))
      : raw.filter((t) => t !== 'bt' && !ADDRESS_FORMS.has(t));
  const parts: string[] = [];
  let pending = '';
  for (const t of tokens) {
    if (PARTICLES.has(t)) {
      pending += t;
      continue;
    }
    parts.push(pending + t);
    pending = '';
  }
  if (pending !== '') parts.push(pending);
  return { full: parts.join(''), parts };
}

const phoneticCache = new Map<string, string>();

/**
 * Primary Double Metaphone code (Philips 2000) from talisman. Codes are cached per token because
 * the library call costs ~6 µs and name vocabularies are small next to record counts. A query's
 * own names are coded but not cached (`mayMemoiseText`).
 */
export function phoneticCode(token: string): string {
  let code = phoneticCache.get(token);
  if (code === undefined) {
    code = token === '' ? '' : (doubleMetaphone(token)[0] ?? '');
    if (mayMemoiseText(token)) {
      if (phoneticCache.size > 500_000) phoneticCache.clear();
      phoneticCache.set(token, code);
    }
  }
  return code;
}

let nicknameIndex: Map<string, number[]> | undefined;

function buildNicknameIndex(): Map<string, number[]> {
  const index = new Map<string, number[]>();
  NICKNAME_GROUPS.forEach((line, group) => {
    for (const name of line.split(' ')) {
      const groups = index.get(name);
      if (groups === undefined) index.set(name, [group]);
      else if (!groups.includes(group)) groups.push(group);
    }
  });
  return index;
}

const NO_GROUPS: readonly number[] = [];

/** The nickname groups a given-name token belongs to (empty when the list does not know it). */
export function nicknameGroups(token: string): readonly number[] {
  nicknameIndex ??= buildNicknameIndex();
  return nicknameIndex.get(token) ?? NO_GROUPS;
}

/** True when two given-name tokens are the same name or share a nickname group (Bill ~ William). */
export function areNicknameEquivalent(a: string, b: string): boolean {
  if (a === b) return true;
  const ga = nicknameGroups(a);
  if (ga.length === 0) return false;
  const gb = nicknameGroups(b);
  for (const g of ga) if (gb.includes(g)) return true;
  return false;
}
