import { compareDates, nearDates, type DateLevel } from '../normalise/date.normaliser';
import type { NormalisedIdentifier } from '../normalise/identifier.normaliser';
import {
  FL,
  FLAT_FIELDS,
  SIMPLE_NAMES,
  SIMPLE_REST,
  type NormalisedAddress,
  type NormalisedName,
  type NormalisedRecord,
} from '../normalise/record.normaliser';
import { F, FIELD_COUNT, LEVEL_COUNTS, NULL_LEVEL } from './fields';
import { handleDigits, handleSkeleton } from '../normalise/handle-skeleton';
import { derivedTokens, tokenString, type DerivedTokens } from '../normalise/token-ids';
import { mayBeOneEdit } from '../normalise/token-shapes';
import { isOneEdit, JaroWinklerMemo } from './string-similarity';

/** The comparison vector of one pair: a level per field, and the value behind each exact level. */
export interface Comparison {
  /** Level index per field (see FIELDS), or NULL_LEVEL. */
  levels: Int8Array;
  /** For term-frequency adjusted fields at their top level: the agreed value's token id, or -1. */
  tfValues: Int32Array;
  /**
   * The population count of each tfValues entry when the comparison already knows it (a batch's
   * rows carry it), else -1 and the scorer looks it up.
   */
  tfCounts: Int32Array;
  /** The names agreed best with given and family names swapped on one side. */
  swapped: boolean;
  /**
   * The family level is a lone name agreeing with the other record's name in the other slot
   * (`oneNameCrossSlot`): its tfValues entry is that name, and its frequency is the name's in
   * either slot (the given and family tables together; tfCounts holds their sum when known).
   */
  crossSlot: boolean;
}

export function newComparison(): Comparison {
  return {
    levels: new Int8Array(FIELD_COUNT).fill(NULL_LEVEL),
    tfValues: new Int32Array(FIELD_COUNT).fill(-1),
    tfCounts: new Int32Array(FIELD_COUNT).fill(-1),
    swapped: false,
    crossSlot: false,
  };
}

const DATE_LEVELS: Readonly<Record<DateLevel, number>> = {
  exact: 0,
  transposed: 1,
  'one-digit': 2,
  'year-month': 3,
  year: 4,
  near: 5,
  different: 6,
};

/**
 * A batch table's row: a record's flat fields (FL), then the population count of each of its
 * term-frequency values (the batch's frequencies are fixed while it scores).
 */
export const TF_COUNT = {
  given: FLAT_FIELDS,
  family: FLAT_FIELDS + 1,
  custodyId: FLAT_FIELDS + 2,
  nationalId: FLAT_FIELDS + 3,
  /** on0, on1, on2 in turn. */
  on0: FLAT_FIELDS + 4,
  address: FLAT_FIELDS + 7,
  /** The address's town, in the town table (TOWN_TF). */
  town: FLAT_FIELDS + 8,
} as const;
/**
 * A batch table's row, after the counts: the derived tokens of its identifiers (compact form)
 * and handles (skeleton, digits) as scoring first works them out (-2 until then), so that the
 * record's later pairs read them from its row instead of a look-up by token id each (a cache
 * miss each at national scale). Nothing is derived that scoring does not ask for.
 */
export const ROW_DERIVED = {
  custodyCompact: FLAT_FIELDS + 9,
  nationalCompact: FLAT_FIELDS + 10,
  /** on0, on1, on2's skeletons (handleSkeleton) in turn. */
  skeleton0: FLAT_FIELDS + 11,
  /** on0, on1, on2's digits (handleDigits) in turn. */
  digits0: FLAT_FIELDS + 14,
} as const;
export const ROW_STRIDE = FLAT_FIELDS + 17;

// Given-name levels (FIELDS[given]).
const G_EXACT = 0;
const G_NICK = 1;
const G_JW92 = 2;
const G_PHON = 3;
const G_JW80 = 4;
const G_INITIAL = 5;
const G_DIFF = 6;
// Family-name levels (FIELDS[family]).
const S_EXACT = 0;
const S_PART = 1;
const S_JW92 = 2;
const S_PHON = 3;
const S_JW80 = 4;
const S_DIFF = 5;

/**
 * Computes comparison vectors. Stateless apart from the Jaro-Winkler memo, so one comparator can
 * serve a whole index; `compare` is symmetric by construction (every test is symmetric, and ties
 * between alternative name pairings are broken by level, not by side).
 */
export class RecordComparator {
  readonly jw: JaroWinklerMemo;

  /** The flat fast path (on by default); off only to test that both paths agree. */
  fastPath = true;

  /** a's token in the cross pair `oneNameCrossSlot` compared last. */
  private crossToken = -1;

  constructor(jw?: JaroWinklerMemo) {
    this.jw = jw ?? new JaroWinklerMemo();
  }

