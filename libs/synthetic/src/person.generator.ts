import { normalisePhone, pncCheckLetter } from '@intel/identifiers';
import {
  COMMON_SURNAMES,
  CONFUSABLES,
  EMAIL_DOMAINS,
  FEMALE_GIVEN,
  GENERATOR_NICKNAMES,
  INWARD_LETTERS,
  MALE_GIVEN,
  PLATFORMS,
  RARE_TITLES,
  STREET_NAMES,
  STREET_TYPES,
  SURNAME_PREFIXES,
  SURNAME_SUFFIXES,
  TITLES,
  TOWNS,
} from './uk-reference.data';

/**
 * A PersonRecord in proto3 canonical JSON (person.proto), the shape written to JSONL files: enum
 * values as their names, empty fields omitted.
 */
export interface PersonRecordJson {
  sourceSystem: string;
  sourceRecordId: string;
  names: { given: string[]; family: string; type: string }[];
  dateOfBirth?: { year: number; month?: number; day?: number };
  sex?: string;
  identifiers?: { scheme: string; value: string }[];
  onlineIdentifiers?: { kind: string; platform?: string; value: string }[];
  addresses?: { line: string; town: string; postcode: string }[];
  subjectCategory?: string;
}

/**
 * One generated line: the record, the owning force's PNC code, and the ground truth. `truthId`
 * names the real person behind the record; the resolver never reads it (it reads `record`
 * only), the evaluation compares clusters against it.
 */
export interface GeneratedRecord {
  forceCode: string;
  truthId: string;
  record: PersonRecordJson;
}

/** Probabilities of each kind of variation in a duplicate record. */
export interface CorruptionProfile {
  /** Mean number of extra records per person (geometric). */
  extraRecords: number;
  /** Share of a person's records held by another force than the home force. */
  otherForce: number;
  nameTypo: number;
  nickname: number;
  swapNames: number;
  title: number;
  dobMissing: number;
  dobYearOnly: number;
  dobTransposed: number;
  dobTypo: number;
  /** Records carrying the person's PNC ID. */
  pncPresent: number;
  /** PNC IDs keyed with one wrong digit (fails the check letter). */
  pncTypo: number;
  alias: number;
  addressMissing: number;
  addressMoved: number;
  onlineShown: number;
  /** Persons given an online identifier that another person also uses (shared/reused). */
  onlineShared: number;
  /** Draw surnames and given names from a handful of very common ones. */
  commonNames: number;
  /** Share of persons in look-alike pairs with a bridging record (see generatePersons). */
  chaining: number;
  // The heavy-corruption variations below are 0 in BASE_PROFILE; at 0 they draw nothing from
  // the generator's random stream, so every other scenario's records stay exactly as they were.
  /** Titled records whose title is a rare one (RARE_TITLES) rather than a common one. */
  rareTitle: number;
  /** Variant records carrying only one of the two names (given or family, evenly). */
  oneName: number;
  /** Of those, the share where the remaining name sits in the other slot. */
  oneNameOtherSlot: number;
  /** Variant records whose date of birth is wrong in two or three of its components. */
  dobMultiWrong: number;
  /** Persons whose e-mail and usernames carry a separator (`.`, `_`, `-`) between the names. */
  separatedHandles: number;
  /** E-mail addresses and usernames (not phones) mistyped on a variant record. */
  onlineTypo: number;
  /** Variant records whose address is only a town (no street, no postcode). */
  townOnly: number;
  /** Variant records with the town mistyped (one or two edits). */
  townTypo: number;
  /** Persons with 5–10 records (instead of the geometric number). */
  manyRecords: number;
  /** Persons with a middle name who are known by it: variant records name them by it. */
  knownByMiddle: number;
  /** Variant records with most fields missing: one name and at most one other field. */
  sparse: number;
}

