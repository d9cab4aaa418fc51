import type { MatchAddress, MatchInput } from '../model/match-input';
import { normaliseDate, type NormalisedDate } from './date.normaliser';
import {
  normaliseIdentifiers,
  normaliseOnlineIdentifiers,
  normalisePostcodeForMatching,
  type NormalisedIdentifier,
} from './identifier.normaliser';
import {
  foldText,
  nicknameGroups,
  normaliseFamilyName,
  normaliseGivenNames,
  phoneticCode,
} from './name.normaliser';
import { tokenId, tokenString } from './token-ids';

export interface NormalisedName {
  /** Given-name tokens in order (first, middle …), titles removed. */
  given: string[];
  /** Token ids of `given` and `family` (token-ids.ts). */
  givenIds: number[];
  familyId: number;
  /** Nickname groups of the first given name (precomputed: the look-up is on the hot path). */
  firstNicknameGroups: readonly number[];
  /** Double Metaphone primary code per given token. */
  givenPhonetic: string[];
  /** Token ids of the first given token's code and of the family name's (-1 when none). */
  givenPhoneticId: number;
  familyPhoneticId: number;
  /** Family name without spaces or hyphens; `''` when unknown. */
  family: string;
  /** Parts of a double-barrelled family name. */
  familyParts: string[];
  familyPhonetic: string;
  /** Recorded as an alias or nickname rather than the birth name. */
  alias: boolean;
}

export interface NormalisedAddress {
  /** House number or name-number ("12", "12a"); `''` when the line has none. */
  houseNumber: string;
  /** The rest of the first line, folded ("acacia avenue"). */
  street: string;
  line2: string;
  town: string;
  postcode: string;
  /** UK postcode sector, `''` when not a UK postcode. */
  postcodeSector: string;
  region: string;
  /** `postcode|houseNumber|street`: the value behind "same address" for term frequencies. */
  key: string;
  /** Token ids of house number, postcode, street, line2, town and key (-1 when empty). */
  houseNumberId: number;
  postcodeId: number;
  streetId: number;
  line2Id: number;
  townId: number;
  keyId: number;
}

/**
 * A record after normalisation: everything the comparators and blocking keys read.
 *
 * Besides the structured form, the fields the comparator reads for the common "simple" record
 * (one name of at most two given names, one address, at most one identifier per kind and three
 * online identifiers) are flattened into `flat`, one row of integer token ids (`token-ids.ts`
 * says why) at the offsets of `FL`. -1 means missing throughout. A batch copies the rows of all
 * its records into one table (struct of arrays), so comparing two simple records reads two rows
 * of one typed array and follows no pointer.
 */
export interface NormalisedRecord {
  names: NormalisedName[];
  dob: NormalisedDate | undefined;
  /** `M`, `F` or `''`. */
  sex: string;
  custodyIds: NormalisedIdentifier[];
  nationalIds: NormalisedIdentifier[];
  /** `KIND:key` strings. */
  online: string[];
  /** Their token ids. */
  onlineIds: number[];
  addresses: NormalisedAddress[];
  /** True when the flat fields carry everything: the comparator's fast path applies. */
  simple: boolean;
  /** The flat fields: FLAT_FIELDS of them from `flat[flatAt]`, at the offsets of FL. */
  flat: Int32Array;
  flatAt: number;
}

/** FL.simple bits: the row carries the record's names (SIMPLE_NAMES), and all the rest. */
export const SIMPLE_NAMES = 1;
export const SIMPLE_REST = 2;

/** Offsets of the flat fields in a record's row. */
export const FL = {
  /** SIMPLE_NAMES | SIMPLE_REST as far as the row carries the record (3: all of it). */
  simple: 0,
  gId: 1,
  g2Id: 2,
  gPh: 3,
  /** Char code of the first given name's first letter; -1 when none. */
  gChar: 4,
  /** 1 when the first given name is a single letter (an initial). */
  gInitial: 5,
  /** Nickname groups of the first given name, up to four (-1 unused). */
  gNick1: 6,
  gNick2: 7,
  gNick3: 8,
  gNick4: 9,
  fId: 10,
  fPh: 11,
  fChar: 12,
  /** YYYYMMDD with 00 for unknown parts; -1 when no date. */
  dobInt: 13,
  /** 0 none, 1 year, 2 year and month, 3 full date. */
  dobKnown: 14,
  /** 0 unknown, 1 male, 2 female. */
  sexCode: 15,
  cuId: 16,
  cuScheme: 17,
  naId: 18,
  naScheme: 19,
  on0: 20,
  on1: 21,
  on2: 22,
  pcId: 23,
  secId: 24,
  hnId: 25,
  stId: 26,
  twId: 27,
  l2Id: 28,
  rgId: 29,
  adId: 30,
} as const;

