import {
  bandLabel,
  personTitle,
  flagLabel,
  gradingText,
  identifierText,
  nameText,
  remaining,
  signed,
} from './format';

describe('format', () => {
  it('labels flags and bands with or without their proto prefix', () => {
    expect(flagLabel('FLAG_TYPE_REGISTERED_SEX_OFFENDER')).toBe('Registered sex offender');
    expect(flagLabel('RSO_OUT_OF_AREA')).toBe('RSO out of area');
    expect(flagLabel('SOMETHING_NEW')).toBe('Something new');
    expect(bandLabel('MATCH_BAND_PROBABLE')).toBe('Probable');
    expect(bandLabel(null)).toBe('Not linked');
  });

  it('reads a 3x5x2 grading', () => {
    const g = gradingText({ source: '1', intelligence: 'A', handling: 'HANDLING_CODE_P' });
    expect(g.short).toBe('1 A P');
    expect(g.long).toContain('Reliable');
    expect(g.long).toContain('Known directly to the source');
    expect(gradingText({ source: '3', intelligence: 'E', handling: 'C' }).long).toContain(
      'owner only',
    );
  });

  it('names and identifiers', () => {
    expect(nameText({ given: ['William', 'James'], family: 'Hendry' })).toBe(
      'William James Hendry',
    );
    expect(nameText({ given: 'Bill', family: 'Hendrie' })).toBe('Bill Hendrie');
    expect(nameText(undefined)).toBe('');
    expect(
      identifierText({
        kind: 'ONLINE_IDENTIFIER_KIND_USERNAME',
        value: 'billy_h79',
        platform: 'discord',
      }),
    ).toBe('Username: billy_h79 (discord)');
    expect(identifierText({ scheme: 'IDENTIFIER_SCHEME_PNC', value: '1979/0123456T' })).toBe(
      'PNC: 1979/0123456T',
    );
  });

  it('time left and signed weights', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(remaining('2026-12-05T10:29:10Z', now)).toBe('in 30 min');
    expect(remaining('2026-12-05T11:05:00Z', now)).toBe('in 1 h 5 min');
    expect(remaining('2026-12-05T09:59:00Z', now)).toBe('expired');
    expect(signed(3.456)).toBe('+3.46');
    expect(signed(-1)).toBe('−1.00');
  });

  it('heads a person with the family name most records share, in its fullest form', () => {
    expect(
      personTitle(['Bill Hendrie', 'William James Hendry', 'William Hendry', 'Will Hendry']),
    ).toBe('William James Hendry');
    expect(personTitle(['', ' '])).toBeUndefined();
    expect(personTitle(['Ann Lee'])).toBe('Ann Lee');
  });
});
