import { personRecord } from '@intel/testing';
import type { PersonRecord } from '@intel/contracts';
import { SamePersonMatcher } from './same-person.matcher';

const m = new SamePersonMatcher();
const person = (over: Partial<PersonRecord>): PersonRecord =>
  personRecord({
    sourceRecordId: 'x',
    names: [{ given: ['John'], family: 'Tregunna', type: 'NAME_TYPE_BIRTH' as never }],
    dateOfBirth: { year: 1980, month: 5, day: 17 },
    addresses: [{ line: '12 Acacia Avenue', town: 'Norwich', postcode: 'NR1 1AA' }],
    ...over,
  });
const same = (a: PersonRecord, b: PersonRecord) => m.isSamePerson(m.normalise(a), m.normalise(b));

describe('SamePersonMatcher (within-force rule: engine at a strict threshold)', () => {
  it('given a nickname of the same man at the same address and date of birth, then they are one person', () => {
    expect(
      same(
        person({}),
        person({
          names: [{ given: ['Johnny'], family: 'Tregunna', type: 'NAME_TYPE_BIRTH' as never }],
        }),
      ),
    ).toBe(true);
  });

  it('given a one-letter typo in the family name with everything else agreeing, then they are one person', () => {
    expect(
      same(
        person({}),
        person({
          names: [{ given: ['John'], family: 'Tregunan', type: 'NAME_TYPE_BIRTH' as never }],
        }),
      ),
    ).toBe(true);
  });

  it('given the same common name but another date of birth and address, then they are not', () => {
    const a = person({
      names: [{ given: ['John'], family: 'Smith', type: 'NAME_TYPE_BIRTH' as never }],
    });
    const b = person({
      names: [{ given: ['John'], family: 'Smith', type: 'NAME_TYPE_BIRTH' as never }],
      dateOfBirth: { year: 1975, month: 2, day: 3 },
      addresses: [{ line: '4 Mill Lane', town: 'Dereham', postcode: 'NR19 1AB' }],
    });
    expect(same(a, b)).toBe(false);
  });

  it('given only a shared common name and no other evidence, then the strict threshold refuses the link', () => {
    const bare = (id: string): PersonRecord =>
      person({
        sourceRecordId: id,
        names: [{ given: ['John'], family: 'Smith', type: 'NAME_TYPE_BIRTH' as never }],
        dateOfBirth: undefined,
        addresses: [],
      });
    expect(same(bare('a'), bare('b'))).toBe(false);
  });

  it('stores identifier keys and candidate keys, and candidate keys find the typo record', () => {
    const a = m.candidateKeys(m.normalise(person({})));
    const b = m.candidateKeys(
      m.normalise(
        person({
          names: [{ given: ['Jon'], family: 'Tregunna', type: 'NAME_TYPE_BIRTH' as never }],
        }),
      ),
    );
    expect(a.every((k) => k.startsWith('blk:'))).toBe(true);
    expect(a.filter((k) => b.includes(k)).length).toBeGreaterThan(0);
  });
});
