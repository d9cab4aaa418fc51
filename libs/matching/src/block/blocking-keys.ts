import type { FieldName } from '../compare/fields';
import { phoneticCode } from '../normalise/name.normaliser';
import type { NormalisedRecord } from '../normalise/record.normaliser';
import { handleSkeleton } from '../normalise/handle-skeleton';
import { derivedTokens, tokenString } from '../normalise/token-ids';

/**
 * Blocking keys: a record is compared only with records that share at least one key, so
 * candidate search is an index look-up (Christen 2012, "A survey of indexing techniques for
 * scalable record linkage", IEEE TKDE 24(9)). No single key survives every error, so the union
 * of several is used, each robust to a different kind of error:
 *
 * | key | survives |
 * |---|---|
 * | exact custody id (valid PNC/CRO) | every name and date error |
 * | exact national id / online id | name and date errors, missing DOB |
 * | family-name phonetic code + birth year (a lone given name's code) | given-name errors, nicknames, day/month errors, a lone family name in the given slot |
 * | phonetic code of either name + full date | errors in the other name, given/family swaps |
 * | initials (order-free) + date with day/month order-free | spelling errors in both names, swaps, transposed dates |
 * | both names' phonetic codes, order-free | missing or wrong DOB, given/family swaps |
 * | full date + house number, full date + town | errors in both names where an address is known |
 * | postcode + house number, street + house number, postcode + town | name and date errors, missing DOB |
 * | first 12 / last 10 characters of an e-mail's local part or a username, folded (`handleSkeleton`) | a typo at the other end, `l`/`1` and `o`/`0` confusions, separators, a wrong domain; an e-mail against a username made from the same long handle |
 * | a lone name without a date of birth under its phonetic code (`ly`), meeting the `fy` keys of that code for every birth year (candidate-only; see `LONE_NAME_KEY`) | one name and no DOB, against the records of that name holding a year |
 *
 * Every key combines at least two fields (or one near-unique identifier), so blocks stay small
 * at national scale; blocks that still grow past the cap are skipped (see DEFAULT_MAX_BLOCK_SIZE).
 *
 * Keys are integer triples (`blockingKeyCodes`), with a text form (`blockingKeys`) for storage.
 */
/** Default cap on block size. A key shared by more than 100 records (a burner phone in a drama range, "john smith" at national scale) says too little to be worth all-pairs; such a record is still found through its other keys. */
export const DEFAULT_MAX_BLOCK_SIZE = 100;

/**
 * The fields each key type is built from. Training needs it: pairs found through a key agree
 * on that key's fields by construction, so those fields tell nothing about m among them
 * (see score/em.trainer.ts).
 */
export const KEY_TYPE_FIELDS: Readonly<Record<string, readonly FieldName[]>> = {
  c: ['custodyId'],
  n: ['nationalId'],
  o: ['online'],
  fy: ['family', 'dob'],
  td: ['given', 'family', 'dob'],
  id: ['given', 'family', 'dob'],
  nn: ['given', 'family'],
  ph: ['address'],
  sh: ['address'],
  pt: ['address'],
  dp: ['dob', 'address'],
  dh: ['dob', 'address'],
  dt: ['dob', 'address'],
  op: ['online'],
  os: ['online'],
  ly: ['family'],
};

/**
 * Key types that find candidates but do not feed training: EM learns m from the pairs the other
 * keys find, as before these existed. Pairs that share only a sparse-record key are mostly
 * different people with the same name and a similar handle, and EM would
 * take them for matches whose dates of birth and identifiers disagree — measured: the m of a
 * conflicting date of birth went from 0.002 to 0.2 on the common-names set and its precision from
 * 0.981 to 0.93.
 */
export const CANDIDATE_ONLY_KEY_TYPES: ReadonlySet<string> = new Set(['op', 'os', 'ly']);

/**
 * The birth years a lone name without a date of birth meets: its `ly` key is paired with the `fy`
 * key of its code for each of these years (`LONE_NAME_KEY`), so that it meets every record of
 * that name whose year is here.
 */
export const LONE_NAME_YEARS = { from: 1940, to: 2015 } as const;

/** Whether `year` is one of LONE_NAME_YEARS. */
export function isLoneNameYear(year: number): boolean {
  return year >= LONE_NAME_YEARS.from && year <= LONE_NAME_YEARS.to;
}

/** The type of a key: its prefix (`fy` for `fy:SM0:1980`). */
export function keyType(key: string): string {
  const i = key.indexOf(':');
  return i < 0 ? key : key.slice(0, i);
}

