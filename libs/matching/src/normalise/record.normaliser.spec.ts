import { FL, normaliseRecord } from './record.normaliser';
import { tokenString } from './token-ids';

describe('record normaliser', () => {
  it('normalises every part of a person record', () => {
    const r = normaliseRecord({
      names: [
        { given: ['Mr', 'William', 'Henry'], family: 'Smith-Jones', type: 'NAME_TYPE_BIRTH' },
        { given: ['Bill'], family: 'Jones', type: 'NAME_TYPE_ALIAS' },
      ],
      dateOfBirth: { year: 1980, month: 7, day: 3 },
      sex: 'SEX_MALE',
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC', value: '1979/0163001B' }],
      onlineIdentifiers: [
        { kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', platform: '', value: 'W@example.com' },
      ],
      addresses: [{ line: '12A Acacia Avenue', town: 'Norwich', postcode: 'nr1 3qf' }],
    });
    expect(r.names[0]).toMatchObject({
      given: ['william', 'henry'],
      family: 'smithjones',
      alias: false,
    });
    expect(r.names[1]).toMatchObject({ given: ['bill'], alias: true });
    expect(r.dob?.digits).toBe('19800703');
    expect(r.sex).toBe('M');
    expect(r.addresses[0]).toMatchObject({
      houseNumber: '12a',
      street: 'acacia avenue',
      town: 'norwich',
      postcode: 'NR1 3QF',
    });
    expect(r.online).toEqual(['EMAIL:w@example.com']);
    // Two names and a double-barrelled surname: the general comparison path.
    expect(r.simple).toBe(false);
    expect(tokenString(r.flat[r.flatAt + FL.gId] ?? -1)).toBe('william');
  });

  it('flattens a simple record for the fast path', () => {
    const r = normaliseRecord({
      names: [{ given: ['Ann'], family: 'Lee' }],
      dateOfBirth: { year: 1990 },
    });
    expect(r.simple).toBe(true);
    expect(r.flat[r.flatAt + FL.dobKnown]).toBe(1);
    expect(tokenString(r.flat[r.flatAt + FL.fId] ?? -1)).toBe('lee');
    expect(r.flat[r.flatAt + FL.pcId]).toBe(-1);
  });

  it('drops empty names and de-duplicates repeated ones', () => {
    const r = normaliseRecord({
      names: [
        { given: [], family: '' },
        { given: ['Ann'], family: 'Lee' },
        { given: ['ANN'], family: 'lee' },
      ],
    });
    expect(r.names).toHaveLength(1);
  });
});