export const BASE_PROFILE: CorruptionProfile = {
  extraRecords: 1.2,
  otherForce: 0.3,
  nameTypo: 0.1,
  nickname: 0.1,
  swapNames: 0.02,
  title: 0.03,
  dobMissing: 0.1,
  dobYearOnly: 0.03,
  dobTransposed: 0.04,
  dobTypo: 0.04,
  pncPresent: 0.4,
  pncTypo: 0.02,
  alias: 0.08,
  addressMissing: 0.2,
  addressMoved: 0.15,
  onlineShown: 0.6,
  onlineShared: 0.03,
  commonNames: 0,
  chaining: 0,
  rareTitle: 0,
  oneName: 0,
  oneNameOtherSlot: 0,
  dobMultiWrong: 0,
  separatedHandles: 0,
  onlineTypo: 0,
  townOnly: 0,
  townTypo: 0,
  manyRecords: 0,
  knownByMiddle: 0,
  sparse: 0,
};

/**
 * Heavy corruption (issue #15): sparse intelligence records in which every field is damaged —
 * one name missing (the other sometimes in the wrong slot), dates of birth wrong in more than one
 * component or missing, mistyped e-mails and usernames, mistyped towns and addresses reduced to
 * a town, 5–10 records of one person each damaged differently, common and rare titles, people
 * known by a middle name, and some records with almost nothing left. PNC IDs are rare.
 */
export const HEAVY_PROFILE: Partial<CorruptionProfile> = {
  extraRecords: 1.5,
  otherForce: 0.4,
  nameTypo: 0.3,
  nickname: 0.15,
  swapNames: 0.08,
  title: 0.12,
  rareTitle: 0.4,
  dobMissing: 0.25,
  dobYearOnly: 0.08,
  dobTransposed: 0.08,
  dobTypo: 0.15,
  dobMultiWrong: 0.15,
  pncPresent: 0.15,
  alias: 0.05,
  addressMissing: 0.35,
  addressMoved: 0.2,
  townOnly: 0.4,
  townTypo: 0.25,
  onlineShown: 0.6,
  onlineTypo: 0.3,
  separatedHandles: 0.5,
  oneName: 0.25,
  oneNameOtherSlot: 0.4,
  manyRecords: 0.12,
  knownByMiddle: 0.08,
  sparse: 0.1,
};

/** The generated evaluation sets: each stresses one difficulty on top of the base mix. */
export const SCENARIOS = {
  baseline: {},
  'common-names': { commonNames: 0.7, title: 0.15 },
  nicknames: { nickname: 0.5 },
  'swapped-names': { swapNames: 0.3 },
  'missing-dob': { dobMissing: 0.6, dobYearOnly: 0.1 },
  'transposed-dates': { dobTransposed: 0.3, dobTypo: 0.2 },
  chaining: { chaining: 0.2, commonNames: 0.3, pncPresent: 0.8 },
  heavy: HEAVY_PROFILE,
} satisfies Record<string, Partial<CorruptionProfile>>;

export type ScenarioName = keyof typeof SCENARIOS;

export interface GeneratorOptions {
  persons: number;
  /** Number of forces the records are spread over (real PNC force codes). */
  forces?: number;
  seed: number;
  profile?: Partial<CorruptionProfile>;
}

/** Forces used, in order of `--forces K` (docs/domain.md, "Forces"). */
export const FORCE_CODES: readonly string[] = [
  '01',
  '36',
  '46',
  '20',
  '13',
  '06',
  '05',
  '14',
  '10',
  '31',
  '33',
  '52',
  '62',
  '47',
  '44',
  '43',
  '42',
  '50',
  '04',
  '30',
  '32',
];