/** Width of a record's own row (FL's fields, padded). */
export const FLAT_FIELDS = 32;

/**
 * Records' rows are cut from shared slabs of SLAB_ROWS rows: a typed array of its own per record
 * (128 bytes, beyond V8's on-heap size, so a separately allocated backing store each) cost more
 * to make than the rest of the record. A slab lives as long as any record in it.
 */
const SLAB_ROWS = 1024;
let slab = new Int32Array(SLAB_ROWS * FLAT_FIELDS);
let slabRows = 0;

function takeRow(): number {
  if (slabRows === SLAB_ROWS) {
    slab = new Int32Array(SLAB_ROWS * FLAT_FIELDS);
    slabRows = 0;
  }
  return slabRows++ * FLAT_FIELDS;
}

const SEX: Readonly<Record<string, string>> = {
  SEX_MALE: 'M',
  SEX_FEMALE: 'F',
  M: 'M',
  F: 'F',
  MALE: 'M',
  FEMALE: 'F',
};

function normaliseAddress(a: MatchAddress): NormalisedAddress | undefined {
  const line = foldText(a.line);
  // A leading number (with an optional letter suffix or range) is the house number.
  const m = /^(\d+[a-z]?(?: \d+)?)\b ?(.*)$/.exec(line);
  const postcode = normalisePostcodeForMatching(a.postcode);
  const houseNumberId = tokenId(m ? (m[1] ?? '').replace(' ', '-') : '');
  const streetId = tokenId(m ? (m[2] ?? '') : line);
  const postcodeId = tokenId(postcode?.value ?? '');
  const line2Id = tokenId(foldText(a.line2 ?? ''));
  const townId = tokenId(foldText(a.town));
  // The record keeps the interned instance of each text (token-ids.ts), not its own copy: a
  // national batch holds a million records, and the copies (a street is a slice that keeps the
  // whole folded line alive) were retained heap that every full collection had to walk.
  const houseNumber = tokenString(houseNumberId);
  const street = tokenString(streetId);
  const postcodeText = tokenString(postcodeId);
  const keyId = tokenId(`${postcodeText}|${houseNumber}|${street}`);
  const out: NormalisedAddress = {
    houseNumber,
    street,
    line2: tokenString(line2Id),
    town: tokenString(townId),
    postcode: postcodeText,
    postcodeSector: postcode?.sector ?? '',
    region: foldText(a.region ?? ''),
    key: tokenString(keyId),
    houseNumberId,
    postcodeId,
    streetId,
    line2Id,
    townId,
    keyId,
  };
  const empty =
    out.houseNumber === '' &&
    out.street === '' &&
    out.line2 === '' &&
    out.town === '' &&
    out.postcode === '' &&
    out.region === '';
  return empty ? undefined : out;
}

