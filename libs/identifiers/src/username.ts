/**
 * Platform-scoped identifiers (docs/domain.md, "Identifiers": "username scoped to its platform
 * (case-insensitive, without a leading @)", "platform user id"). The matching key is
 * `platform:value`: the same handle on two platforms may be two different people.
 */
import { invalid, ok, type Parsed } from './result';

const MAX_PLATFORM_LENGTH = 50;
const MAX_VALUE_LENGTH = 100;

/**
 * Names that reach us for the same platform. Kept deliberately small; add an entry only when
 * both names share one account namespace. Twitter became X in July 2023 and kept its handles.
 */
const PLATFORM_ALIASES: ReadonlyMap<string, string> = new Map([
  ['fb', 'facebook'],
  ['facebook.com', 'facebook'],
  ['ig', 'instagram'],
  ['insta', 'instagram'],
  ['instagram.com', 'instagram'],
  ['twitter', 'x'],
  ['twitter.com', 'x'],
  ['x.com', 'x'],
  ['snap', 'snapchat'],
  ['tiktok.com', 'tiktok'],
]);

export interface PlatformScoped {
  platform: string;
  /** The username or id, normalised. */
  value: string;
  /** Matching key, `platform:value`. */
  key: string;
}

/**
 * NFKC folds compatibility forms (full-width letters, ＠) to their plain equivalents; format
 * characters (zero-width spaces, bidi marks) are invisible artefacts of copying from web pages
 * and are removed so they cannot split one identity into two keys.
 */
function clean(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .trim();
}

/**
 * Case-insensitive form. Lower-casing can leave a string that is no longer in NFKC (`İ` becomes
 * `i` + U+0307, which must be reordered before a following U+0316), hence the second pass.
 */
function fold(text: string): string {
  return clean(text).toLowerCase().normalize('NFKC');
}

/** Lower-cases, trims and resolves aliases (`fb` → `facebook`, `twitter` → `x`). */
export function normalisePlatform(input: string): Parsed<string> {
  const name = fold(input).replace(/\s+/gu, ' ');
  if (name.length === 0) {
    return invalid('platform is required');
  }
  if (name.length > MAX_PLATFORM_LENGTH || name.includes(':')) {
    return invalid(`platform must be at most ${MAX_PLATFORM_LENGTH} characters, without ':'`);
  }
  return ok(PLATFORM_ALIASES.get(name) ?? name);
}

function scoped(platformInput: string, value: string, what: string): Parsed<PlatformScoped> {
  const platform = normalisePlatform(platformInput);
  if (!platform.ok) {
    return platform;
  }
  if (value.length === 0) {
    return invalid(`${what} is empty`);
  }
  if (/[\s\p{Cc}]/u.test(value)) {
    return invalid(`${what} contains whitespace or control characters`);
  }
  if ([...value].length > MAX_VALUE_LENGTH) {
    return invalid(`${what} is longer than ${MAX_VALUE_LENGTH} characters`);
  }
  return ok({ platform: platform.value, value, key: `${platform.value}:${value}` });
}

/** Usernames are case-insensitive and written with or without a leading `@`. */
export function normaliseUsername(platform: string, username: string): Parsed<PlatformScoped> {
  return scoped(platform, fold(username).replace(/^@+/u, ''), 'username');
}

/** Platform user ids keep their case: some platforms' ids are case-sensitive (e.g. YouTube). */
export function normalisePlatformUserId(platform: string, id: string): Parsed<PlatformScoped> {
  return scoped(platform, clean(id), 'platform user id');
}