/** mulberry32 (public domain): seeded, so the same options always give the same file. */
export class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** `chance(p)` that draws nothing when p is 0 (the heavy profile's variations use it). */
  maybe(p: number): boolean {
    return p > 0 && this.chance(p);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  /** Skewed pick: earlier entries more likely (the first of 100 about 5 %, the last 0.3 %). */
  skewed<T>(xs: readonly T[]): T {
    return xs[Math.min(xs.length - 1, Math.floor(xs.length * Math.pow(this.next(), 1.6)))] as T;
  }
}

interface Person {
  truthId: string;
  sex: 'SEX_MALE' | 'SEX_FEMALE';
  given: string[];
  family: string;
  dob: { year: number; month: number; day: number };
  homeForce: string;
  address: { line: string; town: string; postcode: string };
  oldAddress: { line: string; town: string; postcode: string };
  pnc: string | undefined;
  online: { kind: string; platform?: string; value: string }[];
  aliasFamily: string;
  /** Variant records may name the person by the middle name (given[1]). */
  knownByMiddle: boolean;
}

function typo(rng: Rng, s: string): string {
  if (s.length < 2) return s;
  const i = rng.int(s.length - 1);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  switch (rng.int(4)) {
    case 0:
      return s.slice(0, i) + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + rng.pick([...letters]) + s.slice(i);
    case 2:
      return s.slice(0, i) + rng.pick([...letters]) + s.slice(i + 1);
    default:
      return s.slice(0, i) + (s[i + 1] ?? '') + (s[i] ?? '') + s.slice(i + 2);
  }
}

/** Rarer surnames, ~35,000 possible: prefix, optional linking syllable, suffix. */
function rareSurname(rng: Rng): string {
  const middle = rng.chance(0.6) ? rng.pick(SURNAME_MIDDLES) : '';
  return rng.pick(SURNAME_PREFIXES) + middle + rng.pick(SURNAME_SUFFIXES);
}

const SURNAME_MIDDLES: readonly string[] = [
  'er',
  'in',
  'ing',
  'el',
  'an',
  'ber',
  'den',
  'ham',
  'ter',
  'ling',
  'ston',
  'mer',
  'wel',
  'kin',
  'ley',
  'by',
  'ers',
  'ford',
  'ock',
  'ridge',
  'at',
  'ow',
  'ell',
  'ins',
  'ick',
  'ard',
  'ett',
  'ey',
];

function postcode(rng: Rng, area: string): string {
  return `${area}${1 + rng.int(20)} ${rng.int(10)}${rng.pick([...INWARD_LETTERS])}${rng.pick([...INWARD_LETTERS])}`;
}

function address(
  rng: Rng,
  forces: readonly string[],
): { line: string; town: string; postcode: string } {
  const local = TOWNS.filter((t) => forces.includes(t.force));
  const t = rng.pick(local.length > 0 ? local : TOWNS);
  return {
    line: `${1 + rng.int(150)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_TYPES)}`,
    town: t.town,
    postcode: postcode(rng, t.area),
  };
}

/** A valid PNC ID (docs/domain.md, "Identifiers"): YYYY/NNNNNNNC with the mod-23 check letter. */
function pncId(rng: Rng): string {
  const year = 1985 + rng.int(39);
  const serial = rng.int(9_999_999);
  return `${year}/${String(serial).padStart(7, '0')}${pncCheckLetter(year % 100, serial)}`;
}

/**
 * Phone numbers from Ofcom's ranges reserved for drama (ofcom.org.uk, "Telephone numbers for
 * drama purposes"): no real subscriber can be named. There are only a few thousand, so large sets
 * reuse them across people — the shared identifiers that term-frequency adjustment must discount.
 */
const DRAMA_RANGES = [
  '07700 900',
  '01632 960',
  '0115 496 0',
  '020 7946 0',
  '0161 496 0',
  '0121 496 0',
];

function phone(rng: Rng): string | undefined {
  const range = rng.pick(DRAMA_RANGES);
  const raw = `${range}${String(rng.int(1000)).padStart(3, '0')}`;
  const parsed = normalisePhone(raw);
  return parsed.ok ? parsed.value : undefined;
}

function makePerson(rng: Rng, id: number, forces: readonly string[], p: CorruptionProfile): Person {
  const sex = rng.chance(0.8) ? 'SEX_MALE' : 'SEX_FEMALE';
  const pool = sex === 'SEX_MALE' ? MALE_GIVEN : FEMALE_GIVEN;
  const common = rng.chance(p.commonNames);
  const first = common ? (pool[rng.int(3)] as string) : rng.skewed(pool);
  const given = rng.chance(0.4) ? [first, rng.pick(pool)] : [first];
  const family = common
    ? (COMMON_SURNAMES[rng.int(3)] as string)
    : rng.chance(0.35)
      ? rng.skewed(COMMON_SURNAMES)
      : rareSurname(rng);
  const year = 1950 + rng.int(58);
  const dob = { year, month: 1 + rng.int(12), day: 1 + rng.int(28) };
  const homeForce = rng.pick(forces);
  const online: Person['online'] = [];
  const sep = rng.maybe(p.separatedHandles) ? rng.pick(['.', '_', '-']) : '';
  const handle = `${first.toLowerCase().replace(/[^a-z]/g, '')}${sep}${family.toLowerCase().replace(/[^a-z]/g, '')}${rng.int(1000)}`;
  if (rng.chance(0.7))
    online.push({
      kind: 'ONLINE_IDENTIFIER_KIND_EMAIL',
      value: `${handle}@${rng.pick(EMAIL_DOMAINS)}`,
    });
  const tel = rng.chance(0.5) ? phone(rng) : undefined;
  if (tel !== undefined) online.push({ kind: 'ONLINE_IDENTIFIER_KIND_PHONE', value: tel });
  if (rng.chance(0.6)) {
    online.push({
      kind: 'ONLINE_IDENTIFIER_KIND_USERNAME',
      platform: rng.pick(PLATFORMS),
      value: `${handle}_${rng.int(100)}`,
    });
  }
  const person: Person = {
    truthId: `P${String(id).padStart(7, '0')}`,
    sex,
    given,
    family,
    dob,
    homeForce,
    address: address(rng, [homeForce]),
    oldAddress: address(rng, forces),
    pnc: pncId(rng),
    online,
    aliasFamily: rng.chance(0.5) ? rng.skewed(COMMON_SURNAMES) : rareSurname(rng),
    knownByMiddle: false,
  };
  if (rng.maybe(p.knownByMiddle)) {
    person.knownByMiddle = true;
    if (person.given.length < 2) person.given.push(rng.pick(pool));
  }
  return person;
}

function recordOf(
  rng: Rng,
  person: Person,
  forceCode: string,
  seq: number,
  p: CorruptionProfile,
  first: boolean,
): PersonRecordJson {
  let given = [...person.given];
  let family = person.family;
  // The first record of a person is the "clean" one; later records carry the variations.
  const vary = !first;
  if (vary && person.knownByMiddle && rng.chance(0.6)) given = given.slice(1);
  if (vary && rng.chance(p.nickname)) {
    const nicks = GENERATOR_NICKNAMES[given[0] ?? ''];
    if (nicks) given[0] = rng.pick(nicks);
  }
  if (vary && rng.chance(p.nameTypo)) {
    if (rng.chance(0.5)) given[0] = typo(rng, given[0] ?? '');
    else family = typo(rng, family);
  }
  if (vary && given.length > 1 && rng.chance(0.3)) given = [given[0] ?? ''];
  if (vary && rng.chance(0.1)) family = family.toUpperCase();
  if (vary && rng.chance(0.05))
    given = given.map((g) => g.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''));
  if (vary && family.includes("'") && rng.chance(0.5)) family = family.replace("'", '');
  if (vary && rng.chance(0.03)) family = `${family}-${rareSurname(rng)}`;
  if (rng.chance(p.title))
    given = [rng.maybe(p.rareTitle) ? rng.pick(RARE_TITLES) : rng.pick(TITLES), ...given];
  let names = [{ given, family, type: 'NAME_TYPE_BIRTH' }];
  if (vary && rng.chance(p.swapNames))
    names = [{ given: [family], family: given[0] ?? '', type: 'NAME_TYPE_BIRTH' }];
  if (vary && rng.maybe(p.oneName)) names = [oneNameOf(rng, given, family, p.oneNameOtherSlot)];
  if (vary && rng.chance(p.alias)) {
    names.push({
      given: [rng.chance(0.5) ? (person.given[0] ?? '') : rng.pick(MALE_GIVEN)],
      family: person.aliasFamily,
      type: 'NAME_TYPE_ALIAS',
    });
  }
  const rec: PersonRecordJson = {
    sourceSystem: `force-${forceCode}-rms`,
    sourceRecordId: `${forceCode}-${String(seq).padStart(8, '0')}`,
    names,
    sex: rng.chance(0.97) ? person.sex : 'SEX_UNKNOWN',
    subjectCategory: 'SUBJECT_CATEGORY_SUSPECT',
  };
  const d = { ...person.dob };
  if (vary && rng.chance(p.dobMissing)) {
    // no date of birth
  } else {
    if (vary && rng.chance(p.dobTransposed) && d.day <= 12) [d.day, d.month] = [d.month, d.day];
    if (vary && rng.chance(p.dobTypo)) {
      const digits = `${d.year}${String(d.month).padStart(2, '0')}${String(d.day).padStart(2, '0')}`;
      const i = 2 + rng.int(6);
      const swapped = digits.slice(0, i) + String(rng.int(10)) + digits.slice(i + 1);
      const y = Number(swapped.slice(0, 4));
      const m = Number(swapped.slice(4, 6));
      const dd = Number(swapped.slice(6, 8));
      if (m >= 1 && m <= 12 && dd >= 1 && dd <= 31)
        Object.assign(d, { year: y, month: m, day: dd });
    }
    if (vary && rng.maybe(p.dobMultiWrong)) Object.assign(d, damagedDate(rng, d));
    rec.dateOfBirth = vary && rng.chance(p.dobYearOnly) ? { year: d.year } : d;
  }
  if (person.pnc && rng.chance(p.pncPresent)) {
    const value = rng.chance(p.pncTypo) ? typoDigit(rng, person.pnc) : person.pnc;
    rec.identifiers = [{ scheme: 'IDENTIFIER_SCHEME_PNC', value }];
  }
  const online = person.online
    .filter(() => rng.chance(p.onlineShown))
    .map((o) =>
      vary && o.kind !== 'ONLINE_IDENTIFIER_KIND_PHONE' && rng.maybe(p.onlineTypo)
        ? { ...o, value: identifierTypo(rng, o.value) }
        : o,
    );
  if (online.length > 0) rec.onlineIdentifiers = online;
  if (!(vary && rng.chance(p.addressMissing))) {
    let a = vary && rng.chance(p.addressMoved) ? person.oldAddress : person.address;
    if (vary && rng.maybe(p.townOnly)) a = { line: '', town: a.town, postcode: '' };
    if (vary && rng.maybe(p.townTypo)) {
      const town = typo(rng, a.town);
      a = { ...a, town: rng.chance(0.4) ? typo(rng, town) : town };
    }
    rec.addresses = [a];
  }
  if (vary && rng.maybe(p.sparse)) sparsify(rng, rec);
  return rec;
}

