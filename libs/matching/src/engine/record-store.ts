import type { NormalisedDate } from '../normalise/date.normaliser';
import type { NormalisedIdentifier } from '../normalise/identifier.normaliser';
import { nicknameGroups } from '../normalise/name.normaliser';
import {
  FL,
  FLAT_FIELDS,
  type NormalisedAddress,
  type NormalisedName,
  type NormalisedRecord,
} from '../normalise/record.normaliser';
import { tokenId, tokenString } from '../normalise/token-ids';
import { grownInt32, grownLength } from './array-growth';

/**
 * An incremental index's normalised records, packed: each record's flat row (FLAT_FIELDS
 * integers) in one shared Int32Array, and everything else it holds (names, date, identifiers,
 * online identifiers, addresses) encoded as integers — every text as its token id (token-ids.ts),
 * which gives back the same text — in a second one. Kept as objects, a record's names, addresses
 * and identifiers cost ~1.8 kB (issue #14); packed, ~200 bytes.
 *
 * `view(slot)` gives a NormalisedRecord over a slot: its flat row is read in place (the
 * comparator's fast path reads nothing else), and the other fields are decoded the first time
 * they are read, equal field by field to what the normaliser made. Slots are handed out by the
 * caller (the index's seq); space freed by `free` is reclaimed by compacting when it is more than
 * half of what is used.
 */
export class RecordStore {
  /** Flat rows, FLAT_FIELDS a slot. */
  rows = new Int32Array(1024 * FLAT_FIELDS);
  /** The rest, encoded; `at[slot]` is where a slot's encoding starts, `len[slot]` its length. */
  private data = new Int32Array(1 << 16);
  private used = 0;
  private dead = 0;
  private at = new Int32Array(1024);
  private len = new Int32Array(1024);
  private readonly scratch: number[] = [];

  /** Stores `r` in `slot` (a slot not in use). */
  put(slot: number, r: NormalisedRecord): void {
    this.ensureSlot(slot);
    this.rows.set(r.flat.subarray(r.flatAt, r.flatAt + FLAT_FIELDS), slot * FLAT_FIELDS);
    const e = this.scratch;
    e.length = 0;
    e.push(r.names.length);
    for (const n of r.names) {
      e.push(n.alias ? 1 : 0, n.familyId, n.givenPhoneticId, n.familyPhoneticId, n.given.length);
      for (let k = 0; k < n.given.length; k++)
        e.push(n.givenIds[k] ?? -1, tokenId(n.givenPhonetic[k] ?? ''));
      e.push(n.familyParts.length);
      for (const p of n.familyParts) e.push(tokenId(p));
    }
    const dob = r.dob;
    if (dob) e.push(1, dob.year, dob.month, dob.day);
    else e.push(0);
    for (const ids of [r.custodyIds, r.nationalIds]) {
      e.push(ids.length);
      for (const id of ids) e.push(tokenId(id.scheme), id.valid ? 1 : 0, id.id);
    }
    e.push(r.onlineIds.length, ...r.onlineIds);
    e.push(r.addresses.length);
    for (const a of r.addresses)
      e.push(
        a.houseNumberId,
        a.postcodeId,
        a.streetId,
        a.line2Id,
        a.townId,
        a.keyId,
        tokenId(a.postcodeSector),
        tokenId(a.region),
      );
    if (this.used + e.length > this.data.length) this.makeRoom(e.length);
    this.at[slot] = this.used;
    this.len[slot] = e.length;
    for (let i = 0; i < e.length; i++) this.data[this.used + i] = e[i] ?? 0;
    this.used += e.length;
  }

  /** Frees `slot`'s space (its view must no longer be read). */
  free(slot: number): void {
    this.dead += this.len[slot] ?? 0;
    this.len[slot] = 0;
  }

  /** The record in `slot`, as the normaliser made it (decoded as it is read). */
  view(slot: number): NormalisedRecord {
    return new StoredRecord(this, slot);
  }

