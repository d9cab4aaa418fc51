import {
  normaliseCro,
  normaliseOnlineIdentifier,
  normalisePnc,
  parsePostcode,
  type OnlineIdentifierKind,
} from '@intel/identifiers';
import type { MatchIdentifier, MatchOnlineIdentifier } from '../model/match-input';
import { tokenId } from './token-ids';

/** Schemes whose values identify a person in custody records: strong, check-lettered. */
const CUSTODY_SCHEMES = new Set(['IDENTIFIER_SCHEME_PNC', 'IDENTIFIER_SCHEME_CRO']);
/**
 * Schemes compared as "national identifiers". FORCE_URN is left out: it is local to one force's
 * system, so two forces' URNs never refer to one another.
 */
const NATIONAL_SCHEMES = new Set([
  'IDENTIFIER_SCHEME_NINO',
  'IDENTIFIER_SCHEME_PASSPORT',
  'IDENTIFIER_SCHEME_DRIVING_LICENCE',
  'IDENTIFIER_SCHEME_VISOR',
  'IDENTIFIER_SCHEME_OTHER',
]);

/** A scheme-tagged identifier value: `PNC:2001/0171310W`, `NINO:QQ123456C`. */
export interface NormalisedIdentifier {
  /** Short scheme tag (`PNC`, `CRO`, `NINO`, …). */
  scheme: string;
  value: string;
  /** False when the value failed its format or check-letter test; it is still compared. */
  valid: boolean;
  /** Token id of `scheme:value` (token-ids.ts). */
  id: number;
}

export interface NormalisedIdentifiers {
  custody: NormalisedIdentifier[];
  national: NormalisedIdentifier[];
}

function shortScheme(scheme: string): string {
  return scheme.replace(/^IDENTIFIER_SCHEME_/, '');
}