/** The first given name that is not a title. */
function firstGiven(given: readonly string[]): string {
  return given.find((g) => g !== '' && !TITLES.includes(g) && !RARE_TITLES.includes(g)) ?? '';
}

/** One name left of two: given or family, sometimes in the other slot ("—, Thomas"). */
function oneNameOf(
  rng: Rng,
  given: readonly string[],
  family: string,
  otherSlot: number,
): { given: string[]; family: string; type: string } {
  const keepGiven = rng.chance(0.5);
  const swap = rng.chance(otherSlot);
  const type = 'NAME_TYPE_BIRTH';
  const name = firstGiven(given);
  if (keepGiven)
    return swap ? { given: [], family: name, type } : { given: [...given], family: '', type };
  return swap ? { given: [family], family: '', type } : { given: [], family, type };
}

/**
 * A date wrong in two or three components, the way a remembered or re-keyed date is: the year
 * off by one or two, another month, another day (1977-10-17 / 1976-09-15).
 */
function damagedDate(
  rng: Rng,
  d: { year: number; month: number; day: number },
): { year: number; month: number; day: number } {
  const keep = rng.chance(0.7) ? rng.int(3) : -1;
  return {
    year: keep === 0 ? d.year : d.year + (rng.chance(0.5) ? 1 : -1) * (1 + rng.int(2)),
    month: keep === 1 ? d.month : ((d.month + rng.int(11)) % 12) + 1,
    day: keep === 2 ? d.day : ((d.day + rng.int(27)) % 28) + 1,
  };
}

