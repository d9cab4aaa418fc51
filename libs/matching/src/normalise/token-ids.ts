import { TextHandles } from '../engine/text-handles';

export { flatText } from '../engine/text-handles';

/**
 * Interning of normalised tokens (names, phonetic codes, postcodes, identifier keys) to small
 * integers. Comparing two records then compares integers held in the records themselves instead
 * of following pointers to strings scattered over the heap: with 100k records, cache misses on
 * those pointers made up most of a pair's comparison time (measured ~3.5 µs a pair before, see
 * docs/matching.md). The table is process-wide and only grows, like the vocabulary of the data
 * it holds; a token's id never changes, so ids can be stored and compared across indexes. Only
 * the data held grows it: a query (a CheckPerson, an analyst's search) reads it and keeps its
 * own novel texts apart (`withQueryTokens`), or every caller's new spelling would stay for good.
 *
 * Held flat (issue #14): a national index has about four tokens a record (identifiers, address
 * keys, streets, most of them one record's own), ~4.5M at 1.1M records, and as a
 * `Map<string, number>` beside an array of strings each cost ~100 bytes besides its text. Here
 * the tokens are a `TextHandles` (a byte arena and an open-addressing table of ids: ~17 bytes a
 * token besides its text), never released, so a token's id is its handle. `tokenString` makes
 * the string from the arena when asked (what reads it: decoding a stored record's rarer fields,
 * a Jaro–Winkler memo miss, a snapshot's token list), a fresh flat string equal to the one
 * interned, and keeps the last ones made.
 */
class TokenTable {
  private readonly texts = new TextHandles();
  /**
   * The texts last made by `text`, by id modulo their number (direct-mapped): a frequent token
   * (a town, a common name: early ids, read again and again) is one string however many
   * normalised records hold it, as when the table held strings (the batch keeps a million).
   */
  private readonly recent: string[] = new Array<string>(RECENT).fill('');
  private readonly recentIds = new Int32Array(RECENT).fill(-1);

  get count(): number {
    return this.texts.limit;
  }

  /** The id of `s` (not empty), given one if it has none. */
  intern(s: string): number {
    // Unreachable in practice (arrays of 2^30 entries), but a permanent id must never be read
    // as a query's own.
    if (this.texts.limit >= TRANSIENT_BASE && this.texts.find(s) < 0)
      throw new Error('the token table is full');
    return this.texts.intern(s);
  }

  /**
   * The ids of a snapshot's token table (`TextHandles.internUtf8`: length-prefixed UTF-8, no
   * string made for an ASCII text), -1 for an empty text, as `tokenId` gives it.
   */
  internUtf8(frames: readonly Uint8Array[], count: number, bytes: number): Int32Array {
    // As `intern`: a permanent id must never reach the transient ones.
    if (this.texts.limit + count >= TRANSIENT_BASE) throw new Error('the token table is full');
    return this.texts.internUtf8(frames, count, bytes);
  }

  /** The id of `s` (not empty) if the table holds it, else -1; never adds it. */
  find(s: string): number {
    return this.texts.find(s);
  }

  /** The text of token `id` ('' for an id not given). */
  text(id: number): string {
    if (id < 0 || id >= this.texts.limit) return '';
    const k = id & (RECENT - 1);
    if (this.recentIds[k] === id) return this.recent[k] as string;
    const t = this.texts.text(id);
    this.recent[k] = t;
    this.recentIds[k] = id;
    return t;
  }
}

/** How many texts `TokenTable.text` keeps made (a power of two). */
const RECENT = 1 << 15;

const table = new TokenTable();

/**
 * Ids from TRANSIENT_BASE up are a query's own: a token the table does not hold, met while a
 * query is normalised and scored (`withQueryTokens`). They live in a scratch table that the
 * outermost query empties when it returns, are never stored, and no memo keeps them; the
 * permanent table never reaches this base (`TokenTable.intern` refuses to).
 */
export const TRANSIENT_BASE = 1 << 30;
const scratchIds = new Map<string, number>();
const scratch: string[] = [];
/** Nesting depth of `withQueryTokens`; 0: tokens are interned. */
let queryDepth = 0;
/** Counts the queries ended: a memo of one query's transient ids is void once it changes. */
let queriesEnded = 0;

/**
 * Which query a memo of transient ids belongs to (`withQueryTokens`): such a memo (one query's
 * own, bounded by what that query compares) must be emptied when this has changed.
 */
export function queryEpoch(): number {
  return queriesEnded;
}

/**
 * The id of `s`; -1 for the empty string (a missing value). Outside a query the text is interned
 * (added to the table for good). Inside one (`withQueryTokens`) the table is only read: a text it
 * does not hold gets a transient id, the same for the same text until the query ends.
 */
