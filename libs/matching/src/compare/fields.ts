/**
 * The compared fields and their ordered comparison levels, best agreement first; the last level
 * of each field is "different". A null (either side missing) is not a level: it contributes no
 * weight (Fellegi & Sunter 1969, §3; Splink's "null level").
 *
 * `agreeing` is how many leading levels mean "agree as far as both sides are known" (an identical
 * name, a partial date that fits the full one): their weights are never negative, so making a
 * field agree can never lower a score.
 *
 * `tf` marks fields whose top level is term-frequency adjusted: the u-probability of exact
 * agreement on a value is that value's frequency in the data, so agreeing on "smith" weighs less
 * than agreeing on "featherstonehaugh" (Winkler 1989, "Frequency-based matching in the
 * Fellegi-Sunter model of record linkage").
 *
 * `contradicts` marks fields whose disagreement (a level weighing against a match) contradicts
 * it (`MatchIndex.query` reports it with each candidate). Online identifiers do not: a person
 * holds several numbers, addresses and accounts, and the level is "different" whenever both
 * records list any and none is shared — a phone number against a Discord username included,
 * which is missing evidence, not conflicting evidence.
 *
 * `conflicts` marks the contradicting fields the chaining guard (cluster/guarded-clusterer.ts)
 * counts as a conflict between two clusters: the facts that tell two people apart (date of birth,
 * identifiers, address, sex, region). Names do not: within one person's records they are the
 * most often damaged field (typos, nicknames, a middle name, a lone name in the other slot, a
 * title keyed as a name), and a merge they alone argue against is judged by its links as any
 * uncontradicted merge is; their weights still count in the mean score when something else
 * conflicts.
 *
 * Online `similar`: no identifier shared, but an e-mail's local part or a username on each side
 * with the same handle skeleton (normalise/handle-skeleton.ts: separators, case and look-alike
 * characters folded), or skeletons one edit apart where the handles' digits agree — a handle
 * copied by eye, a mistyped domain, one keying error.
 *
 * `corroborates` marks fields whose agreement is evidence beyond the names (and sex, and region):
 * a date of birth, an identifier, an online identifier, an address. An index built with
 * `corroboratedLinks` links two records only if one of these agrees.
 */
export const FIELDS = [
  {
    name: 'given',
    levels: [
      'exact',
      'nickname',
      'jaro-winkler-0.92',
      'phonetic',
      'jaro-winkler-0.80',
      'initial',
      'different',
    ],
    agreeing: 2,
    tf: true,
    contradicts: true,
    conflicts: false,
    corroborates: false,
  },
  {
    name: 'family',
    levels: ['exact', 'part', 'jaro-winkler-0.92', 'phonetic', 'jaro-winkler-0.80', 'different'],
    agreeing: 2,
    tf: true,
    contradicts: true,
    conflicts: false,
    corroborates: false,
  },
  {
    name: 'dob',
    levels: ['exact', 'transposed', 'one-digit', 'year-month', 'year', 'near', 'different'],
    agreeing: 5,
    tf: false,
    contradicts: true,
    conflicts: true,
    corroborates: true,
  },
  {
    name: 'custodyId',
    levels: ['exact', 'one-edit', 'different'],
    agreeing: 1,
    tf: true,
    contradicts: true,
    conflicts: true,
    corroborates: true,
  },
  {
    name: 'nationalId',
    levels: ['exact', 'one-edit', 'different'],
    agreeing: 1,
    tf: true,
    contradicts: true,
    conflicts: true,
    corroborates: true,
  },
  {
    name: 'online',
    levels: ['shared', 'similar', 'different'],
    agreeing: 1,
    tf: true,
    contradicts: false,
    conflicts: false,
    corroborates: true,
  },
  // One field for the whole address: house number, street, second line, town and postcode are
  // strongly correlated (a move changes them together), and scoring them as separate fields
  // counts one piece of evidence four times — which also lets EM mistake "same address" for
  // "same person". The level is how the parts present on both sides agree; "town" is agreement
  // on the town alone (a town-only address), which many people share.
  {
    name: 'address',
    levels: ['same', 'mostly', 'town', 'partly', 'different'],
    agreeing: 1,
    tf: true,
    contradicts: true,
    conflicts: true,
    corroborates: true,
  },
  {
    name: 'region',
    levels: ['exact', 'different'],
    agreeing: 1,
    tf: false,
    contradicts: true,
    conflicts: true,
    corroborates: false,
  },
  {
    name: 'sex',
    levels: ['exact', 'different'],
    agreeing: 1,
    tf: false,
    contradicts: true,
    conflicts: true,
    corroborates: false,
  },
] as const;

export type FieldName = (typeof FIELDS)[number]['name'];
export const FIELD_COUNT = FIELDS.length;
export const FIELD_NAMES: readonly FieldName[] = FIELDS.map((f) => f.name);
export const LEVEL_COUNTS: readonly number[] = FIELDS.map((f) => f.levels.length);
export const MAX_LEVELS = Math.max(...LEVEL_COUNTS);

/** Field indices, so hot loops index typed arrays rather than look names up. */
export const F = {
  given: 0,
  family: 1,
  dob: 2,
  custodyId: 3,
  nationalId: 4,
  online: 5,
  address: 6,
  region: 7,
  sex: 8,
} as const satisfies Record<FieldName, number>;

/** Level value meaning "null: either side missing". */
export const NULL_LEVEL = -1;