/**
 * An e-mail address or username copied badly: in the local part (or, for an e-mail, sometimes the
 * domain) a letter/digit confusion (l/1, o/0 …), a changed, dropped or added separator, or a
 * keying error.
 */
function identifierTypo(rng: Rng, value: string): string {
  const at = value.indexOf('@');
  const inDomain = at >= 0 && rng.chance(0.35);
  const start = inDomain ? at + 1 : 0;
  const end = at >= 0 && !inDomain ? at : value.length;
  const part = value.slice(start, end);
  let damaged: string;
  const kind = rng.int(4);
  const confusable = [...part].flatMap((c, i) => (CONFUSABLES[c] !== undefined ? [i] : []));
  const separators = [...part].flatMap((c, i) => ('._-'.includes(c) ? [i] : []));
  if (kind === 0 && confusable.length > 0) {
    const i = rng.pick(confusable);
    damaged = part.slice(0, i) + (CONFUSABLES[part[i] ?? ''] ?? '') + part.slice(i + 1);
  } else if (kind === 1 && !inDomain) {
    if (separators.length > 0) {
      const i = rng.pick(separators);
      const other = rng.pick(['', ...'._-'.replace(part[i] ?? '', '')]);
      damaged = part.slice(0, i) + other + part.slice(i + 1);
    } else {
      const i = 1 + rng.int(Math.max(1, part.length - 1));
      damaged = part.slice(0, i) + rng.pick(['.', '_']) + part.slice(i);
    }
  } else {
    damaged = typo(rng, part);
  }
  return value.slice(0, start) + damaged + value.slice(end);
}