  /** @internal Decodes a slot's record (StoredRecord calls it once, on first read). */
  decode(slot: number): DecodedRest {
    const d = this.data;
    let i = this.at[slot] ?? 0;
    const names: NormalisedName[] = [];
    for (let nn = d[i++] ?? 0; nn > 0; nn--) {
      const alias = d[i++] === 1;
      const familyId = d[i++] ?? -1;
      const givenPhoneticId = d[i++] ?? -1;
      const familyPhoneticId = d[i++] ?? -1;
      const given: string[] = [];
      const givenIds: number[] = [];
      const givenPhonetic: string[] = [];
      for (let k = d[i++] ?? 0; k > 0; k--) {
        const g = d[i++] ?? -1;
        givenIds.push(g);
        given.push(tokenString(g));
        givenPhonetic.push(tokenString(d[i++] ?? -1));
      }
      const familyParts: string[] = [];
      for (let k = d[i++] ?? 0; k > 0; k--) familyParts.push(tokenString(d[i++] ?? -1));
      names.push({
        given,
        givenIds,
        familyId,
        firstNicknameGroups: nicknameGroups(given[0] ?? ''),
        givenPhonetic,
        givenPhoneticId,
        familyPhoneticId,
        family: tokenString(familyId),
        familyParts,
        familyPhonetic: tokenString(familyPhoneticId),
        alias,
      });
    }
    let dob: NormalisedDate | undefined;
    if (d[i++] === 1) {
      const year = d[i++] ?? 0;
      const month = d[i++] ?? 0;
      const day = d[i++] ?? 0;
      dob = { year, month, day, digits: `${year}${pad2(month)}${pad2(day)}` };
    }
    const idLists: NormalisedIdentifier[][] = [];
    for (let list = 0; list < 2; list++) {
      const ids: NormalisedIdentifier[] = [];
      for (let k = d[i++] ?? 0; k > 0; k--) {
        const scheme = tokenString(d[i++] ?? -1);
        const valid = d[i++] === 1;
        const id = d[i++] ?? -1;
        // The id is the token of `scheme:value` (identifier.normaliser.ts).
        ids.push({ scheme, value: tokenString(id).slice(scheme.length + 1), valid, id });
      }
      idLists.push(ids);
    }
    const onlineIds: number[] = [];
    for (let k = d[i++] ?? 0; k > 0; k--) onlineIds.push(d[i++] ?? -1);
    const addresses: NormalisedAddress[] = [];
    for (let k = d[i++] ?? 0; k > 0; k--) {
      const houseNumberId = d[i++] ?? -1;
      const postcodeId = d[i++] ?? -1;
      const streetId = d[i++] ?? -1;
      const line2Id = d[i++] ?? -1;
      const townId = d[i++] ?? -1;
      const keyId = d[i++] ?? -1;
      addresses.push({
        houseNumber: tokenString(houseNumberId),
        street: tokenString(streetId),
        line2: tokenString(line2Id),
        town: tokenString(townId),
        postcode: tokenString(postcodeId),
        postcodeSector: tokenString(d[i++] ?? -1),
        region: tokenString(d[i++] ?? -1),
        key: tokenString(keyId),
        houseNumberId,
        postcodeId,
        streetId,
        line2Id,
        townId,
        keyId,
      });
    }
    return {
      names,
      dob,
      custodyIds: idLists[0] ?? [],
      nationalIds: idLists[1] ?? [],
      online: onlineIds.map(tokenString),
      onlineIds,
      addresses,
    };
  }

  /**
   * What a snapshot keeps of slots [0, slots): views over the store's own arrays (not copies:
   * write them before the store changes). The encoding is kept as it is, freed space included.
   */
  state(slots: number): RecordStoreState {
    return {
      rows: this.rows.subarray(0, slots * FLAT_FIELDS),
      at: this.at.subarray(0, slots),
      len: this.len.subarray(0, slots),
      data: this.data.subarray(0, this.used),
      dead: this.dead,
    };
  }

  /** A store holding what `state` gave, taking its arrays over (they must not be shared). */
  static fromState(s: RecordStoreState): RecordStore {
    const slots = s.at.length;
    if (s.len.length !== slots || s.rows.length !== slots * FLAT_FIELDS)
      throw new Error('RecordStore.fromState: rows, at and len disagree on the number of slots');
    const store = new RecordStore();
    store.rows = s.rows;
    store.at = s.at;
    store.len = s.len;
    store.data = s.data;
    store.used = s.data.length;
    store.dead = s.dead;
    for (let slot = 0; slot < slots; slot++) {
      const from = s.at[slot] ?? 0;
      if ((s.len[slot] ?? 0) > 0 && (from < 0 || from + (s.len[slot] ?? 0) > store.used))
        throw new Error(`RecordStore.fromState: slot ${slot} lies outside the data`);
    }
    return store;
  }