/** Upper-case alphanumerics only: the fallback form for values that do not parse. */
function compact(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * PNC IDs and CRO numbers go through `@intel/identifiers` (canonical form and check letter,
 * docs/domain.md "Identifiers"). A value that fails its check letter is kept in a compact form and
 * flagged invalid: it is most likely a keying error of the right value, which the one-edit
 * comparison level can still use, but it never serves as an exact-identifier blocking key.
 */
export function normaliseIdentifiers(
  ids: readonly MatchIdentifier[] | undefined,
): NormalisedIdentifiers {
  const out: NormalisedIdentifiers = { custody: [], national: [] };
  for (const id of ids ?? []) {
    if (id.value.trim() === '') continue;
    const scheme = shortScheme(id.scheme);
    if (CUSTODY_SCHEMES.has(id.scheme)) {
      const parsed = scheme === 'PNC' ? normalisePnc(id.value) : normaliseCro(id.value);
      const value = parsed.ok ? parsed.value : compact(id.value);
      out.custody.push({ scheme, value, valid: parsed.ok, id: tokenId(`${scheme}:${value}`) });
    } else if (NATIONAL_SCHEMES.has(id.scheme)) {
      const value = compact(id.value);
      if (value !== '')
        out.national.push({ scheme, value, valid: true, id: tokenId(`${scheme}:${value}`) });
    }
  }
  return out;
}

const KIND_PREFIX = 'ONLINE_IDENTIFIER_KIND_';
/** The online-identifier kinds the engine compares (exported: deconfliction hashes the same). */
export const COMPARED_KINDS: ReadonlySet<OnlineIdentifierKind> = new Set<OnlineIdentifierKind>([
  'USERNAME',
  'EMAIL',
  'PHONE',
  'PROFILE_URL',
  'PLATFORM_USER_ID',
  'DEVICE_ID',
]);

/**
 * Online identifiers as `KIND:key` strings, using the identifiers library's matching key (E.164
 * phones with a UK default region, e-mail without +tags, usernames scoped to their platform).
 * IP addresses are not compared: without the observation time an address is shared by too many
 * people (CGNAT, public Wi-Fi) to be evidence of identity. Values that do not validate are dropped.
 */
export function normaliseOnlineIdentifiers(
  ids: readonly MatchOnlineIdentifier[] | undefined,
): string[] {
  const out: string[] = [];
  for (const id of ids ?? []) {
    const kind = id.kind.replace(KIND_PREFIX, '') as OnlineIdentifierKind;
    if (!COMPARED_KINDS.has(kind)) continue;
    const raw = `${kind}\u0000${id.platform ?? ''}\u0000${id.value}`;
    let key = onlineMemo.get(raw);
    if (key === undefined) {
      const parsed = normaliseOnlineIdentifier(kind, id.platform, id.value);
      key = parsed.ok ? `${kind}:${parsed.value.key}` : null;
      remember(onlineMemo, raw, key);
    }
    if (key !== null && !out.includes(key)) out.push(key);
  }
  return out;
}

/**
 * Bounded memos for the identifier parsers, kept only while a batch runs (`withNormaliserMemos`).
 * libphonenumber-js costs ~50 µs per number (it builds its pattern matchers per call), which made
 * phone parsing most of the normalisation time of a batch; the same identifiers and postcodes
 * recur across a person's records and households. Cleared when full (bounded memory, no eviction
 * bookkeeping) and when the outermost batch ends: a process that holds an index for a long time
 * (the hub) would otherwise keep up to a million entries of each, hundreds of megabytes, for
 * nothing. One record normalised outside a batch parses its few identifiers again.
 */
const MEMO_CAPACITY = 1_000_000;
const onlineMemo = new Map<string, string | null>();
const postcodeMemo = new Map<string, NormalisedPostcode | null>();
let batches = 0;
/** Jobs in slices keeping the memos between their batches (`keepingNormaliserMemos`). */
let kept = 0;

function clearMemosIfIdle(): void {
  if (batches > 0 || kept > 0) return;
  onlineMemo.clear();
  postcodeMemo.clear();
}

/**
 * Runs `batch` (synchronous: normalising many records) with the identifier and postcode memos
 * on, and empties them once the outermost such call returns.
 */
export function withNormaliserMemos<T>(batch: () => T): T {
  batches++;
  try {
    return batch();
  } finally {
    batches--;
    clearMemosIfIdle();
  }
}

/**
 * Runs `job` (asynchronous: a long job whose synchronous slices each run in
 * `withNormaliserMemos`, the event loop handed back between them) keeping the memos from one of
 * its slices to the next; they are emptied once it settles and no batch runs. Between slices
 * the memos are read by any normalising (a query's: answers are the same) but written only
 * inside a batch, so nothing a query parses is kept.
 */
export async function keepingNormaliserMemos<T>(job: () => Promise<T>): Promise<T> {
  kept++;
  try {
    return await job();
  } finally {
    kept--;
    clearMemosIfIdle();
  }
}

/** How many entries the memos hold (tests). */
export function normaliserMemoSize(): number {
  return onlineMemo.size + postcodeMemo.size;
}

function remember<V>(memo: Map<string, V>, key: string, value: V): void {
  if (batches === 0) return;
  if (memo.size >= MEMO_CAPACITY) memo.clear();
  memo.set(key, value);
}

export interface NormalisedPostcode {
  /** Canonical UK form (`NR1 3QF`), or compact upper-case text for other countries' codes. */
  value: string;
  /** UK sector (`NR1 3`), `''` when not a UK postcode. */
  sector: string;
}

export function normalisePostcodeForMatching(postcode: string): NormalisedPostcode | undefined {
  const raw = postcode.trim();
  if (raw === '') return undefined;
  const cached = postcodeMemo.get(raw);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parsePostcode(raw);
  const value = compact(raw);
  const out: NormalisedPostcode | null = parsed.ok
    ? { value: parsed.value.postcode, sector: parsed.value.sector }
    : value === ''
      ? null
      : { value, sector: '' };
  remember(postcodeMemo, raw, out);
  return out ?? undefined;
}
