import fc from 'fast-check';
import { isIP } from 'node:net';
import { normaliseIpAddress } from './ip-address';

describe('normaliseIpAddress', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8::0001', '2001:db8::1'],
    // RFC 5952 §4.2.3: the first of two equally long zero runs is compressed.
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    // RFC 5952 §4.2.2: a single zero group is not compressed.
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    ['::ffff:192.0.2.128', '192.0.2.128'],
    ['::FFFF:C000:0280', '192.0.2.128'],
  ])('normalises %p to %p', (input, canonical) => {
    expect(normaliseIpAddress(input)).toEqual({ ok: true, value: canonical });
  });

  it.each([
    ['', 'not an IPv4 or IPv6 address'],
    ['192.168.001.1', 'not an IPv4 or IPv6 address'],
    ['256.1.1.1', 'not an IPv4 or IPv6 address'],
    ['1.2.3', 'not an IPv4 or IPv6 address'],
    ['2001:db8::1::1', 'not an IPv4 or IPv6 address'],
    ['example.com', 'not an IPv4 or IPv6 address'],
    ['fe80::1%eth0', 'IPv6 zone index is meaningful only on one host; omit it'],
  ])('rejects %p', (input, reason) => {
    expect(normaliseIpAddress(input)).toEqual({ ok: false, reason });
  });

  it('accepts every generated address, returns a valid address and is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (input) => {
        const first = normaliseIpAddress(input);
        expect(first.ok && isIP(first.value)).toBeGreaterThan(0);
        expect(first.ok && normaliseIpAddress(first.value)).toEqual(first);
      }),
    );
  });
});
