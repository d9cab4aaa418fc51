import fc from 'fast-check';
import { normaliseProfileUrl } from './profile-url';

describe('normaliseProfileUrl', () => {
  it.each([
    [
      'https://www.facebook.com/john.smith/',
      'https://facebook.com/john.smith',
      'facebook.com/john.smith',
    ],
    [
      'HTTPS://WWW.Instagram.COM:443/JohnSmith#posts',
      'https://instagram.com/JohnSmith',
      'instagram.com/JohnSmith',
    ],
    ['http://tiktok.com:80/@john//', 'http://tiktok.com/@john', 'tiktok.com/@john'],
    ['instagram.com/john', 'https://instagram.com/john', 'instagram.com/john'],
    ['https://example.com:8443/u/1', 'https://example.com:8443/u/1', 'example.com:8443/u/1'],
    ['https://www.facebook.com/', 'https://facebook.com', 'facebook.com'],
    [
      'https://www.facebook.com/profile.php?id=100012345678',
      'https://facebook.com/profile.php?id=100012345678',
      'facebook.com/profile.php?id=100012345678',
    ],
  ])('normalises %p', (input, url, key) => {
    expect(normaliseProfileUrl(input)).toEqual({ ok: true, value: { url, key } });
  });

  it('gives http and https the same key', () => {
    const http = normaliseProfileUrl('http://x.com/jack');
    const https = normaliseProfileUrl('https://x.com/jack');
    expect(http.ok && https.ok && http.value.key === https.value.key).toBe(true);
  });

  it.each([
    ['', 'profile URL is empty'],
    ['https://', 'not a valid URL'],
    ['https://exa mple.com/x', 'not a valid URL'],
    ['ftp://example.com/john', 'profile URL must use http or https'],
    [
      'https://user:secret@example.com/john',
      'profile URL must not contain a user name or password',
    ],
    ['johnsmith', 'profile URL must have a domain name such as example.com'],
    [`https://example.com/${'a'.repeat(2048)}`, 'profile URL is longer than 2048 characters'],
  ])('rejects %p', (input, reason) => {
    expect(normaliseProfileUrl(input)).toEqual({ ok: false, reason });
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.webUrl({ withFragments: true, withQueryParameters: true }), (input) => {
        const first = normaliseProfileUrl(input);
        fc.pre(first.ok);
        expect(first.ok && normaliseProfileUrl(first.value.url)).toEqual(first);
      }),
    );
  });
});