  /**
   * The same comparison as the general path for everything but the names, reading only the
   * records' flat rows: record a's at `ra[oa ..]`, b's at `rb[ob ..]` (offsets FL,
   * record.normaliser.ts), for two records with SIMPLE_REST; `flatNames` does the names of two
   * with SIMPLE_NAMES. Kept level for level identical to the general path; unit tests check the
   * two agree. With `counted`, the rows are
   * a batch table's (ROW_STRIDE wide) and carry each term-frequency value's count, which goes
   * into `out.tfCounts` so that scoring looks nothing up.
   */
  private compareFlatRest(
    ra: Int32Array,
    oa: number,
    rb: Int32Array,
    ob: number,
    out: Comparison,
    counted: boolean,
  ): void {
    const { levels, tfValues, tfCounts } = out;
    const jw = this.jw;
    // Date of birth.
    const aKnown = ra[oa + FL.dobKnown] ?? 0;
    const bKnown = rb[ob + FL.dobKnown] ?? 0;
    if (aKnown > 0 && bKnown > 0)
      levels[F.dob] = flatDateLevel(
        ra[oa + FL.dobInt] ?? -1,
        aKnown,
        rb[ob + FL.dobInt] ?? -1,
        bKnown,
      );
    // Identifiers.
    const aCu = ra[oa + FL.cuId] ?? -1;
    const bCu = rb[ob + FL.cuId] ?? -1;
    if (aCu >= 0 && bCu >= 0 && ra[oa + FL.cuScheme] === rb[ob + FL.cuScheme]) {
      if (aCu === bCu) {
        levels[F.custodyId] = 0;
        tfValues[F.custodyId] = aCu;
        if (counted) tfCounts[F.custodyId] = ra[oa + TF_COUNT.custodyId] ?? -1;
      } else {
        const near = counted
          ? oneEditInRows(ra, oa, rb, ob, ROW_DERIVED.custodyCompact, aCu, bCu)
          : oneEditIds(aCu, bCu);
        levels[F.custodyId] = near ? 1 : 2;
      }
    }
    const aNa = ra[oa + FL.naId] ?? -1;
    const bNa = rb[ob + FL.naId] ?? -1;
    if (aNa >= 0 && bNa >= 0 && ra[oa + FL.naScheme] === rb[ob + FL.naScheme]) {
      if (aNa === bNa) {
        levels[F.nationalId] = 0;
        tfValues[F.nationalId] = aNa;
        if (counted) tfCounts[F.nationalId] = ra[oa + TF_COUNT.nationalId] ?? -1;
      } else {
        const near = counted
          ? oneEditInRows(ra, oa, rb, ob, ROW_DERIVED.nationalCompact, aNa, bNa)
          : oneEditIds(aNa, bNa);
        levels[F.nationalId] = near ? 1 : 2;
      }
    }
    if ((ra[oa + FL.on0] ?? -1) >= 0 && (rb[ob + FL.on0] ?? -1) >= 0) {
      // Of several shared identifiers the lowest id stands for the agreement (as compareOnline).
      let shared = -1;
      let count = -1;
      for (let k = 0; k < 3; k++) {
        const x = ra[oa + FL.on0 + k] ?? -1;
        if (
          x >= 0 &&
          (x === rb[ob + FL.on0] || x === rb[ob + FL.on1] || x === rb[ob + FL.on2]) &&
          (shared < 0 || x < shared)
        ) {
          shared = x;
          count = counted ? (ra[oa + TF_COUNT.on0 + k] ?? -1) : -1;
        }
      }
      const similar =
        shared < 0 &&
        (counted
          ? similarHandlesInRows(ra, oa, rb, ob)
          : similarHandles(
              ra[oa + FL.on0] ?? -1,
              ra[oa + FL.on1] ?? -1,
              ra[oa + FL.on2] ?? -1,
              rb[ob + FL.on0] ?? -1,
              rb[ob + FL.on1] ?? -1,
              rb[ob + FL.on2] ?? -1,
            ));
      levels[F.online] = shared >= 0 ? O_SHARED : similar ? O_SIMILAR : O_DIFF;
      tfValues[F.online] = shared;
      if (shared >= 0) tfCounts[F.online] = count;
    }
    // Address: how the parts present on both sides agree.
    const aAd = ra[oa + FL.adId] ?? -1;
    const bAd = rb[ob + FL.adId] ?? -1;
    if (aAd >= 0 && bAd >= 0) {
      let agree = 0;
      let disagree = 0;
      const aHn = ra[oa + FL.hnId] ?? -1;
      const bHn = rb[ob + FL.hnId] ?? -1;
      if (aHn >= 0 && bHn >= 0) {
        if (aHn === bHn) agree++;
        else disagree++;
      }
      const st = flatTextPart(jw, ra[oa + FL.stId] ?? -1, rb[ob + FL.stId] ?? -1);
      const l2 = flatTextPart(jw, ra[oa + FL.l2Id] ?? -1, rb[ob + FL.l2Id] ?? -1);
      const tw = flatTextPart(jw, ra[oa + FL.twId] ?? -1, rb[ob + FL.twId] ?? -1);
      agree += Number(st === 0) + Number(l2 === 0) + Number(tw === 0);
      disagree += Number(st === 1) + Number(l2 === 1) + Number(tw === 1);
      const aPc = ra[oa + FL.pcId] ?? -1;
      const bPc = rb[ob + FL.pcId] ?? -1;
      if (aPc >= 0 && bPc >= 0) {
        const aSec = ra[oa + FL.secId] ?? -1;
        const near =
          aPc === bPc ||
          (aSec >= 0 && aSec === rb[ob + FL.secId]) ||
          (aSec < 0 && oneEditTokens(aPc, bPc));
        if (near) agree++;
        else disagree++;
      }
      if (agree + disagree > 0) {
        const level = addressLevel(agree, disagree, tw === 0);
        levels[F.address] = level;
        if (level === 0 && aAd === bAd) {
          tfValues[F.address] = aAd;
          if (counted) tfCounts[F.address] = ra[oa + TF_COUNT.address] ?? -1;
        } else if (level === A_TOWN) {
          const aTw = ra[oa + FL.twId] ?? -1;
          if (aTw >= 0 && aTw === rb[ob + FL.twId]) {
            tfValues[F.address] = aTw;
            if (counted) tfCounts[F.address] = ra[oa + TF_COUNT.town] ?? -1;
          }
        }
      }
      const aRg = ra[oa + FL.rgId] ?? -1;
      const bRg = rb[ob + FL.rgId] ?? -1;
      if (aRg >= 0 && bRg >= 0) levels[F.region] = aRg === bRg ? 0 : 1;
    }
    const aSex = ra[oa + FL.sexCode] ?? 0;
    const bSex = rb[ob + FL.sexCode] ?? 0;
    if (aSex !== 0 && bSex !== 0) levels[F.sex] = aSex === bSex ? 0 : 1;
  }

