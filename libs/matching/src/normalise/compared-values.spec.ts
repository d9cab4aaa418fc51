import { comparedValues } from './compared-values';

describe('compared values, for display', () => {
  it('gives each compared field in the normalised form the engine compares', () => {
    const v = comparedValues({
      names: [
        { given: ['Mr', 'William', 'James'], family: "O'Neill-Smith" },
        { given: ['Bill'], family: "O'Neill-Smith", type: 'NAME_TYPE_ALIAS' },
      ],
      dateOfBirth: { year: 1979, month: 3 },
      sex: 'SEX_MALE',
      identifiers: [
        { scheme: 'IDENTIFIER_SCHEME_PNC', value: '79/163001b' },
        { scheme: 'IDENTIFIER_SCHEME_NINO', value: 'qq 12 34 56 c' },
      ],
      onlineIdentifiers: [
        { kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'Discord', value: '@Hendry79' },
        { kind: 'ONLINE_IDENTIFIER_KIND_PHONE', value: '07911 100123' },
      ],
      addresses: [{ line: '12 Acacia Avenue', town: 'Preston', postcode: 'pr1 2ab' }],
    });
    expect(v).toEqual({
      given: ['william james', 'bill'],
      family: ['oneillsmith'],
      dob: ['1979-03'],
      custodyId: ['PNC 1979/0163001B'],
      nationalId: ['NINO QQ123456C'],
      online: ['username discord:hendry79', 'phone +447911100123'],
      address: ['12 acacia avenue, preston, PR1 2AB'],
      region: [],
      sex: ['M'],
    });
  });

  it('gives an empty list for what a record lacks', () => {
    const v = comparedValues({ names: [] });
    expect(Object.values(v).every((x) => x.length === 0)).toBe(true);
  });
});
