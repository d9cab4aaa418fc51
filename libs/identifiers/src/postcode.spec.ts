import { normalisePostcode, parsePostcode, postcodeOutcode, postcodeSector } from './postcode';

describe('postcode', () => {
  it.each([
    ['SW1A 1AA', 'SW1A 1AA'],
    ['sw1a1aa', 'SW1A 1AA'],
    ['  Sw1A   1aA ', 'SW1A 1AA'],
    ['M1 1AE', 'M1 1AE'],
    ['B338TH', 'B33 8TH'],
    ['CR2 6XH', 'CR2 6XH'],
    ['DN55 1PT', 'DN55 1PT'],
    ['W1A 0AX', 'W1A 0AX'],
  ])('normalises %p to %p', (input, postcode) => {
    expect(normalisePostcode(input)).toEqual({ ok: true, value: postcode });
  });

  it.each(['', 'SW1A', 'SW1A 1A', '1AA SW1A', 'SW1A 1AA X', 'SWIA IAA', 'GIR 0AA', 'BFPO 123'])(
    'rejects %p',
    (input) => {
      expect(normalisePostcode(input)).toEqual({ ok: false, reason: 'not a UK postcode' });
    },
  );

  it('parses the outcode and sector for blocking', () => {
    expect(parsePostcode('ec1a1bb')).toEqual({
      ok: true,
      value: { postcode: 'EC1A 1BB', outcode: 'EC1A', sector: 'EC1A 1' },
    });
    expect(postcodeOutcode('m1 1ae')).toEqual({ ok: true, value: 'M1' });
    expect(postcodeSector('m1 1ae')).toEqual({ ok: true, value: 'M1 1' });
    expect(postcodeSector('nope')).toEqual({ ok: false, reason: 'not a UK postcode' });
  });
});