/**
 * Most fields gone: one name (either slot's) and at most one of a year of birth or date, a town,
 * an online identifier — "Noah, born 2008, Bolton" with one of the three.
 */
function sparsify(rng: Rng, rec: PersonRecordJson): void {
  const name = rec.names[0] ?? { given: [], family: '', type: 'NAME_TYPE_BIRTH' };
  const given = firstGiven(name.given);
  rec.names = [
    given !== '' && (name.family === '' || rng.chance(0.5))
      ? { given: [given], family: '', type: name.type }
      : { given: [], family: name.family, type: name.type },
  ];
  const dob = rec.dateOfBirth;
  const town = rec.addresses?.[0]?.town;
  const online = rec.onlineIdentifiers?.[0];
  delete rec.dateOfBirth;
  delete rec.addresses;
  delete rec.onlineIdentifiers;
  delete rec.identifiers;
  rec.sex = 'SEX_UNKNOWN';
  const keep = rng.int(4);
  if (keep === 0 && dob) rec.dateOfBirth = rng.chance(0.5) ? { year: dob.year } : dob;
  if (keep === 1 && town) rec.addresses = [{ line: '', town, postcode: '' }];
  if (keep === 2 && online) rec.onlineIdentifiers = [online];
}

function typoDigit(rng: Rng, pnc: string): string {
  const i = 5 + rng.int(7);
  const c = pnc[i] ?? '0';
  return pnc.slice(0, i) + String((Number(c) + 1 + rng.int(8)) % 10) + pnc.slice(i + 1);
}

/**
 * Generates `persons` people and their records, deterministic in `seed`. Each person has one
 * clean record and a geometric number of variant records (mean `extraRecords`), mostly at the
 * home force. With `chaining`, people come in look-alike pairs (same common name, same birth
 * year, different date, address and PNC) and the first of each pair gets one bridging record:
 * the second's date of birth, no address or PNC, but the first's online identifier — it
 * belongs to the first and links to both, the single wrong edge that connected components
 * would use to chain the pair's two clusters together.
 */
