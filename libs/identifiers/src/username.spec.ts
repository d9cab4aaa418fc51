import fc from 'fast-check';
import { normalisePlatform, normalisePlatformUserId, normaliseUsername } from './username';

describe('normalisePlatform', () => {
  it.each([
    ['Facebook', 'facebook'],
    [' FB ', 'facebook'],
    ['insta', 'instagram'],
    ['IG', 'instagram'],
    ['Twitter', 'x'],
    ['x.com', 'x'],
    ['Snap', 'snapchat'],
    ['Discord', 'discord'],
    ['Facebook   Messenger', 'facebook messenger'],
  ])('normalises %p to %p', (input, platform) => {
    expect(normalisePlatform(input)).toEqual({ ok: true, value: platform });
  });

  it.each([
    ['', 'platform is required'],
    ['\u200b', 'platform is required'],
    ['a:b', "platform must be at most 50 characters, without ':'"],
    ['p'.repeat(51), "platform must be at most 50 characters, without ':'"],
  ])('rejects %p', (input, reason) => {
    expect(normalisePlatform(input)).toEqual({ ok: false, reason });
  });
});

describe('normaliseUsername', () => {
  it.each([
    ['instagram', '@John.Smith', 'john.smith'],
    ['Insta', '  @@JOHN_smith  ', 'john_smith'],
    ['tiktok', '＠ｊｏｈｎ', 'john'], // full-width forms fold under NFKC
    ['x', 'john\u200b', 'john'], // zero-width space from a copied web page
    ['twitter', 'ÉLODIE', 'élodie'],
  ])('on %p normalises %p to %p', (platform, username, expected) => {
    const result = normaliseUsername(platform, username);
    expect(result.ok && result.value.value).toBe(expected);
  });

  it('keys the username by its normalised platform', () => {
    expect(normaliseUsername('Twitter', '@Jack')).toEqual({
      ok: true,
      value: { platform: 'x', value: 'jack', key: 'x:jack' },
    });
  });

  it.each([
    ['', 'username is empty'],
    ['@', 'username is empty'],
    ['john smith', 'username contains whitespace or control characters'],
    ['john\tsmith', 'username contains whitespace or control characters'],
    ['john\u0000', 'username contains whitespace or control characters'],
    ['a'.repeat(101), 'username is longer than 100 characters'],
  ])('rejects %p', (username, reason) => {
    expect(normaliseUsername('instagram', username)).toEqual({ ok: false, reason });
  });

  it('accepts 100 characters, counted as code points', () => {
    expect(normaliseUsername('x', '😀'.repeat(100)).ok).toBe(true);
  });

  it('requires a platform', () => {
    expect(normaliseUsername(' ', 'john')).toEqual({ ok: false, reason: 'platform is required' });
  });

  it('is idempotent on any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (input) => {
        const first = normaliseUsername('instagram', input);
        fc.pre(first.ok);
        expect(first.ok && normaliseUsername('instagram', first.value.value)).toEqual(first);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('normalisePlatformUserId', () => {
  it('keeps case and keys by platform', () => {
    expect(normalisePlatformUserId('YouTube', ' UCx7bA9xZ ')).toEqual({
      ok: true,
      value: { platform: 'youtube', value: 'UCx7bA9xZ', key: 'youtube:UCx7bA9xZ' },
    });
  });

  it('rejects an empty id', () => {
    expect(normalisePlatformUserId('facebook', ' ')).toEqual({
      ok: false,
      reason: 'platform user id is empty',
    });
  });
});