  /**
   * Replaces every token id the store holds by `map[id]` (for records written by a process whose
   * token table numbered the same texts otherwise: token-ids.ts). Walks each live slot's
   * encoding as `put` lays it out.
   */
  remapTokens(map: Int32Array): void {
    const m = (id: number): number => (id < 0 ? id : (map[id] ?? -1));
    const rows = this.rows;
    for (let at = 0; at < this.at.length * FLAT_FIELDS; at += FLAT_FIELDS)
      for (const f of TOKEN_FIELDS) rows[at + f] = m(rows[at + f] ?? -1);
    const d = this.data;
    const tok = (i: number): void => void (d[i] = m(d[i] ?? -1));
    for (let slot = 0; slot < this.at.length; slot++) {
      if ((this.len[slot] ?? 0) === 0) continue;
      let i = this.at[slot] ?? 0;
      for (let nn = d[i++] ?? 0; nn > 0; nn--) {
        i++; // alias
        tok(i++); // familyId
        tok(i++); // givenPhoneticId
        tok(i++); // familyPhoneticId
        for (let k = d[i++] ?? 0; k > 0; k--) {
          tok(i++); // given id
          tok(i++); // given phonetic
        }
        for (let k = d[i++] ?? 0; k > 0; k--) tok(i++); // family parts
      }
      if (d[i++] === 1) i += 3; // dob
      for (let list = 0; list < 2; list++)
        for (let k = d[i++] ?? 0; k > 0; k--) {
          tok(i++); // scheme
          i++; // valid
          tok(i++); // id
        }
      for (let k = d[i++] ?? 0; k > 0; k--) tok(i++); // online ids
      for (let k = d[i++] ?? 0; k > 0; k--) for (let f = 0; f < 8; f++) tok(i++); // address
    }
  }

  private ensureSlot(slot: number): void {
    if (slot < this.at.length) return;
    const n = grownLength(this.at.length, slot + 1);
    this.at = grown(this.at, n);
    this.len = grown(this.len, n);
    this.rows = grown(this.rows, n * FLAT_FIELDS);
  }

  /** Compacts when more than half the used space is freed, else grows. */
  private makeRoom(need: number): void {
    if (this.dead * 2 > this.used) {
      const out = new Int32Array(Math.max(this.data.length, (this.used - this.dead + need) * 2));
      let w = 0;
      for (let s = 0; s < this.at.length; s++) {
        const l = this.len[s] ?? 0;
        if (l === 0) continue;
        const from = this.at[s] ?? 0;
        out.set(this.data.subarray(from, from + l), w);
        this.at[s] = w;
        w += l;
      }
      this.data = out;
      this.used = w;
      this.dead = 0;
      if (this.used + need <= this.data.length) return;
    }
    this.data = grownInt32(this.data, this.used + need);
  }
}

/** A store's arrays as a snapshot keeps them (`RecordStore.state`). */
export interface RecordStoreState {
  rows: Int32Array<ArrayBuffer>;
  at: Int32Array<ArrayBuffer>;
  len: Int32Array<ArrayBuffer>;
  data: Int32Array<ArrayBuffer>;
  dead: number;
}

/** The offsets in a flat row that hold token ids (the others: codes, dates, char codes). */
const TOKEN_FIELDS: readonly number[] = [
  FL.gId,
  FL.g2Id,
  FL.gPh,
  FL.fId,
  FL.fPh,
  FL.cuId,
  FL.cuScheme,
  FL.naId,
  FL.naScheme,
  FL.on0,
  FL.on1,
  FL.on2,
  FL.pcId,
  FL.secId,
  FL.hnId,
  FL.stId,
  FL.twId,
  FL.l2Id,
  FL.rgId,
  FL.adId,
];

/** What a stored record decodes to besides its flat row. */
type DecodedRest = Pick<
  NormalisedRecord,
  'names' | 'dob' | 'custodyIds' | 'nationalIds' | 'online' | 'onlineIds' | 'addresses'
>;

const SEXES = ['', 'M', 'F'] as const;

/** A stored record, read through: the flat row in place, the rest decoded when first read. */
class StoredRecord implements NormalisedRecord {
  private rest: DecodedRest | undefined;
  readonly flatAt: number;

  constructor(
    private readonly store: RecordStore,
    private readonly slot: number,
  ) {
    this.flatAt = slot * FLAT_FIELDS;
  }

  get flat(): Int32Array {
    return this.store.rows;
  }
  get simple(): boolean {
    return this.store.rows[this.flatAt + FL.simple] === 3;
  }
  get sex(): string {
    return SEXES[this.store.rows[this.flatAt + FL.sexCode] ?? 0] ?? '';
  }
  private get decoded(): DecodedRest {
    return (this.rest ??= this.store.decode(this.slot));
  }
  get names(): NormalisedName[] {
    return this.decoded.names;
  }
  get dob(): NormalisedDate | undefined {
    return this.decoded.dob;
  }
  get custodyIds(): NormalisedIdentifier[] {
    return this.decoded.custodyIds;
  }
  get nationalIds(): NormalisedIdentifier[] {
    return this.decoded.nationalIds;
  }
  get online(): string[] {
    return this.decoded.online;
  }
  get onlineIds(): number[] {
    return this.decoded.onlineIds;
  }
  get addresses(): NormalisedAddress[] {
    return this.decoded.addresses;
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function grown(x: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(n);
  out.set(x);
  return out;
}
