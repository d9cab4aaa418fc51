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
    strings.push(s);
    ids.set(s, id);
  }
  return id;
}

export function tokenString(id: number): string {
  return id < 0 ? '' : (strings[id] ?? '');
}

/** Number of distinct tokens seen (for diagnostics). */
export function tokenCount(): number {
  return strings.length;
}