  /**
   * `compare` for records i and j of a batch: `rows` is the batch's table (ROW_STRIDE per record,
   * see `batchRows`), `a` and `b` are the records themselves (read only off the fast path).
   */
  compareRows(
    rows: Int32Array,
    i: number,
    j: number,
    a: NormalisedRecord,
    b: NormalisedRecord,
    out: Comparison,
  ): Comparison {
    const oa = i * ROW_STRIDE;
    const ob = j * ROW_STRIDE;
    const both = (rows[oa + FL.simple] ?? 0) & (rows[ob + FL.simple] ?? 0);
    if ((both & SIMPLE_REST) === 0 || !this.fastPath) return this.compare(a, b, out);
    reset(out);
    if ((both & SIMPLE_NAMES) !== 0) flatNames(this.jw, out, true, rows, oa, rows, ob);
    else this.compareNames(a.names, b.names, out);
    this.compareFlatRest(rows, oa, rows, ob, out, true);
    return out;
  }

  compare(a: NormalisedRecord, b: NormalisedRecord, out: Comparison = newComparison()): Comparison {
    const { levels } = out;
    reset(out);
    const both = (a.flat[a.flatAt + FL.simple] ?? 0) & (b.flat[b.flatAt + FL.simple] ?? 0);
    if ((both & SIMPLE_REST) !== 0 && this.fastPath) {
      // Several names (aliases) but one address and few identifiers — most non-simple records:
      // only the names take the general path.
      if ((both & SIMPLE_NAMES) !== 0)
        flatNames(this.jw, out, false, a.flat, a.flatAt, b.flat, b.flatAt);
      else this.compareNames(a.names, b.names, out);
      this.compareFlatRest(a.flat, a.flatAt, b.flat, b.flatAt, out, false);
      return out;
    }
    this.compareNames(a.names, b.names, out);
    if (a.dob && b.dob) levels[F.dob] = DATE_LEVELS[compareDates(a.dob, b.dob)];
    compareIdentifiers(a.custodyIds, b.custodyIds, F.custodyId, out);
    compareIdentifiers(a.nationalIds, b.nationalIds, F.nationalId, out);
    this.compareOnline(a.onlineIds, b.onlineIds, out);
    if (a.addresses.length > 0 && b.addresses.length > 0)
      this.compareAddresses(a.addresses, b.addresses, out);
    if (a.sex !== '' && b.sex !== '') levels[F.sex] = a.sex === b.sex ? 0 : 1;
    return out;
  }

