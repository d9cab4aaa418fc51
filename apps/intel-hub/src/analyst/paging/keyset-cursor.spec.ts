import { InvalidCursorError, decodeCursor, encodeCursor } from './keyset-cursor';

describe('keyset cursor', () => {
  it('given a key, then it round-trips through an opaque cursor of its list', () => {
    const c = encodeCursor('audit', '123456789012345');
    expect(c).not.toContain('123456789012345');
    expect(decodeCursor('audit', c)).toBe('123456789012345');
  });

  it.each([
    ['another list', encodeCursor('alerts', '5')],
    ['not a number', encodeCursor('audit', 'abc')],
    ['zero', encodeCursor('audit', '0')],
    ['negative', encodeCursor('audit', '-4')],
    ['past bigint', encodeCursor('audit', '9223372036854775808')],
    ['an injection', encodeCursor('audit', "1'; DROP TABLE audit_log;--")],
    ['not base64url', 'a+b/c='],
    ['empty', ''],
    ['huge', 'A'.repeat(10_000)],
  ])('given %s, then it is refused naming cursor', (_what, cursor) => {
    expect(() => decodeCursor('audit', cursor)).toThrow(InvalidCursorError);
    expect(() => decodeCursor('audit', cursor)).toThrow(/^cursor: /);
  });
});
