import type { FieldName } from '../compare/fields';
import { phoneticCode } from '../normalise/name.normaliser';
import type { NormalisedRecord } from '../normalise/record.normaliser';

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
 * | family-name phonetic code + birth year | given-name errors, nicknames, day/month errors |
 * | phonetic code of either name + full date | errors in the other name, given/family swaps |
 * | initials (order-free) + date with day/month order-free | spelling errors in both names, swaps, transposed dates |
 * | both names' phonetic codes, order-free | missing or wrong DOB, given/family swaps |
 * | full date + house number, full date + town | errors in both names where an address is known |
 * | postcode + house number, street + house number, postcode + town | name and date errors, missing DOB |
 *
 * Every key combines at least two fields (or one near-unique identifier), so blocks stay small
 * at national scale; blocks that still grow past the cap are skipped (see DEFAULT_MAX_BLOCK_SIZE).
 *
 * Keys are plain strings with a type prefix; the batch and incremental indexes treat them alike.
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
};

/** The type of a key: its prefix (`fy` for `fy:SM0:1980`). */
export function keyType(key: string): string {
  const i = key.indexOf(':');
  return i < 0 ? key : key.slice(0, i);
}

export function blockingKeys(r: NormalisedRecord): string[] {
  const keys = new Set<string>();
  for (const id of r.custodyIds) if (id.valid) keys.add(`c:${id.scheme}:${id.value}`);
  for (const id of r.nationalIds) keys.add(`n:${id.scheme}:${id.value}`);
  for (const o of r.online) keys.add(`o:${o}`);
  const dob = r.dob;
  const fullDob = dob !== undefined && dob.month !== 0 && dob.day !== 0;
  const orderFreeDate = fullDob
    ? `${dob.year}:${Math.min(dob.month, dob.day)}:${Math.max(dob.month, dob.day)}`
    : undefined;
  for (const n of r.names) {
    const g = n.givenPhonetic[0] ?? '';
    const f = n.familyPhonetic;
    if (f !== '' && dob) keys.add(`fy:${f}:${dob.year}`);
    if (fullDob) {
      // One key per name token, whichever field it sits in: survives a swap or an error in the other.
      if (g !== '') keys.add(`td:${g}:${dob.digits}`);
      if (f !== '') keys.add(`td:${f}:${dob.digits}`);
    }
    const gi = n.given[0]?.[0] ?? '';
    const fi = n.family[0] ?? '';
    if (gi !== '' && fi !== '' && orderFreeDate !== undefined) {
      keys.add(`id:${gi < fi ? gi + fi : fi + gi}:${orderFreeDate}`);
    }
    if (g !== '' && f !== '') keys.add(`nn:${g < f ? `${g}:${f}` : `${f}:${g}`}`);
  }
  for (const a of r.addresses) {
    // Spaces are dropped from street and town: a space keyed in the wrong place is a common error.
    const street = a.street.replace(/ /g, '');
    const town = a.town === '' ? '' : phoneticCode(a.town.replace(/ /g, ''));
    if (a.postcode !== '' && a.houseNumber !== '') keys.add(`ph:${a.postcode}:${a.houseNumber}`);
    if (street !== '' && a.houseNumber !== '') keys.add(`sh:${street}:${a.houseNumber}`);
    if (a.postcode !== '' && town !== '') keys.add(`pt:${a.postcode}:${town}`);
    if (fullDob) {
      if (a.postcode !== '') keys.add(`dp:${dob.digits}:${a.postcode}`);
      if (a.houseNumber !== '') keys.add(`dh:${dob.digits}:${a.houseNumber}`);
      if (town !== '') keys.add(`dt:${dob.digits}:${town}`);
    }
  }
  return [...keys];
}