/** Pure: the same input always gives the same normalised record. */
export function normaliseRecord(input: MatchInput): NormalisedRecord {
  const names: NormalisedName[] = [];
  const seen = new Set<string>();
  for (const n of input.names ?? []) {
    const given = normaliseGivenNames(n.given ?? []);
    const family = normaliseFamilyName(n.family ?? '');
    if (given.length === 0 && family.full === '') continue;
    const key = `${given.join(' ')}|${family.full}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const givenPhonetic = given.map(phoneticCode);
    const familyPhonetic = phoneticCode(family.full);
    const givenIds = given.map(tokenId);
    const familyId = tokenId(family.full);
    // Interned instances rather than this record's copies (see normaliseAddress).
    for (let k = 0; k < given.length; k++) given[k] = tokenString(givenIds[k] ?? -1);
    names.push({
      given,
      givenIds,
      familyId,
      firstNicknameGroups: nicknameGroups(given[0] ?? ''),
      givenPhonetic,
      givenPhoneticId: tokenId(givenPhonetic[0] ?? ''),
      familyPhoneticId: tokenId(familyPhonetic),
      family: tokenString(familyId),
      familyParts: family.parts,
      familyPhonetic,
      alias: n.type === 'NAME_TYPE_ALIAS' || n.type === 'NAME_TYPE_NICKNAME',
    });
  }
  // Birth names first: blocking keys and explanations prefer them.
  names.sort((x, y) => Number(x.alias) - Number(y.alias));
  const ids = normaliseIdentifiers(input.identifiers);
  const addresses: NormalisedAddress[] = [];
  for (const a of input.addresses ?? []) {
    const n = normaliseAddress(a);
    if (n) addresses.push(n);
  }
  const dob = normaliseDate(input.dateOfBirth);
  const sex = SEX[(input.sex ?? '').toUpperCase()] ?? '';
  const online = normaliseOnlineIdentifiers(input.onlineIdentifiers);
  const n0 = names[0];
  const a0 = addresses[0];
  const cu = ids.custody[0];
  const na = ids.national[0];
  const first = n0?.given[0] ?? '';
  const groups = n0?.firstNicknameGroups ?? [];
  const simpleNames =
    names.length <= 1 &&
    (n0 === undefined ||
      (n0.given.length <= 2 && n0.familyParts.length <= 1 && groups.length <= 4));
  const simpleRest =
    addresses.length <= 1 &&
    ids.custody.length <= 1 &&
    ids.national.length <= 1 &&
    online.length <= 3;
  const simple = simpleNames && simpleRest;
  // Token ids the parts above already interned are reused rather than looked up again (each is
  // tokenId of the same string, so the values are identical).
  const onlineIds = online.map(tokenId);
  const at = takeRow();
  const flat = slab;
  flat[at + FL.simple] = (simpleNames ? SIMPLE_NAMES : 0) | (simpleRest ? SIMPLE_REST : 0);
  flat[at + FL.gId] = n0?.givenIds[0] ?? -1;
  flat[at + FL.g2Id] = n0?.givenIds[1] ?? -1;
  flat[at + FL.gPh] = n0?.givenPhoneticId ?? -1;
  flat[at + FL.gChar] = first === '' ? -1 : first.charCodeAt(0);
  flat[at + FL.gInitial] = first.length === 1 ? 1 : 0;
  flat[at + FL.gNick1] = groups[0] ?? -1;
  flat[at + FL.gNick2] = groups[1] ?? -1;
  flat[at + FL.gNick3] = groups[2] ?? -1;
  flat[at + FL.gNick4] = groups[3] ?? -1;
  flat[at + FL.fId] = n0?.familyId ?? -1;
  flat[at + FL.fPh] = n0?.familyPhoneticId ?? -1;
  flat[at + FL.fChar] = n0 === undefined || n0.family === '' ? -1 : n0.family.charCodeAt(0);
  flat[at + FL.dobInt] = dob ? Number(dob.digits) : -1;
  flat[at + FL.dobKnown] = dob ? (dob.day !== 0 ? 3 : dob.month !== 0 ? 2 : 1) : 0;
  flat[at + FL.sexCode] = sex === 'M' ? 1 : sex === 'F' ? 2 : 0;
  flat[at + FL.cuId] = cu ? cu.id : -1;
  flat[at + FL.cuScheme] = cu ? tokenId(cu.scheme) : -1;
  flat[at + FL.naId] = na ? na.id : -1;
  flat[at + FL.naScheme] = na ? tokenId(na.scheme) : -1;
  flat[at + FL.on0] = onlineIds[0] ?? -1;
  flat[at + FL.on1] = onlineIds[1] ?? -1;
  flat[at + FL.on2] = onlineIds[2] ?? -1;
  flat[at + FL.pcId] = a0?.postcodeId ?? -1;
  flat[at + FL.secId] = tokenId(a0?.postcodeSector ?? '');
  flat[at + FL.hnId] = a0?.houseNumberId ?? -1;
  flat[at + FL.stId] = a0?.streetId ?? -1;
  flat[at + FL.twId] = a0?.townId ?? -1;
  flat[at + FL.l2Id] = a0?.line2Id ?? -1;
  flat[at + FL.rgId] = tokenId(a0?.region ?? '');
  flat[at + FL.adId] = a0 ? a0.keyId : -1;
  return {
    names,
    dob,
    sex,
    custodyIds: ids.custody,
    nationalIds: ids.national,
    online,
    onlineIds,
    addresses,
    simple,
    flat,
    flatAt: at,
  };
}