  /**
   * Best agreement over every pairing of the two records' names (birth names and aliases) in
   * both orientations — given/family as recorded, and swapped on one side, a common keying error.
   * "Best" is the lowest sum of the two fields' relative level ranks, a fixed order that needs no
   * learned weights (so training and scoring pick the same pairing).
   */
  private compareNames(as: NormalisedName[], bs: NormalisedName[], out: Comparison): void {
    let best = Infinity;
    let bestG = NULL_LEVEL;
    let bestS = NULL_LEVEL;
    let bestGv = -1;
    let bestSv = -1;
    let bestSwapped = false;
    let bestCross = false;
    for (const na of as) {
      for (const nb of bs) {
        const g = this.givenLevel(na, nb);
        const s = this.familyLevel(na, nb);
        const rank = rankOf(g, F.given) + rankOf(s, F.family);
        const gv = g === G_EXACT ? (na.givenIds[0] ?? -1) : -1;
        const sv = s === S_EXACT ? na.familyId : -1;
        const tie = Math.abs(rank - best) < 1e-9 && g === bestG && s === bestS;
        // On a full tie the lower token ids win, so both argument orders pick the same pairing.
        if (
          better(rank, g, s, best, bestG, bestS) ||
          (tie && (gv < bestGv || (gv === bestGv && sv < bestSv)))
        ) {
          best = rank;
          bestG = g;
          bestS = s;
          bestGv = gv;
          bestSv = sv;
          bestSwapped = false;
          bestCross = false;
        }
        // Swapped: a's first given against b's family, and a's family against b's first given.
        // The better of the two agreements is scored as the family level and the worse as the
        // given level, which keeps compare(a, b) and compare(b, a) identical. Swapped agreement
        // is not term-frequency adjusted: the value sits in the other field's frequency table.
        const nbFirst = nb.given[0];
        const naFirst = na.given[0];
        if (best > 0) {
          const one = this.oneNameCrossSlot(na, nb, best);
          if (one !== NULL_LEVEL) {
            best = rankOf(NULL_LEVEL, F.given) + rankOf(one, F.family);
            bestG = NULL_LEVEL;
            bestS = one;
            bestGv = -1;
            // Exact: the name both hold (the cross pair's token on a's side).
            bestSv = one === S_EXACT ? this.crossToken : -1;
            bestSwapped = true;
            bestCross = true;
          }
        }
        if (
          nbFirst !== undefined &&
          naFirst !== undefined &&
          na.family !== '' &&
          nb.family !== '' &&
          best > 0 &&
          mayAgree(naFirst, na.givenPhonetic[0] ?? '', nb.family, nb.familyPhonetic) &&
          mayAgree(na.family, na.familyPhonetic, nbFirst, nb.givenPhonetic[0] ?? '')
        ) {
          const x = this.tokenLevel(
            na.givenIds[0] ?? -1,
            na.givenPhonetic[0] ?? '',
            nb.familyId,
            nb.familyPhonetic,
          );
          const y = this.tokenLevel(
            na.familyId,
            na.familyPhonetic,
            nb.givenIds[0] ?? -1,
            nb.givenPhonetic[0] ?? '',
          );
          const gs = swappedGivenLevel(Math.max(x, y));
          const ss = swappedFamilyLevel(Math.min(x, y));
          const rank2 = rankOf(gs, F.given) + rankOf(ss, F.family);
          // Only a strict improvement counts as a swap, so ties stay unswapped.
          if (rank2 < best - 1e-9) {
            best = rank2;
            bestG = gs;
            bestS = ss;
            bestGv = -1;
            bestSv = -1;
            bestSwapped = true;
            bestCross = false;
          }
        }
      }
    }
    out.levels[F.given] = bestG;
    out.levels[F.family] = bestS;
    out.tfValues[F.given] = bestGv;
    out.tfValues[F.family] = bestSv;
    out.swapped = bestSwapped;
    out.crossSlot = bestCross;
  }

  /**
   * One name missing on a side, and the remaining name perhaps in the other slot ("—, Thomas"
   * against "Thomas, Gabriel"): the one cross pair both sides hold (a's first given against b's
   * family, or a's family against b's first given) as a swapped family level, when that beats
   * `best`; else NULL_LEVEL. Scored as the family level whichever pair it is, so compare(a, b)
   * and compare(b, a) agree; the given level is then null (not TF adjusted, as any swap).
   */
  private oneNameCrossSlot(na: NormalisedName, nb: NormalisedName, best: number): number {
    const aFirst = na.given[0];
    const bFirst = nb.given[0];
    let level: number;
    if (aFirst !== undefined && nb.family !== '' && (na.family === '' || bFirst === undefined)) {
      if (!mayAgree(aFirst, na.givenPhonetic[0] ?? '', nb.family, nb.familyPhonetic))
        return NULL_LEVEL;
      this.crossToken = na.givenIds[0] ?? -1;
      level = this.tokenLevel(
        na.givenIds[0] ?? -1,
        na.givenPhonetic[0] ?? '',
        nb.familyId,
        nb.familyPhonetic,
      );
    } else if (
      bFirst !== undefined &&
      na.family !== '' &&
      (nb.family === '' || aFirst === undefined)
    ) {
      if (!mayAgree(na.family, na.familyPhonetic, bFirst, nb.givenPhonetic[0] ?? ''))
        return NULL_LEVEL;
      this.crossToken = na.familyId;
      level = this.tokenLevel(
        na.familyId,
        na.familyPhonetic,
        nb.givenIds[0] ?? -1,
        nb.givenPhonetic[0] ?? '',
      );
    } else return NULL_LEVEL;
    const s = swappedFamilyLevel(level);
    return rankOf(NULL_LEVEL, F.given) + rankOf(s, F.family) < best - 1e-9 ? s : NULL_LEVEL;
  }

  private givenLevel(na: NormalisedName, nb: NormalisedName): number {
    const ga = na.given;
    const gb = nb.given;
    const a0 = ga[0];
    const b0 = gb[0];
    if (a0 === undefined || b0 === undefined) return NULL_LEVEL;
    if (a0 === b0) return G_EXACT;
    // An initial only: agreement on it is weak but real evidence.
    if (a0.length === 1 || b0.length === 1) return a0[0] === b0[0] ? G_INITIAL : G_DIFF;
    if (sharesGroup(na.firstNicknameGroups, nb.firstNicknameGroups)) return G_NICK;
    // Known by a middle name: the first given name of one is a later given name of the other.
    if (ga.includes(b0) || gb.includes(a0)) return G_NICK;
    const s = this.jw.similarityIds(na.givenIds[0] ?? -1, nb.givenIds[0] ?? -1, 0.8);
    if (s >= 0.92) return G_JW92;
    const pa0 = na.givenPhonetic[0] ?? '';
    if (pa0 !== '' && pa0 === nb.givenPhonetic[0]) return G_PHON;
    if (s >= 0.8) return G_JW80;
    return G_DIFF;
  }