export function tokenId(s: string): number {
  if (s === '') return -1;
  if (queryDepth === 0) return table.intern(s);
  const held = table.find(s);
  if (held >= 0) return held;
  let id = scratchIds.get(s);
  if (id === undefined) {
    id = TRANSIENT_BASE + scratch.length;
    scratch.push(s);
    scratchIds.set(s, id);
  }
  return id;
}

/**
 * Whether a memo keyed by this text (not by id) may keep it: outside a query always, inside one
 * only a text the table holds, so such a memo too is bounded by the data held.
 */
export function mayMemoiseText(s: string): boolean {
  return queryDepth === 0 || table.find(s) >= 0;
}

/** True for a query's own token id (`withQueryTokens`): no memo may keep it. */
export function isTransientToken(id: number): boolean {
  return id >= TRANSIENT_BASE;
}

/**
 * Runs `f` as a query: a record normalised and compared inside it is a question, not data the
 * process holds, so the texts only it carries (a caller's novel names, streets, identifiers) get
 * transient ids rather than growing the process-wide table, and the memos keyed by token id skip
 * them. Everything that holds a transient id (the query's normalised record, its blocking keys,
 * comparisons) must be used up before `f` returns: `f` is synchronous, and when the outermost
 * query returns the scratch table is emptied. Its results must hold texts, not token ids.
 */
export function withQueryTokens<T>(f: () => T): T {
  queryDepth++;
  try {
    return f();
  } finally {
    queryDepth--;
    if (queryDepth === 0) {
      queriesEnded++;
      if (scratch.length > 0) {
        scratch.length = 0;
        scratchIds.clear();
      }
    }
  }
}

export function tokenString(id: number): string {
  if (id < 0) return '';
  if (id < TRANSIENT_BASE) return table.text(id);
  const text = scratch[id - TRANSIENT_BASE];
  // A transient id outside its query would read another query's text: a programming error.
  if (text === undefined) throw new Error('a query token was used after its query');
  return text;
}

/**
 * `tokenId` of each text of a snapshot's token table (`frames`: length-prefixed UTF-8, `count`
 * texts of `bytes` bytes), in order, without making a string of each (a 1M index's snapshot
 * holds 3.65M: made and interned one by one they were a third of a restart's CPU). Interns:
 * never inside a query.
 */
export function tokenIdsOfUtf8(
  frames: readonly Uint8Array[],
  count: number,
  bytes: number,
): Int32Array {
  if (queryDepth > 0) throw new Error('a token table is loaded inside a query');
  return table.internUtf8(frames, count, bytes);
}

/** Number of tokens in the permanent table (for diagnostics); a query's own are not counted. */
export function tokenCount(): number {
  return table.count;
}

/**
 * A token derived from each token (a street without spaces, an identifier in compact form), by
 * token id, memoised in an array: `of(id)` is `tokenId(derive(tokenString(id)))`, -1 for -1. Like
 * the table above it is process-wide and bounded by the vocabulary: a query's own token
 * (`withQueryTokens`), or one whose derived text the table does not hold (its id inside a query
 * is transient), is memoised for that query only, in a map emptied when the next query uses it.
 */
export interface DerivedTokens {
  of(id: number): number;
}

/** Derived tokens memoised over all `derivedTokens` (for diagnostics and tests). */
let derivedHeld = 0;

export function derivedTokenCount(): number {
  return derivedHeld;
}

export function derivedTokens(derive: (token: string) => string): DerivedTokens {
  /** -2 = not yet derived. */
  let ids = new Int32Array(1024).fill(-2);
  /** The current query's derivations that may not be kept: of its own tokens, or to them. */
  const inQuery = new Map<number, number>();
  let epoch = -1;
  const derivedInQuery = (id: number): number => {
    if (epoch !== queriesEnded) {
      inQuery.clear();
      epoch = queriesEnded;
    }
    let d = inQuery.get(id);
    if (d === undefined) {
      d = tokenId(derive(tokenString(id)));
      inQuery.set(id, d);
    }
    return d;
  };
  return {
    of(id: number): number {
      if (id < 0) return -1;
      if (id >= TRANSIENT_BASE) return derivedInQuery(id);
      if (id >= ids.length) {
        const grown = new Int32Array(Math.max(id + 1, ids.length * 2)).fill(-2);
        grown.set(ids);
        ids = grown;
      }
      let d = ids[id] ?? -2;
      if (d === -2) {
        if (queryDepth > 0) {
          d = derivedInQuery(id);
          if (d >= TRANSIENT_BASE) return d;
        } else d = tokenId(derive(tokenString(id)));
        ids[id] = d;
        derivedHeld++;
      }
      return d;
    },
  };
}
