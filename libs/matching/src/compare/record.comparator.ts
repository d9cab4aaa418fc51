import { compareDates, type DateLevel } from '../normalise/date.normaliser';
import type { NormalisedIdentifier } from '../normalise/identifier.normaliser';
import type {
  NormalisedAddress,
  NormalisedName,
  NormalisedRecord,
} from '../normalise/record.normaliser';
import { F, FIELD_COUNT, LEVEL_COUNTS, NULL_LEVEL } from './fields';
import { tokenString } from '../normalise/token-ids';
import { isOneEdit, JaroWinklerMemo } from './string-similarity';

/** The comparison vector of one pair: a level per field, and the value behind each exact level. */
export interface Comparison {
  /** Level index per field (see FIELDS), or NULL_LEVEL. */
  levels: Int8Array;
  /** For term-frequency adjusted fields at their top level: the agreed value's token id, or -1. */
  tfValues: Int32Array;
  /** The names agreed best with given and family names swapped on one side. */
  swapped: boolean;
}

export function newComparison(): Comparison {
  return {
    levels: new Int8Array(FIELD_COUNT).fill(NULL_LEVEL),
    tfValues: new Int32Array(FIELD_COUNT).fill(-1),
    swapped: false,
  };
}

const DATE_LEVELS: Readonly<Record<DateLevel, number>> = {
  exact: 0,
  transposed: 1,
  'one-digit': 2,
  'year-month': 3,
  year: 4,
  different: 5,
};

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

  constructor(jw?: JaroWinklerMemo) {
    this.jw = jw ?? new JaroWinklerMemo();
  }

  /**
   * The same comparison as the general path, for two "simple" records, reading only the
   * integer fields flattened into the records (record.normaliser.ts, FlatFields). Kept level for
   * level identical to the general path; a unit test checks the two agree.
   */
  private compareFlat(a: NormalisedRecord, b: NormalisedRecord, out: Comparison): void {
    const { levels, tfValues } = out;
    const jw = this.jw;
    // Names: one name each, straight or swapped.
    let g = NULL_LEVEL;
    if (a.gId >= 0 && b.gId >= 0) {
      if (a.gId === b.gId) g = G_EXACT;
      else if (a.gInitial || b.gInitial) g = a.gChar === b.gChar ? G_INITIAL : G_DIFF;
      else if (a.gNick1 >= 0 && b.gNick1 >= 0 && flatSharesGroup(a, b)) g = G_NICK;
      else if ((a.g2Id >= 0 && a.g2Id === b.gId) || (b.g2Id >= 0 && b.g2Id === a.gId)) g = G_NICK;
      else {
        const sim = jw.similarityIds(a.gId, b.gId, 0.8);
        g =
          sim >= 0.92
            ? G_JW92
            : a.gPh >= 0 && a.gPh === b.gPh
              ? G_PHON
              : sim >= 0.8
                ? G_JW80
                : G_DIFF;
      }
    }
    let f = NULL_LEVEL;
    if (a.fId >= 0 && b.fId >= 0) {
      if (a.fId === b.fId) f = S_EXACT;
      else {
        const sim = jw.similarityIds(a.fId, b.fId, 0.8);
        f =
          sim >= 0.92
            ? S_JW92
            : a.fPh >= 0 && a.fPh === b.fPh
              ? S_PHON
              : sim >= 0.8
                ? S_JW80
                : S_DIFF;
      }
    }
    let gv = g === G_EXACT ? a.gId : -1;
    let fv = f === S_EXACT ? a.fId : -1;
    const rank = rankOf(g, F.given) + rankOf(f, F.family);
    if (
      rank > 0 &&
      a.gId >= 0 &&
      b.gId >= 0 &&
      a.fId >= 0 &&
      b.fId >= 0 &&
      (a.gChar === b.fChar || (a.gPh >= 0 && a.gPh === b.fPh)) &&
      (a.fChar === b.gChar || (a.fPh >= 0 && a.fPh === b.gPh))
    ) {
      const x = flatTokenLevel(jw, a.gId, a.gPh, b.fId, b.fPh);
      const y = flatTokenLevel(jw, a.fId, a.fPh, b.gId, b.gPh);
      const gs = swappedGivenLevel(Math.max(x, y));
      const ss = swappedFamilyLevel(Math.min(x, y));
      if (rankOf(gs, F.given) + rankOf(ss, F.family) < rank - 1e-9) {
        g = gs;
        f = ss;
        gv = -1;
        fv = -1;
        out.swapped = true;
      }
    }
    levels[F.given] = g;
    levels[F.family] = f;
    tfValues[F.given] = gv;
    tfValues[F.family] = fv;
    // Date of birth.
    if (a.dobKnown > 0 && b.dobKnown > 0)
      levels[F.dob] = flatDateLevel(a.dobInt, a.dobKnown, b.dobInt, b.dobKnown);
    // Identifiers.
    if (a.cuId >= 0 && b.cuId >= 0 && a.cuScheme === b.cuScheme) {
      if (a.cuId === b.cuId) {
        levels[F.custodyId] = 0;
        tfValues[F.custodyId] = a.cuId;
      } else
        levels[F.custodyId] = isOneEdit(
          compactId(tokenString(a.cuId)),
          compactId(tokenString(b.cuId)),
        )
          ? 1
          : 2;
    }
    if (a.naId >= 0 && b.naId >= 0 && a.naScheme === b.naScheme) {
      if (a.naId === b.naId) {
        levels[F.nationalId] = 0;
        tfValues[F.nationalId] = a.naId;
      } else
        levels[F.nationalId] = isOneEdit(
          compactId(tokenString(a.naId)),
          compactId(tokenString(b.naId)),
        )
          ? 1
          : 2;
    }
    if (a.on0 >= 0 && b.on0 >= 0) {
      let shared = -1;
      shared = sharedOnline(a.on0, b, shared);
      shared = sharedOnline(a.on1, b, shared);
      shared = sharedOnline(a.on2, b, shared);
      levels[F.online] = shared >= 0 ? 0 : 1;
      tfValues[F.online] = shared;
    }
    // Address: how the parts present on both sides agree.
    if (a.adId >= 0 && b.adId >= 0) {
      let agree = 0;
      let disagree = 0;
      if (a.hnId >= 0 && b.hnId >= 0) {
        if (a.hnId === b.hnId) agree++;
        else disagree++;
      }
      const st = flatTextPart(jw, a.stId, b.stId);
      const l2 = flatTextPart(jw, a.l2Id, b.l2Id);
      const tw = flatTextPart(jw, a.twId, b.twId);
      agree += Number(st === 0) + Number(l2 === 0) + Number(tw === 0);
      disagree += Number(st === 1) + Number(l2 === 1) + Number(tw === 1);
      if (a.pcId >= 0 && b.pcId >= 0) {
        const near =
          a.pcId === b.pcId ||
          (a.secId >= 0 && a.secId === b.secId) ||
          (a.secId < 0 && isOneEdit(tokenString(a.pcId), tokenString(b.pcId)));
        if (near) agree++;
        else disagree++;
      }
      if (agree + disagree > 0) {
        const level = disagree === 0 ? 0 : agree > disagree ? 1 : agree > 0 ? 2 : 3;
        levels[F.address] = level;
        if (level === 0 && a.adId === b.adId) tfValues[F.address] = a.adId;
      }
      if (a.rgId >= 0 && b.rgId >= 0) levels[F.region] = a.rgId === b.rgId ? 0 : 1;
    }
    if (a.sexCode !== 0 && b.sexCode !== 0) levels[F.sex] = a.sexCode === b.sexCode ? 0 : 1;
  }

  compare(a: NormalisedRecord, b: NormalisedRecord, out: Comparison = newComparison()): Comparison {
    const { levels, tfValues } = out;
    levels.fill(NULL_LEVEL);
    tfValues.fill(-1);
    out.swapped = false;
    if (a.simple && b.simple && this.fastPath) {
      this.compareFlat(a, b, out);
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
        }
        // Swapped: a's first given against b's family, and a's family against b's first given.
        // The better of the two agreements is scored as the family level and the worse as the
        // given level, which keeps compare(a, b) and compare(b, a) identical. Swapped agreement
        // is not term-frequency adjusted: the value sits in the other field's frequency table.
        const nbFirst = nb.given[0];
        const naFirst = na.given[0];
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
          }
        }
      }
    }
    out.levels[F.given] = bestG;
    out.levels[F.family] = bestS;
    out.tfValues[F.given] = bestGv;
    out.tfValues[F.family] = bestSv;
    out.swapped = bestSwapped;
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
    out.levels[F.online] = shared >= 0 ? 0 : 1;
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
    part(flatTextPart(this.jw, bestA.townId, bestB.townId));
    if (bestA.postcode !== '' && bestB.postcode !== '') {
      const near =
        bestA.postcode === bestB.postcode ||
        (bestA.postcodeSector !== '' && bestA.postcodeSector === bestB.postcodeSector) ||
        (bestA.postcodeSector === '' && isOneEdit(bestA.postcode, bestB.postcode));
      part(near ? 0 : 1);
    }
    if (agree + disagree > 0) {
      // same: nothing disagrees; mostly: more parts agree than not; partly: something agrees.
      const level = disagree === 0 ? 0 : agree > disagree ? 1 : agree > 0 ? 2 : 3;
      out.levels[F.address] = level;
      // TF only when the addresses are identical: a fuzzy "same" has no single value to look up.
      if (level === 0) {
        if (bestA.keyId === bestB.keyId) out.tfValues[F.address] = bestA.keyId;
      }
    }
    if (bestA.region !== '' && bestB.region !== '')
      out.levels[F.region] = bestA.region === bestB.region ? 0 : 1;
  }
}

function inGroups(x: number, b: NormalisedRecord): boolean {
  return x >= 0 && (x === b.gNick1 || x === b.gNick2 || x === b.gNick3 || x === b.gNick4);
}

function flatSharesGroup(a: NormalisedRecord, b: NormalisedRecord): boolean {
  return (
    inGroups(a.gNick1, b) || inGroups(a.gNick2, b) || inGroups(a.gNick3, b) || inGroups(a.gNick4, b)
  );
}

function sharedOnline(x: number, b: NormalisedRecord, shared: number): number {
  if (x >= 0 && (x === b.on0 || x === b.on1 || x === b.on2) && (shared < 0 || x < shared)) return x;
  return shared;
}

/** textPart on token ids: 0 agree, 1 disagree, -1 either side empty. */
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
    return 5;
  }
  if (ya !== yb) return 5;
  if (ka >= 2 && kb >= 2) return ma === mb ? 3 : 5;
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
