/** A key id names one key of its owner, so keys can be rotated while older ones still verify. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function isKeyId(id: string): boolean {
  return KEY_ID_PATTERN.test(id);
}