export function generatePersons(options: GeneratorOptions): GeneratedRecord[] {
  return [...streamPersons(options)];
}

/**
 * The records of generatePersons, the same in the same order, yielded one at a time: a caller
 * that loads them somewhere need not hold them all (the people they are made from are held while
 * the stream lasts). A person's records come one after the other.
 */
export function* streamPersons(options: GeneratorOptions): Generator<GeneratedRecord> {
  const p: CorruptionProfile = { ...BASE_PROFILE, ...options.profile };
  const rng = new Rng(options.seed);
  const forces = FORCE_CODES.slice(
    0,
    Math.max(1, Math.min(options.forces ?? 5, FORCE_CODES.length)),
  );
  const people: Person[] = [];
  for (let i = 0; i < options.persons; i++) people.push(makePerson(rng, i, forces, p));
  // Shared and reused identifiers: a burner phone or household e-mail used by two people.
  for (const person of people) {
    if (rng.chance(p.onlineShared)) {
      const other = people[rng.int(people.length)];
      const shared = other?.online[0];
      if (shared) person.online.push(shared);
    }
  }
  // Look-alike pairs: persons 2k and 2k+1 (for the first `chaining` share of people) share name,
  // sex and birth year but not the date, address or PNC.
  const lookAlikes = Math.floor((people.length * p.chaining) / 2) * 2;
  for (let i = 0; i + 1 < lookAlikes; i += 2) {
    const a = people[i] as Person;
    const b = people[i + 1] as Person;
    Object.assign(b, { given: [...a.given], family: a.family, sex: a.sex });
    b.dob = { ...b.dob, year: a.dob.year };
    if (b.dob.month === a.dob.month && b.dob.day === a.dob.day) b.dob.day = (b.dob.day % 28) + 1;
  }
  let seq = 0;
  for (let i = 0; i < people.length; i++) {
    const person = people[i] as Person;
    let n = 1;
    if (rng.maybe(p.manyRecords)) n = 5 + rng.int(6);
    else while (rng.chance(p.extraRecords / (1 + p.extraRecords))) n++;
    const lookAlike = i < lookAlikes;
    // Look-alikes get large clusters: chaining matters when it joins big clusters.
    if (lookAlike) n = Math.max(n, 5);
    for (let k = 0; k < n; k++) {
      const force = k > 0 && rng.chance(p.otherForce) ? rng.pick(forces) : person.homeForce;
      yield {
        forceCode: force,
        truthId: person.truthId,
        record: recordOf(rng, person, force, seq++, p, k === 0),
      };
    }
    if (lookAlike && i % 2 === 0) {
      const twin = people[i + 1];
      if (twin) {
        const bridge = recordOf(
          rng,
          person,
          person.homeForce,
          seq++,
          {
            ...p,
            pncPresent: 0,
            addressMissing: 1,
            dobMissing: 0,
            dobTypo: 0,
            dobTransposed: 0,
            dobYearOnly: 0,
          },
          true,
        );
        bridge.dateOfBirth = { ...twin.dob };
        bridge.addresses = undefined;
        bridge.onlineIdentifiers = person.online.slice(0, 1);
        if (bridge.onlineIdentifiers.length === 0) delete bridge.onlineIdentifiers;
        delete bridge.addresses;
        yield { forceCode: person.homeForce, truthId: person.truthId, record: bridge };
      }
    }
  }
}

/** The records of streamPersons, one array per person (a person's records come together). */
export function* streamPeople(options: GeneratorOptions): Generator<GeneratedRecord[]> {
  let person: GeneratedRecord[] = [];
  for (const g of streamPersons(options)) {
    if (person.length > 0 && g.truthId !== person[0]?.truthId) {
      yield person;
      person = [];
    }
    person.push(g);
  }
  if (person.length > 0) yield person;
}

export function generateScenario(
  name: ScenarioName,
  options: { persons: number; seed: number; forces?: number },
): GeneratedRecord[] {
  return generatePersons({ ...options, profile: SCENARIOS[name] });
}
