import fc from 'fast-check';
import { normalisePhone } from './phone';

describe('normalisePhone', () => {
  it.each([
    ['07700 900123', '+447700900123'],
    ['+44 (0)7700 900123', '+447700900123'],
    ['0044 7700 900123', '+447700900123'],
    ['+447700900123', '+447700900123'],
    ['020 7946 0018', '+442079460018'],
    ['(020) 7946-0018', '+442079460018'],
    ['07911 123456', '+447911123456'],
    ['+33 1 42 68 53 00', '+33142685300'],
    ['+1 (213) 373-4253', '+12133734253'],
    ['+49 30 901820', '+4930901820'],
  ])('normalises %p to %p (default region GB)', (input, e164) => {
    expect(normalisePhone(input)).toEqual({ ok: true, value: e164 });
  });

  it('reads national numbers in the configured region', () => {
    expect(normalisePhone('01 671 5000', { defaultRegion: 'IE' })).toEqual({
      ok: true,
      value: '+35316715000',
    });
    expect(normalisePhone('(213) 373-4253', { defaultRegion: 'US' })).toEqual({
      ok: true,
      value: '+12133734253',
    });
    // A number with + ignores the region.
    expect(normalisePhone('+44 7911 123456', { defaultRegion: 'US' })).toEqual({
      ok: true,
      value: '+447911123456',
    });
  });

  it('accepts the Ofcom drama ranges that libphonenumber marks invalid', () => {
    expect(normalisePhone('01632 960123')).toEqual({ ok: true, value: '+441632960123' });
    expect(normalisePhone('0115 496 0123')).toEqual({ ok: true, value: '+441154960123' });
    // Only the reserved thousand: the rest of 07700 9 stays invalid.
    expect(normalisePhone('07700 901123').ok).toBe(false);
  });

  it.each([
    ['', 'not a phone number'],
    ['hello', 'not a phone number'],
    ['call 07911 123456', 'not a phone number'],
    ['07911 123456 07911 123457', 'phone number is too long'],
    ['+999 1234567', 'phone number has an unknown country calling code'],
    ['12', 'not a valid phone number for its country'],
    ['0400 000 0000', 'not a valid phone number for its country'],
    ['+44 5000 000000', 'not a valid phone number for its country'],
    ['07911 123456 ext. 12', 'phone number extensions are not supported'],
  ])('rejects %p', (input, reason) => {
    expect(normalisePhone(input)).toEqual({ ok: false, reason });
  });

  it('is idempotent on UK mobile numbers', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^07[0-9]{3} [0-9]{6}$/), (input) => {
        const first = normalisePhone(input);
        fc.pre(first.ok);
        expect(first.ok && normalisePhone(first.value)).toEqual(first);
      }),
    );
  });
});
