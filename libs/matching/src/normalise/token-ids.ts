import { grownInt32, grownLength } from '../engine/array-growth';

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
 * `Map<string, number>` beside an array of strings each cost ~100 bytes besides its text (a
 * string header, a map entry with its share of the map's doubling, an array slot). Here a token
 * is its text's code units in one byte arena (`bytes`, every unit below 256: nearly all), its
 * start and hash in two Int32Arrays, and a slot in an open-addressing hash table of ids (linear
 * probing, at most three quarters full): ~16 bytes besides its text. `tokenString` makes the
 * string from the arena when asked (what reads it: decoding a stored record's rarer fields, a
 * Jaro–Winkler memo miss, a snapshot's token list), a fresh flat string equal to the one interned.
 * A token with a code unit of 256 or more (a name in another script) is kept as a string.
 */
class TokenTable {
  /** The one-byte tokens' texts, back to back, a byte a code unit. */
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  /** Per id: where its text starts in `bytes`; `starts[id + 1]` is where it ends (+1 slot). */
  private starts = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  /** Tokens with a code unit of 256 or more, by id (their span in `bytes` is empty). */
  private readonly wide = new Map<number, string>();
  /**
   * The texts last made by `text`, by id modulo their number (direct-mapped): a frequent token
   * (a town, a common name: early ids, read again and again) is one string however many
   * normalised records hold it, as when the table held strings (the batch keeps a million).
   */
  private readonly recent: string[] = new Array<string>(RECENT).fill('');
  private readonly recentIds = new Int32Array(RECENT).fill(-1);
  /** Hash table: id + 1 (0 = empty slot). Its size is a power of two. */
  private slots = new Int32Array(1 << 12);
  count = 0;

  /** The id of `s` (not empty), given one if it has none. */
  intern(s: string): number {
    const h = hashOf(s);
    const slot = this.slotOf(s, h);
    const held = (this.slots[slot] as number) - 1;
    if (held >= 0) return held;
    const id = this.count;
    // Unreachable in practice (arrays of 2^30 entries), but a permanent id must never be read
    // as a query's own.
    if (id >= TRANSIENT_BASE) throw new Error('the token table is full');
    this.store(id, s, h);
    this.count = id + 1;
    this.slots[slot] = id + 1;
    if (this.count * 4 > this.slots.length * 3) this.rehash(this.slots.length * 2);
    return id;
  }

  /**
   * The ids of a table of texts as a snapshot holds them (`frames`: `u32 LE length | UTF-8`
   * entries back to back), interned as `intern` would: an all-ASCII text (nearly every token)
   * is hashed, compared and stored from its bytes without a string being made, the rest decoded
   * and interned. `count` texts are expected (the table is sized for them first).
   */
  internUtf8(frames: readonly Uint8Array[], count: number, bytes: number): Int32Array {
    this.reserve(this.count + count, this.used + bytes);
    const ids = new Int32Array(count);
    let n = 0;
    for (const f of frames) {
      const buf = Buffer.from(f.buffer, f.byteOffset, f.byteLength);
      for (let at = 0; at < buf.byteLength;) {
        if (at + 4 > buf.byteLength) throw new Error('a cut text in a token table');
        const len = buf.readUInt32LE(at);
        const from = at + 4;
        at = from + len;
        if (at > buf.byteLength) throw new Error('a cut text in a token table');
        if (n >= count) throw new Error('more texts than counted in a token table');
        let ascii = len > 0;
        for (let k = from; k < at && ascii; k++) ascii = (buf[k] as number) < 0x80;
        ids[n++] = ascii
          ? this.internBytes(buf, from, at)
          : this.internText(buf.toString('utf8', from, at));
      }
    }
    if (n !== count) throw new Error(`a token table of ${n} texts, ${count} counted`);
    return ids;
  }

  /** `intern`, for a text that may be empty (-1, as `tokenId` gives it). */
  private internText(s: string): number {
    return s === '' ? -1 : this.intern(s);
  }

  /** `intern` of the ASCII text `b[from, to)` (not empty), from its bytes. */
  private internBytes(b: Buffer, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let k = from; k < to; k++) h = Math.imul(h ^ (b[k] as number), 0x01000193);
    h = mixed(h);
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const v = slots[i] as number;
      if (v === 0) break;
      if (this.hashes[v - 1] === h && this.holdsBytes(v - 1, b, from, to)) return v - 1;
    }
    const id = this.count;
    if (id >= TRANSIENT_BASE) throw new Error('the token table is full');
    const len = to - from;
    this.room(id + 1, this.used + len);
    b.copy(this.bytes, this.used, from, to);
    this.used += len;
    this.starts[id + 1] = this.used;
    this.hashes[id] = h;
    this.count = id + 1;
    slots[i] = id + 1;
    if (this.count * 4 > slots.length * 3) this.rehash(slots.length * 2);
    return id;
  }

  private holdsBytes(id: number, b: Buffer, from: number, to: number): boolean {
    const start = this.starts[id] as number;
    if ((this.starts[id + 1] as number) - start !== to - from) return false;
    return this.bytes.compare(b, from, to, start, start + (to - from)) === 0;
  }

  /** Room for `ids` tokens of `bytes` bytes of text in all, the hash table at most 3/4 full. */
  private reserve(ids: number, bytes: number): void {
    this.room(ids, bytes);
    let size = this.slots.length;
    while (ids * 4 > size * 3) size *= 2;
    if (size !== this.slots.length) this.rehash(size);
  }

  /** The id of `s` (not empty) if the table holds it, else -1; never adds it. */
  find(s: string): number {
    return (this.slots[this.slotOf(s, hashOf(s))] as number) - 1;
  }

  /** The text of token `id` ('' for an id not given). */
  text(id: number): string {
    if (id < 0 || id >= this.count) return '';
    const k = id & (RECENT - 1);
    if (this.recentIds[k] === id) return this.recent[k] as string;
    const from = this.starts[id] as number;
    const to = this.starts[id + 1] as number;
    const t = to === from ? (this.wide.get(id) ?? '') : this.bytes.toString('latin1', from, to);
    this.recent[k] = t;
    this.recentIds[k] = id;
    return t;
  }

  /** `s`'s slot: the one holding its id, or the empty one where it would go. */
  private slotOf(s: string, h: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = slots[i] as number;
      if (v === 0 || (this.hashes[v - 1] === h && this.holds(v - 1, s))) return i;
    }
  }

  private holds(id: number, s: string): boolean {
    const from = this.starts[id] as number;
    const to = this.starts[id + 1] as number;
    if (to === from) return this.wide.get(id) === s;
    if (to - from !== s.length) return false;
    const b = this.bytes;
    for (let k = 0; k < s.length; k++) if (b[from + k] !== s.charCodeAt(k)) return false;
    return true;
  }

  /** Columns for `ids` tokens and `bytes` bytes of text in all (the hash table as it is). */
  private room(ids: number, bytes: number): void {
    if (ids + 1 > this.starts.length) {
      this.starts = grownInt32(this.starts, ids + 1);
      this.hashes = grownInt32(this.hashes, ids + 1);
    }
    if (bytes > this.bytes.length) {
      const grown = Buffer.alloc(grownLength(this.bytes.length, bytes));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
  }

  private store(id: number, s: string, h: number): void {
    this.room(id + 1, this.used + s.length);
    const b = this.bytes;
    let k = 0;
    for (; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c > 255) break;
      b[this.used + k] = c;
    }
    if (k === s.length) this.used += s.length;
    else this.wide.set(id, flatText(s));
    this.starts[id + 1] = this.used;
    this.hashes[id] = h;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < this.count; id++) {
      let i = (this.hashes[id] as number) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = id + 1;
    }
    this.slots = slots;
  }
}

/** How many texts `TokenTable.text` keeps made (a power of two). */
const RECENT = 1 << 15;

/** FNV-1a over the code units, then mixed (the table takes the low bits). */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return mixed(h);
}

/** The last mixing step of `hashOf` (`internBytes` hashes ASCII bytes the same way). */
function mixed(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

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