  private familyLevel(a: NormalisedName, b: NormalisedName): number {
    if (a.family === '' || b.family === '') return NULL_LEVEL;
    if (a.family === b.family) return S_EXACT;
    // Double-barrelled or hyphenated on one side only ("smith-jones" vs "jones").
    if (a.familyParts.length > 1 || b.familyParts.length > 1) {
      for (const p of a.familyParts) if (b.familyParts.includes(p)) return S_PART;
    }
    const s = this.jw.similarityIds(a.familyId, b.familyId, 0.8);
    if (s >= 0.92) return S_JW92;
    if (a.familyPhonetic !== '' && a.familyPhonetic === b.familyPhonetic) return S_PHON;
    if (s >= 0.8) return S_JW80;
    return S_DIFF;
  }

  /** Generic token agreement for the swapped orientation: 0 exact, 1 close, 2 phonetic, 3 else. */
  private tokenLevel(a: number, pa: string, b: number, pb: string): number {
    if (a === b) return 0;
    const s = this.jw.similarityIds(a, b, 0.92);
    if (s >= 0.92) return 1;
    if (pa !== '' && pa === pb) return 2;
    return 3;
  }

  private compareOnline(a: number[], b: number[], out: Comparison): void {
    if (a.length === 0 || b.length === 0) return;
    // Of several shared identifiers the one with the lowest id stands for the agreement, so
    // compare(a, b) and compare(b, a) pick the same one.
    let shared = -1;
    for (const x of a) if (b.includes(x) && (shared < 0 || x < shared)) shared = x;
    let similar = false;
    if (shared < 0) {
      for (const x of a) for (const y of b) similar ||= similarHandle(x, y);
    }
    out.levels[F.online] = shared >= 0 ? O_SHARED : similar ? O_SIMILAR : O_DIFF;
    out.tfValues[F.online] = shared;
  }

  private compareAddresses(
    as: NormalisedAddress[],
    bs: NormalisedAddress[],
    out: Comparison,
  ): void {
    // With several addresses each, the pairing that agrees on the most parts is the evidence.
    let bestA = as[0] as NormalisedAddress;
    let bestB = bs[0] as NormalisedAddress;
    if (as.length > 1 || bs.length > 1) {
      let best = -1;
      for (const x of as) {
        for (const y of bs) {
          const agree =
            Number(x.postcode !== '' && x.postcode === y.postcode) +
            Number(x.street !== '' && x.street === y.street) +
            Number(x.houseNumber !== '' && x.houseNumber === y.houseNumber) +
            Number(x.town !== '' && x.town === y.town);
          if (agree > best) {
            best = agree;
            bestA = x;
            bestB = y;
          }
        }
      }
    }
    let agree = 0;
    let disagree = 0;
    const part = (level: number): void => {
      if (level === 0) agree++;
      else if (level === 1) disagree++;
    };
    part(exactPart(bestA.houseNumber, bestB.houseNumber));
    part(flatTextPart(this.jw, bestA.streetId, bestB.streetId));
    part(flatTextPart(this.jw, bestA.line2Id, bestB.line2Id));
    const town = flatTextPart(this.jw, bestA.townId, bestB.townId);
    part(town);
    if (bestA.postcode !== '' && bestB.postcode !== '') {
      const near =
        bestA.postcode === bestB.postcode ||
        (bestA.postcodeSector !== '' && bestA.postcodeSector === bestB.postcodeSector) ||
        (bestA.postcodeSector === '' && isOneEdit(bestA.postcode, bestB.postcode));
      part(near ? 0 : 1);
    }
    if (agree + disagree > 0) {
      const level = addressLevel(agree, disagree, town === 0);
      out.levels[F.address] = level;
      // TF only when the addresses are identical: a fuzzy "same" has no single value to look up.
      if (level === 0) {
        if (bestA.keyId === bestB.keyId) out.tfValues[F.address] = bestA.keyId;
      } else if (level === A_TOWN && bestA.townId >= 0 && bestA.townId === bestB.townId) {
        // The town level's value is the town (TOWN_TF): a big town is shared by many people.
        out.tfValues[F.address] = bestA.townId;
      }
    }
    if (bestA.region !== '' && bestB.region !== '')
      out.levels[F.region] = bestA.region === bestB.region ? 0 : 1;
  }
}

