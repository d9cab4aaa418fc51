import { normaliseOnlineIdentifier, type OnlineIdentifierKind } from './online-identifier';

describe('normaliseOnlineIdentifier', () => {
  it.each<[OnlineIdentifierKind, string | undefined, string, object]>([
    [
      'USERNAME',
      'Insta',
      '@John.Smith',
      { platform: 'instagram', value: 'john.smith', key: 'instagram:john.smith' },
    ],
    [
      'PLATFORM_USER_ID',
      'FB',
      '100012345678',
      { platform: 'facebook', value: '100012345678', key: 'facebook:100012345678' },
    ],
    [
      'EMAIL',
      undefined,
      ' J.Smith+intel@GoogleMail.com',
      { value: 'j.smith+intel@googlemail.com', key: 'jsmith@gmail.com' },
    ],
    ['PHONE', 'WhatsApp', '07700 900123', { value: '+447700900123', key: '+447700900123' }],
    [
      'PROFILE_URL',
      '',
      'https://www.facebook.com/john.smith/',
      { value: 'https://facebook.com/john.smith', key: 'facebook.com/john.smith' },
    ],
    ['IP_ADDRESS', undefined, '2001:DB8::0:1', { value: '2001:db8::1', key: '2001:db8::1' }],
    [
      'DEVICE_ID',
      undefined,
      '35-209900-176148-1',
      { value: '352099001761481', key: '352099001761481' },
    ],
  ])('%s on %p: %p', (kind, platform, value, expected) => {
    expect(normaliseOnlineIdentifier(kind, platform, value)).toEqual({
      ok: true,
      value: { kind, ...expected },
    });
  });

  it.each<OnlineIdentifierKind>(['USERNAME', 'PLATFORM_USER_ID'])(
    '%s requires a platform',
    (kind) => {
      for (const platform of [undefined, '', '  ']) {
        expect(normaliseOnlineIdentifier(kind, platform, 'john')).toEqual({
          ok: false,
          reason: `platform is required for ${kind}`,
        });
      }
    },
  );

  it('passes the phone region through', () => {
    const result = normaliseOnlineIdentifier('PHONE', undefined, '01 671 5000', {
      defaultRegion: 'IE',
    });
    expect(result.ok && result.value.key).toBe('+35316715000');
  });

  it.each<[OnlineIdentifierKind, string]>([
    ['EMAIL', 'e-mail address must contain exactly one @'],
    ['PHONE', 'not a phone number'],
    ['PROFILE_URL', 'profile URL must have a domain name such as example.com'],
    ['IP_ADDRESS', 'not an IPv4 or IPv6 address'],
    ['DEVICE_ID', 'device id must be an IMEI or ICCID (digits only)'],
  ])('returns the reason for an invalid %s', (kind, reason) => {
    expect(normaliseOnlineIdentifier(kind, 'x', 'nonsense')).toEqual({ ok: false, reason });
  });
});
