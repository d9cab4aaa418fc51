import { LIMITS, MAX_QUERY_RESULTS } from '@intel/records';
import {
  ONLINE_KINDS,
  SEARCH_DATE,
  onlineIdentifierInput,
  searchBody,
  type SearchBody,
} from './search-request';

type Json = Record<string, unknown>;

const KINDS: ReadonlySet<unknown> = new Set(ONLINE_KINDS);

/** A plain JSON object (what JSON.parse makes for `{…}`) whose keys are all in `allowed`. */
function objectOf(value: unknown, allowed: ReadonlySet<string>): Json | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  for (const k in value) if (!allowed.has(k)) return undefined;
  return value as Json;
}

/** Absent, or a string of at most `max` UTF-16 code units (zod's `.max`). */
const optionalText = (v: unknown, max: number) =>
  v === undefined || (typeof v === 'string' && v.length <= max);

const NAME_KEYS = new Set(['given', 'family']);
const ONLINE_KEYS = new Set(Object.keys(onlineIdentifierInput.shape));
// The fields zod's schemas take: the same names, whatever is added to them.
const BODY_KEYS = new Set(Object.keys(searchBody.shape));

type NameInput = NonNullable<SearchBody['names']>[number];

function name(v: unknown): NameInput | undefined {
  const o = objectOf(v, NAME_KEYS);
  if (!o) return undefined;
  const { given, family } = o;
  if (!optionalText(given, LIMITS.namePart * LIMITS.givenNames)) return undefined;
  if (!optionalText(family, LIMITS.namePart)) return undefined;
  return {
    ...(given !== undefined ? { given: given as string } : {}),
    ...(family !== undefined ? { family: family as string } : {}),
  };
}

type OnlineInput = NonNullable<SearchBody['onlineIdentifiers']>[number];

function online(v: unknown): OnlineInput | undefined {
  const o = objectOf(v, ONLINE_KEYS);
  if (!o) return undefined;
  const { kind, value, platform } = o;
  if (!KINDS.has(kind)) return undefined;
  if (typeof value !== 'string' || value.length < 1 || value.length > LIMITS.onlineIdentifierValue)
    return undefined;
  if (!optionalText(platform, LIMITS.platform)) return undefined;
  return {
    kind: kind as OnlineInput['kind'],
    value,
    ...(platform !== undefined ? { platform: platform as string } : {}),
  };
}

/** Each element checked by `each`, at most `max` of them; undefined when any fails. */
function listOf<T>(v: unknown, max: number, each: (x: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(v) || v.length > max) return undefined;
  const out: T[] = [];
  for (const x of v) {
    const checked = each(x);
    if (checked === undefined) return undefined;
    out.push(checked);
  }
  return out;
}

/** Absent (undefined), a list listOf accepts, or false. */
function optionalList<T>(v: unknown, max: number, each: (x: unknown) => T | undefined) {
  return v === undefined ? undefined : (listOf(v, max, each) ?? false);
}

/**
 * Pure: a search body that `searchBody` (zod) accepts, checked by hand, with what zod would
 * give for it; undefined for anything else, left to zod (which refuses it, naming the fields,
 * or accepts it: this check only ever answers for bodies zod accepts, with zod's output).
 * The hot path of person search runs this instead of zod (search-body-check.spec.ts holds the
 * two to the same answers).
 */
export function checkedSearchBody(value: unknown): SearchBody | undefined {
  const o = objectOf(value, BODY_KEYS);
  if (!o) return undefined;
  const out: SearchBody = {};
  const names = optionalList(o['names'], LIMITS.names, name);
  const ids = optionalList(o['onlineIdentifiers'], LIMITS.onlineIdentifiers, online);
  if (names === false || ids === false) return undefined;
  if (names) out.names = names;
  const dob = o['dateOfBirth'];
  if (dob !== undefined) {
    if (typeof dob !== 'string' || !SEARCH_DATE.test(dob)) return undefined;
    out.dateOfBirth = dob;
  }
  for (const k of ['pnc', 'cro'] as const) {
    const id = o[k];
    if (id === undefined) continue;
    if (typeof id !== 'string' || id.length > LIMITS.identifierValue) return undefined;
    out[k] = id;
  }
  if (ids) out.onlineIdentifiers = ids;
  const max = o['maxResults'];
  if (max !== undefined) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_QUERY_RESULTS)
      return undefined;
    out.maxResults = max;
  }
  return out;
}