/** The names of two SIMPLE_NAMES records from their flat rows (see compareFlatRest). */
function flatNames(
  jw: JaroWinklerMemo,
  out: Comparison,
  counted: boolean,
  ra: Int32Array,
  oa: number,
  rb: Int32Array,
  ob: number,
): void {
  const { levels, tfValues, tfCounts } = out;
  // Names: one name each, straight or swapped.
  const agId = ra[oa + FL.gId] ?? -1;
  const bgId = rb[ob + FL.gId] ?? -1;
  const afId = ra[oa + FL.fId] ?? -1;
  const bfId = rb[ob + FL.fId] ?? -1;
  const agPh = ra[oa + FL.gPh] ?? -1;
  const bgPh = rb[ob + FL.gPh] ?? -1;
  const afPh = ra[oa + FL.fPh] ?? -1;
  const bfPh = rb[ob + FL.fPh] ?? -1;
  let g = NULL_LEVEL;
  if (agId >= 0 && bgId >= 0) {
    if (agId === bgId) g = G_EXACT;
    else if (ra[oa + FL.gInitial] === 1 || rb[ob + FL.gInitial] === 1)
      g = ra[oa + FL.gChar] === rb[ob + FL.gChar] ? G_INITIAL : G_DIFF;
    else if (
      (ra[oa + FL.gNick1] ?? -1) >= 0 &&
      (rb[ob + FL.gNick1] ?? -1) >= 0 &&
      flatSharesGroup(ra, oa, rb, ob)
    )
      g = G_NICK;
    else if (
      ((ra[oa + FL.g2Id] ?? -1) >= 0 && ra[oa + FL.g2Id] === bgId) ||
      ((rb[ob + FL.g2Id] ?? -1) >= 0 && rb[ob + FL.g2Id] === agId)
    )
      g = G_NICK;
    else {
      const sim = jw.similarityIds(agId, bgId, 0.8);
      g = sim >= 0.92 ? G_JW92 : agPh >= 0 && agPh === bgPh ? G_PHON : sim >= 0.8 ? G_JW80 : G_DIFF;
    }
  }
  let f = NULL_LEVEL;
  if (afId >= 0 && bfId >= 0) {
    if (afId === bfId) f = S_EXACT;
    else {
      const sim = jw.similarityIds(afId, bfId, 0.8);
      f = sim >= 0.92 ? S_JW92 : afPh >= 0 && afPh === bfPh ? S_PHON : sim >= 0.8 ? S_JW80 : S_DIFF;
    }
  }
  let gv = g === G_EXACT ? agId : -1;
  let fv = f === S_EXACT ? afId : -1;
  const rank = rankOf(g, F.given) + rankOf(f, F.family);
  if (
    rank > 0 &&
    agId >= 0 &&
    bgId >= 0 &&
    afId >= 0 &&
    bfId >= 0 &&
    (ra[oa + FL.gChar] === rb[ob + FL.fChar] || (agPh >= 0 && agPh === bfPh)) &&
    (ra[oa + FL.fChar] === rb[ob + FL.gChar] || (afPh >= 0 && afPh === bgPh))
  ) {
    const x = flatTokenLevel(jw, agId, agPh, bfId, bfPh);
    const y = flatTokenLevel(jw, afId, afPh, bgId, bgPh);
    const gs = swappedGivenLevel(Math.max(x, y));
    const ss = swappedFamilyLevel(Math.min(x, y));
    if (rankOf(gs, F.given) + rankOf(ss, F.family) < rank - 1e-9) {
      g = gs;
      f = ss;
      gv = -1;
      fv = -1;
      out.swapped = true;
    }
  } else if (rank > 0 && (agId < 0 || bgId < 0 || afId < 0 || bfId < 0)) {
    // One name missing on a side (RecordComparator.oneNameCrossSlot): the one cross pair held.
    let t = 3;
    let cv = -1;
    let cn = -1;
    if (agId >= 0 && bfId >= 0) {
      if (ra[oa + FL.gChar] === rb[ob + FL.fChar] || (agPh >= 0 && agPh === bfPh))
        t = flatTokenLevel(jw, agId, agPh, bfId, bfPh);
      cv = agId;
      if (counted) cn = (ra[oa + TF_COUNT.given] ?? 0) + (rb[ob + TF_COUNT.family] ?? 0);
    } else if (afId >= 0 && bgId >= 0) {
      if (ra[oa + FL.fChar] === rb[ob + FL.gChar] || (afPh >= 0 && afPh === bgPh))
        t = flatTokenLevel(jw, afId, afPh, bgId, bgPh);
      cv = afId;
      if (counted) cn = (ra[oa + TF_COUNT.family] ?? 0) + (rb[ob + TF_COUNT.given] ?? 0);
    }
    const ss = swappedFamilyLevel(t);
    if (t < 3 && rankOf(NULL_LEVEL, F.given) + rankOf(ss, F.family) < rank - 1e-9) {
      g = NULL_LEVEL;
      f = ss;
      gv = -1;
      fv = -1;
      out.swapped = true;
      if (t === 0) {
        out.crossSlot = true;
        tfValues[F.family] = cv;
        tfCounts[F.family] = cn;
        levels[F.given] = g;
        levels[F.family] = f;
        tfValues[F.given] = -1;
        return;
      }
    }
  }
  levels[F.given] = g;
  levels[F.family] = f;
  tfValues[F.given] = gv;
  tfValues[F.family] = fv;
  if (counted) {
    if (gv >= 0) tfCounts[F.given] = ra[oa + TF_COUNT.given] ?? -1;
    if (fv >= 0) tfCounts[F.family] = ra[oa + TF_COUNT.family] ?? -1;
  }
}