/**
 * Key types by code, the order of KeyCodes' `type`. Each key is an integer triple (type, a, b):
 * `a` and `b` are token ids (token-ids.ts), a date as a number, or two letters' char codes — see
 * `keyText`, which gives a key's text. Every part of a key's text is free of `:` or fixed in
 * width, so two keys' triples are equal exactly when their texts are.
 */
export const KEY_TYPES = [
  'c',
  'n',
  'o',
  'fy',
  'td',
  'id',
  'nn',
  'ph',
  'sh',
  'pt',
  'dp',
  'dh',
  'dt',
  'op',
  'os',
  'ly',
] as const;
const K_C = 0;
const K_N = 1;
const K_O = 2;
const K_FY = 3;
const K_TD = 4;
const K_ID = 5;
const K_NN = 6;
const K_PH = 7;
const K_SH = 8;
const K_PT = 9;
const K_DP = 10;
const K_DH = 11;
const K_DT = 12;
const K_OP = 13;
const K_OS = 14;
const K_LY = 15;

/**
 * The type code of `ly` keys. Lone-name blocking is asymmetric: a record with a single name (in
 * either slot) and no date of birth is filed under one key, `ly:<code>` (its name's phonetic
 * code; `b` is 0), and a record with a year only under its `fy` keys, which it holds anyway. The
 * pairs are those of a one-sided block for each year y of LONE_NAME_YEARS holding the `fy` block
 * of (code, y) and the `ly` block of the code — which no one stores: the lone name probes the
 * `fy` blocks of its code year by year, and a record with a year in that range probes the `ly`
 * block of each of its `fy` codes. The block size cap applies to that combined block,
 * `size(fy:<code>:<y>) + size(ly:<code>)`, so with C the cap (the batch keeps a block of at
 * most C records; the index skips one already holding C records):
 *
 * - a lone name and a record with that code and year y meet when the combined block of y is
 *   within the cap;
 * - two lone names of one code meet when the combined block of some year is (of a year no
 *   record holds: when the lone names alone are within the cap);
 * - two records with a year meet under their `fy` keys only.
 *
 * A lone name costs one posting, and a record with a year none beyond its `fy` keys.
 */
export const LONE_NAME_KEY = K_LY;
/** The type code of `fy` keys (a name's code + birth year): what a lone name's key meets. */
export const NAME_YEAR_KEY = K_FY;

/** One record's distinct keys as triples, in the order they were first produced. Reusable. */
export class KeyCodes {
  length = 0;
  type = new Int32Array(32);
  a = new Int32Array(32);
  b = new Int32Array(32);

  add(type: number, a: number, b: number): void {
    const n = this.length;
    for (let i = 0; i < n; i++) {
      if (this.type[i] === type && this.a[i] === a && this.b[i] === b) return;
    }
    if (n === this.type.length) {
      this.type = grow(this.type);
      this.a = grow(this.a);
      this.b = grow(this.b);
    }
    this.type[n] = type;
    this.a[n] = a;
    this.b[n] = b;
    this.length = n + 1;
  }
}

function grow(x: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const out = new Int32Array(x.length * 2);
  out.set(x);
  return out;
}

// Spaces are dropped from street and town: a space keyed in the wrong place is a common error.
const streetKey = derivedTokens((street) => street.replace(/ /g, ''));
const townKey = derivedTokens((town) => phoneticCode(town.replace(/ /g, '')));

/** The handle's ends blocked on (first / last characters of its skeleton). */
const HANDLE_START = 12;
const HANDLE_END = 10;

const handlePrefix = derivedTokens((online) => handleSkeleton(online).slice(0, HANDLE_START));
const handleSuffix = derivedTokens((online) => handleSkeleton(online).slice(-HANDLE_END));

