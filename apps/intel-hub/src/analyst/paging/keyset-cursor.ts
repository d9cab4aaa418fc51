/**
 * Opaque page cursors for keyset pagination on a bigint key (an audit seq, an alert id): the
 * client hands back what it was given; the server reads the key and the list it belongs to,
 * and refuses anything else (a 400 naming `cursor`). Not a secret: a cursor only says where a
 * page ends, and every page is filtered for its reader again.
 */
export class InvalidCursorError extends Error {}

const KEY = /^[1-9]\d{0,18}$/;
const INT8_MAX = 2n ** 63n - 1n;

export function encodeCursor(list: string, key: string): string {
  return Buffer.from(`${list}:${key}`, 'utf8').toString('base64url');
}

/** The key in `cursor`, if it is a cursor of `list`; throws InvalidCursorError otherwise. */
export function decodeCursor(list: string, cursor: string): string {
  if (cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw new InvalidCursorError('cursor: not a cursor this list gave');
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${list}:`;
  const key = text.startsWith(prefix) ? text.slice(prefix.length) : '';
  if (!KEY.test(key) || BigInt(key) > INT8_MAX)
    throw new InvalidCursorError('cursor: not a cursor this list gave');
  return key;
}
