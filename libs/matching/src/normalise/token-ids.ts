/**
 * Interning of normalised tokens (names, phonetic codes, postcodes, identifier keys) to small
 * integers. Comparing two records then compares integers held in the records themselves instead
 * of following pointers to strings scattered over the heap: with 100k records, cache misses on
 * those pointers made up most of a pair's comparison time (measured ~3.5 µs a pair before, see
 * docs/matching.md). The table is process-wide and only grows, like the vocabulary of the data
 * it holds; a token's id never changes, so ids can be stored and compared across indexes.
 */
const ids = new Map<string, number>();
const strings: string[] = [];

/** The id of `s`; -1 for the empty string (a missing value). */
export function tokenId(s: string): number {
  if (s === '') return -1;
  let id = ids.get(s);
  if (id === undefined) {
    id = strings.length;
    const held = flatText(s);
    strings.push(held);
    ids.set(held, id);
  }
  return id;
}

/**
 * `s` as a string of its own (equal to it), for a string a long-lived table keeps. A string made
 * by concatenation (`${scheme}:${value}`, `${force}:${id}`) is held by V8 as a tree of its parts,
 * and one cut from a longer string (`slice`) keeps that string alive: kept by the million, either
 * costs about twice the flat string's bytes (issue #14). JSON's round trip gives back the same
 * code units, lone surrogates included, in one flat string. Short strings are always flat.
 */
export function flatText(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

export function tokenString(id: number): string {
  return id < 0 ? '' : (strings[id] ?? '');
}

/** Number of distinct tokens seen (for diagnostics). */
export function tokenCount(): number {
  return strings.length;
}

/**
 * A token derived from each token (a street without spaces, an identifier in compact form), by
 * token id, memoised in an array: `of(id)` is `tokenId(derive(tokenString(id)))`, -1 for -1. Like
 * the table above it is process-wide and bounded by the vocabulary.
 */
export interface DerivedTokens {
  of(id: number): number;
}

export function derivedTokens(derive: (token: string) => string): DerivedTokens {
  /** -2 = not yet derived. */
  let ids = new Int32Array(1024).fill(-2);
  return {
    of(id: number): number {
      if (id < 0) return -1;
      if (id >= ids.length) {
        const grown = new Int32Array(Math.max(id + 1, ids.length * 2)).fill(-2);
        grown.set(ids);
        ids = grown;
      }
      let d = ids[id] ?? -2;
      if (d === -2) {
        d = tokenId(derive(tokenString(id)));
        ids[id] = d;
      }
      return d;
    },
  };
}