/** The record's blocking keys as integer triples (into `out`, cleared first). */
export function blockingKeyCodes(r: NormalisedRecord, out: KeyCodes): void {
  out.length = 0;
  for (const id of r.custodyIds) if (id.valid) out.add(K_C, id.id, 0);
  for (const id of r.nationalIds) out.add(K_N, id.id, 0);
  for (const o of r.onlineIds) out.add(K_O, o, 0);
  const dob = r.dob;
  const fullDob = dob !== undefined && dob.month !== 0 && dob.day !== 0;
  const digits = fullDob ? Number(dob.digits) : 0;
  const orderFreeDate = fullDob
    ? dob.year * 10000 + Math.min(dob.month, dob.day) * 100 + Math.max(dob.month, dob.day)
    : -1;
  for (const n of r.names) {
    const g = n.givenPhonetic[0] ?? '';
    const f = n.familyPhonetic;
    const gId = n.givenPhoneticId;
    const fId = n.familyPhoneticId;
    if (f !== '' && dob) out.add(K_FY, fId, dob.year);
    // A name with no family name: its one name may be the family name keyed in the wrong slot.
    else if (g !== '' && dob) out.add(K_FY, gId, dob.year);
    if (fullDob) {
      // One key per name token, whichever field it sits in: survives a swap or an error in the other.
      if (g !== '') out.add(K_TD, gId, digits);
      if (f !== '') out.add(K_TD, fId, digits);
    }
    const gi = n.given[0]?.charCodeAt(0) ?? -1;
    const fi = n.family === '' ? -1 : n.family.charCodeAt(0);
    if (gi >= 0 && fi >= 0 && orderFreeDate >= 0) {
      out.add(K_ID, gi < fi ? (gi << 16) | fi : (fi << 16) | gi, orderFreeDate);
    }
    if (g !== '' && f !== '') out.add(K_NN, g < f ? gId : fId, g < f ? fId : gId);
  }
  for (const a of r.addresses) {
    const street = streetKey.of(a.streetId);
    const town = townKey.of(a.townId);
    const pc = a.postcodeId;
    const hn = a.houseNumberId;
    if (pc >= 0 && hn >= 0) out.add(K_PH, pc, hn);
    if (street >= 0 && hn >= 0) out.add(K_SH, street, hn);
    if (pc >= 0 && town >= 0) out.add(K_PT, pc, town);
    if (fullDob) {
      if (pc >= 0) out.add(K_DP, digits, pc);
      if (hn >= 0) out.add(K_DH, digits, hn);
      if (town >= 0) out.add(K_DT, digits, town);
    }
  }
  // Keys for sparse records (one name, no date of birth, a mistyped handle), after all the
  // others so that those keep their order. They find candidates only: training learns from the
  // pairs the keys above find (CANDIDATE_ONLY_KEY_TYPES). Name + town and two-sided name +
  // birth-year keys were measured and left out (docs/matching.md, "Blocking for sparse records").
  for (const o of r.onlineIds) {
    const p = handlePrefix.of(o);
    if (p >= 0) out.add(K_OP, p, 0);
    const s = handleSuffix.of(o);
    if (s >= 0) out.add(K_OS, s, 0);
  }
  // A record with a single name and no date of birth: one key, its name's code, which meets the
  // `fy` keys of that code (LONE_NAME_KEY); a record with a year is met through its `fy` keys.
  const lone = loneName(r);
  if (lone >= 0 && !dob) out.add(K_LY, lone, 0);
}

/** The phonetic code's token id of a record's one name (a single name, in either slot), else -1. */
function loneName(r: NormalisedRecord): number {
  if (r.names.length !== 1) return -1;
  const n = r.names[0];
  if (n === undefined) return -1;
  const g = (n.givenPhonetic[0] ?? '') !== '';
  const f = n.familyPhonetic !== '';
  if (g === f) return -1;
  return g ? n.givenPhoneticId : n.familyPhoneticId;
}

/** The text of key (type, a, b): `fy:SM0:1980`, `id:js:1980:3:17`, `ph:PE30 1AB:12a` … */
export function keyText(type: number, a: number, b: number): string {
  const t = KEY_TYPES[type] ?? '';
  switch (type) {
    case K_C:
    case K_N:
    case K_O:
    case K_OP:
    case K_OS:
      return `${t}:${tokenString(a)}`;
    case K_FY:
    case K_TD:
      return `${t}:${tokenString(a)}:${b}`;
    case K_LY:
      return `${t}:${tokenString(a)}`;
    case K_ID:
      return `${t}:${String.fromCharCode(a >>> 16, a & 0xffff)}:${Math.floor(b / 10000)}:${Math.floor(b / 100) % 100}:${b % 100}`;
    case K_DP:
    case K_DH:
    case K_DT:
      return `${t}:${a}:${tokenString(b)}`;
    default:
      return `${t}:${tokenString(a)}:${tokenString(b)}`;
  }
}

/** The record's blocking keys as text (what the force node stores; the batch uses the codes). */
export function blockingKeys(r: NormalisedRecord): string[] {
  const codes = new KeyCodes();
  blockingKeyCodes(r, codes);
  const out: string[] = [];
  for (let i = 0; i < codes.length; i++) {
    out.push(keyText(codes.type[i] ?? 0, codes.a[i] ?? 0, codes.b[i] ?? 0));
  }
  return out;
}
