/**
 * Profile URLs (docs/domain.md, "Identifiers"), parsed with the WHATWG URL parser, which already
 * lower-cases the scheme and host, drops the default port and percent-encodes consistently.
 */
import { invalid, ok, type Parsed } from './result';

// Keys (ASCII after URL encoding) go into B-tree indexes, whose entries PostgreSQL limits to ~2.7 kB.
const MAX_LENGTH = 2048;

export interface ProfileUrl {
  /** Canonical URL, e.g. `https://facebook.com/john.smith`. */
  url: string;
  /** Matching key: host, path and query without the scheme, e.g. `facebook.com/john.smith`. */
  key: string;
}

/**
 * A URL without a scheme (`instagram.com/someone`, as often copied) is read as https. The path
 * keeps its case, since paths are case-sensitive in general. The query is kept in the key because
 * on some platforms it is the identity (`facebook.com/profile.php?id=…`): dropping it would merge
 * different people, which is worse than missing a match because of a tracking parameter.
 */
export function normaliseProfileUrl(input: string): Parsed<ProfileUrl> {
  const text = input.trim();
  if (text.length === 0) {
    return invalid('profile URL is empty');
  }
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    return invalid('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return invalid('profile URL must use http or https');
  }
  if (url.username !== '' || url.password !== '') {
    return invalid('profile URL must not contain a user name or password');
  }
  const host = url.host.replace(/^www\./, '');
  if (!host.includes('.')) {
    return invalid('profile URL must have a domain name such as example.com');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const key = `${host}${path}${url.search}`;
  if (key.length > MAX_LENGTH) {
    return invalid(`profile URL is longer than ${MAX_LENGTH} characters`);
  }
  return ok({ url: `${url.protocol}//${key}`, key });
}