function inGroups(x: number, rb: Int32Array, ob: number): boolean {
  return (
    x >= 0 &&
    (x === rb[ob + FL.gNick1] ||
      x === rb[ob + FL.gNick2] ||
      x === rb[ob + FL.gNick3] ||
      x === rb[ob + FL.gNick4])
  );
}

function flatSharesGroup(ra: Int32Array, oa: number, rb: Int32Array, ob: number): boolean {
  return (
    inGroups(ra[oa + FL.gNick1] ?? -1, rb, ob) ||
    inGroups(ra[oa + FL.gNick2] ?? -1, rb, ob) ||
    inGroups(ra[oa + FL.gNick3] ?? -1, rb, ob) ||
    inGroups(ra[oa + FL.gNick4] ?? -1, rb, ob)
  );
}

function reset(out: Comparison): void {
  out.levels.fill(NULL_LEVEL);
  out.tfValues.fill(-1);
  out.tfCounts.fill(-1);
  out.swapped = false;
  out.crossSlot = false;
}

const compactIds = derivedTokens(compactId);

/** isOneEdit of two tokens (ids), their strings made only when their shapes allow it. */
function oneEditTokens(x: number, y: number): boolean {
  return mayBeOneEdit(x, y) && isOneEdit(tokenString(x), tokenString(y));
}

/** isOneEdit of two identifier tokens in compact form (compactId), each made once per token. */
function oneEditIds(x: number, y: number): boolean {
  return oneEditTokens(compactIds.of(x), compactIds.of(y));
}

/** Derived token `d` of token x, kept in a batch's row at `at` (-2: not yet worked out). */
function derivedIn(rows: Int32Array, at: number, d: DerivedTokens, x: number): number {
  let v = rows[at] ?? -2;
  if (v === -2) {
    v = d.of(x);
    rows[at] = v;
  }
  return v;
}

/** oneEditIds for identifiers x and y of a batch's rows, their compact forms kept at `at`. */
function oneEditInRows(
  ra: Int32Array,
  oa: number,
  rb: Int32Array,
  ob: number,
  at: number,
  x: number,
  y: number,
): boolean {
  return oneEditTokens(
    derivedIn(ra, oa + at, compactIds, x),
    derivedIn(rb, ob + at, compactIds, y),
  );
}

/** similarHandles for two rows of a batch's table, the handles' skeletons and digits kept there. */
function similarHandlesInRows(ra: Int32Array, oa: number, rb: Int32Array, ob: number): boolean {
  for (let k = 0; k < 3; k++) {
    const x = ra[oa + FL.on0 + k] ?? -1;
    if (x < 0) continue;
    const sx = derivedIn(ra, oa + ROW_DERIVED.skeleton0 + k, skeletons, x);
    if (sx < 0) continue;
    for (let l = 0; l < 3; l++) {
      const y = rb[ob + FL.on0 + l] ?? -1;
      if (y < 0) continue;
      const sy = derivedIn(rb, ob + ROW_DERIVED.skeleton0 + l, skeletons, y);
      if (sy < 0) continue;
      if (
        sx === sy ||
        (derivedIn(ra, oa + ROW_DERIVED.digits0 + k, digits, x) ===
          derivedIn(rb, ob + ROW_DERIVED.digits0 + l, digits, y) &&
          oneEditTokens(sx, sy))
      )
        return true;
    }
  }
  return false;
}

// Online levels (FIELDS[online]).
const O_SHARED = 0;
const O_SIMILAR = 1;
const O_DIFF = 2;

const skeletons = derivedTokens(handleSkeleton);
const digits = derivedTokens(handleDigits);

/**
 * Two online identifiers (token ids) are similar when both are handles (an e-mail's local part, a
 * username) whose skeletons are equal or one edit apart: a handle copied by eye (`l`/`1`,
 * `o`/`0`), a changed separator, a mistyped domain, one keying error. Skeletons are made once per
 * token.
 */
function similarHandle(x: number, y: number): boolean {
  const sx = skeletons.of(x);
  if (sx < 0) return false;
  const sy = skeletons.of(y);
  if (sy < 0) return false;
  return sx === sy || (digits.of(x) === digits.of(y) && oneEditTokens(sx, sy));
}

/** similarHandle over the online identifiers of two flat rows (-1: none). */
function similarHandles(
  a0: number,
  a1: number,
  a2: number,
  b0: number,
  b1: number,
  b2: number,
): boolean {
  return (
    similarToAny(a0, b0, b1, b2) || similarToAny(a1, b0, b1, b2) || similarToAny(a2, b0, b1, b2)
  );
}

function similarToAny(x: number, b0: number, b1: number, b2: number): boolean {
  if (x < 0 || skeletons.of(x) < 0) return false;
  return (
    (b0 >= 0 && similarHandle(x, b0)) ||
    (b1 >= 0 && similarHandle(x, b1)) ||
    (b2 >= 0 && similarHandle(x, b2))
  );
}

// Address levels (FIELDS[address]).
const A_SAME = 0;
const A_MOSTLY = 1;
const A_TOWN = 2;
const A_PARTLY = 3;
const A_DIFF = 4;

/**
 * The address level from how many of the parts both sides hold agree and disagree. same: nothing
 * disagrees; town: nothing disagrees but only the town agrees (a town-only address against a full
 * one, or two town-only addresses — far weaker evidence than a whole address); mostly: more parts
 * agree than not; partly: something agrees.
 */
function addressLevel(agree: number, disagree: number, townAgrees: boolean): number {
  if (disagree === 0) return agree === 1 && townAgrees ? A_TOWN : A_SAME;
  return agree > disagree ? A_MOSTLY : agree > 0 ? A_PARTLY : A_DIFF;
}

function flatTextPart(jw: JaroWinklerMemo, x: number, y: number): number {
  if (x < 0 || y < 0) return -1;
  return x === y || jw.similarityIds(x, y, 0.9) >= 0.9 ? 0 : 1;
}

function flatTokenLevel(jw: JaroWinklerMemo, a: number, pa: number, b: number, pb: number): number {
  if (a === b) return 0;
  if (jw.similarityIds(a, b, 0.92) >= 0.92) return 1;
  if (pa >= 0 && pa === pb) return 2;
  return 3;
}

/** compareDates (date.normaliser.ts) on YYYYMMDD integers; `known`: 1 year, 2 +month, 3 full. */
function flatDateLevel(a: number, ka: number, b: number, kb: number): number {
  const ya = Math.floor(a / 10000);
  const yb = Math.floor(b / 10000);
  const ma = Math.floor(a / 100) % 100;
  const mb = Math.floor(b / 100) % 100;
  if (ka === 3 && kb === 3) {
    if (a === b) return 0;
    const da = a % 100;
    const db = b % 100;
    if (ya === yb && da === mb && ma === db) return 1;
    let diff = 0;
    for (let x = a, y = b, i = 0; i < 8; i++, x = Math.floor(x / 10), y = Math.floor(y / 10)) {
      if (x % 10 !== y % 10) diff++;
    }
    if (diff === 1) return 2;
    if (ya === yb && ma === mb) return 3;
    return nearDates(ya, ma, da, yb, mb, db) ? 5 : 6;
  }
  if (ya !== yb) return 6;
  if (ka >= 2 && kb >= 2) return ma === mb ? 3 : 6;
  return 4;
}

/**
 * An identifier without separators: a PNC ID that failed its check letter is kept compact
 * (`19790163010B`), so it is compared with the canonical `1979/0163001B` in the same form.
 */
function compactId(value: string): string {
  return value.replace(/[^A-Za-z0-9:]/g, '');
}

function sharesGroup(a: readonly number[], b: readonly number[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  for (const g of a) if (b.includes(g)) return true;
  return false;
}

function exactPart(a: string, b: string): number {
  if (a === '' || b === '') return -1;
  return a === b ? 0 : 1;
}

/**
 * Cheap necessary condition for the swapped test to find agreement: tokenLevel agrees only on
 * equal strings, Jaro-Winkler ≥ 0.92 (which in practice needs the same first letter: without the
 * Winkler prefix bonus Jaro alone must reach 0.92) or equal phonetic codes. Skipping the swap
 * test otherwise keeps it off the hot path of the pairs it cannot change.
 */
function mayAgree(a: string, pa: string, b: string, pb: string): boolean {
  return a.charCodeAt(0) === b.charCodeAt(0) || (pa !== '' && pa === pb);
}

/** Order of name pairings: lower rank sum, then better given level, then better family level. */
function better(
  rank: number,
  g: number,
  s: number,
  best: number,
  bestG: number,
  bestS: number,
): boolean {
  if (rank < best - 1e-9) return true;
  if (rank > best + 1e-9) return false;
  if (g !== bestG) return g !== NULL_LEVEL && (bestG === NULL_LEVEL || g < bestG);
  return s !== NULL_LEVEL && (bestS === NULL_LEVEL || s < bestS);
}

function rankOf(level: number, field: number): number {
  if (level === NULL_LEVEL) return 0.5;
  return level / ((LEVEL_COUNTS[field] ?? 2) - 1);
}

function swappedGivenLevel(tokenLevel: number): number {
  return tokenLevel === 0
    ? G_EXACT
    : tokenLevel === 1
      ? G_JW92
      : tokenLevel === 2
        ? G_PHON
        : G_DIFF;
}

function swappedFamilyLevel(tokenLevel: number): number {
  return tokenLevel === 0
    ? S_EXACT
    : tokenLevel === 1
      ? S_JW92
      : tokenLevel === 2
        ? S_PHON
        : S_DIFF;
}

function compareIdentifiers(
  as: NormalisedIdentifier[],
  bs: NormalisedIdentifier[],
  field: number,
  out: Comparison,
): void {
  if (as.length === 0 || bs.length === 0) return;
  let level = NULL_LEVEL;
  for (const x of as) {
    for (const y of bs) {
      if (x.scheme !== y.scheme) continue;
      if (x.value === y.value) {
        out.levels[field] = 0;
        out.tfValues[field] = x.id;
        return;
      }
      const l = isOneEdit(compactId(x.value), compactId(y.value)) ? 1 : 2;
      if (level === NULL_LEVEL || l < level) level = l;
    }
  }
  out.levels[field] = level;
}
