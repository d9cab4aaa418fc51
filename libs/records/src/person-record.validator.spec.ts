import {
  IdentifierScheme,
  NameType,
  OnlineIdentifierKind,
  Sex,
  SubjectCategory,
  type Identifier,
  type OnlineIdentifier,
  type PersonName,
  type PersonRecord,
  type Registration,
} from '@intel/contracts';
import { personRecord, pncId } from '@intel/testing';
import { RecordValidationError, type FieldError } from './field-error';
import { validatePersonRecord } from './person-record.validator';

const NOW = new Date('2025-06-15T12:00:00Z');

function validate(overrides: Partial<PersonRecord>): PersonRecord {
  return validatePersonRecord(personRecord({ sourceRecordId: 'P1', ...overrides }), { now: NOW });
}

/** The errors a rejected record reports; fails the test if the record is accepted. */
function rejected(overrides: Partial<PersonRecord>): FieldError[] {
  try {
    validate(overrides);
  } catch (e) {
    if (e instanceof RecordValidationError) return e.errors;
    throw e;
  }
  throw new Error('expected the record to be rejected');
}

const rejectedFields = (overrides: Partial<PersonRecord>) =>
  rejected(overrides).map((e) => e.field);

const name = (given: string[], family: string, type = NameType.NAME_TYPE_BIRTH): PersonName => ({
  given,
  family,
  type,
});
const id = (scheme: IdentifierScheme, value: string): Identifier => ({ scheme, value });
const pnc = (value: string) => id(IdentifierScheme.IDENTIFIER_SCHEME_PNC, value);
const cro = (value: string) => id(IdentifierScheme.IDENTIFIER_SCHEME_CRO, value);
const nino = (value: string) => id(IdentifierScheme.IDENTIFIER_SCHEME_NINO, value);
const online = (kind: OnlineIdentifierKind, value: string, platform = ''): OnlineIdentifier => ({
  kind,
  platform,
  value,
  observedAt: undefined,
});
const registration = (r: Partial<Registration>): Registration => ({
  active: true,
  managingForce: '36',
  startDate: undefined,
  endDate: undefined,
  visorRef: '',
  ...r,
});

describe('validatePersonRecord', () => {
  describe('given a valid record', () => {
    it('then it returns the canonical form with the same content', () => {
      const input = personRecord({ sourceRecordId: 'P1' });

      expect(validatePersonRecord(input, { now: NOW })).toEqual({
        ...input,
        registration: undefined,
        handling: { ...input.handling, reviewDate: undefined },
      });
    });

    it('then text is trimmed and blank given names dropped', () => {
      const out = validate({
        sourceSystem: ' niche-rms ',
        sourceRecordId: ' P1 ',
        names: [name([' John ', '  ', 'Paul'], ' Smith ')],
      });

      expect(out.sourceSystem).toBe('niche-rms');
      expect(out.sourceRecordId).toBe('P1');
      expect(out.names).toEqual([name(['John', 'Paul'], 'Smith')]);
    });

    it('then a record identified only by an online identifier is accepted', () => {
      const out = validate({
        names: [],
        onlineIdentifiers: [online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'a@b.com')],
      });

      expect(out.names).toEqual([]);
      expect(out.onlineIdentifiers).toHaveLength(1);
    });

    it('then a record identified only by an identifier is accepted', () => {
      expect(validate({ names: [], identifiers: [pnc('1979/0163001B')] }).identifiers).toEqual([
        pnc('1979/0163001B'),
      ]);
    });

    it('then an unspecified name type and sex are allowed (optional enums)', () => {
      const out = validate({
        names: [name(['John'], 'Smith', NameType.NAME_TYPE_UNSPECIFIED)],
        sex: Sex.SEX_UNSPECIFIED,
      });

      expect(out.names[0]?.type).toBe(NameType.NAME_TYPE_UNSPECIFIED);
      expect(out.sex).toBe(Sex.SEX_UNSPECIFIED);
    });
  });

  describe('required fields', () => {
    it.each<[string, Partial<PersonRecord>, string]>([
      ['sourceSystem', { sourceSystem: '' }, 'sourceSystem'],
      ['sourceSystem (blank)', { sourceSystem: '   ' }, 'sourceSystem'],
      ['sourceRecordId', { sourceRecordId: '' }, 'sourceRecordId'],
      ['a family or given name', { names: [name([], '')] }, 'names[0].family'],
      [
        'a family or given name in the second name',
        { names: [name(['John'], 'Smith'), name(['  '], ' ')] },
        'names[1].family',
      ],
      [
        'an identifier scheme',
        { identifiers: [id(IdentifierScheme.IDENTIFIER_SCHEME_UNSPECIFIED, 'X1')] },
        'identifiers[0].scheme',
      ],
      [
        'an identifier value',
        {
          identifiers: [pnc('1979/0163001B'), id(IdentifierScheme.IDENTIFIER_SCHEME_PASSPORT, ' ')],
        },
        'identifiers[1].value',
      ],
      [
        'an online identifier kind',
        {
          onlineIdentifiers: [online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_UNSPECIFIED, 'x')],
        },
        'onlineIdentifiers[0].kind',
      ],
      [
        'an online identifier value',
        { onlineIdentifiers: [online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, '')] },
        'onlineIdentifiers[0].value',
      ],
      [
        'a platform for a username',
        {
          onlineIdentifiers: [online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME, 'bob')],
        },
        'onlineIdentifiers[0].platform',
      ],
      [
        'a line, town or postcode in an address',
        { addresses: [{ line: ' ', town: '', postcode: '' }] },
        'addresses[0]',
      ],
      ['handling', { handling: undefined }, 'handling'],
      [
        'subjectCategory',
        { subjectCategory: SubjectCategory.SUBJECT_CATEGORY_UNSPECIFIED },
        'subjectCategory',
      ],
      [
        'a managing force on an active registration',
        { registration: registration({ managingForce: '' }) },
        'registration.managingForce',
      ],
    ])('given no %s, then exactly that field is reported', (_what, overrides, field) => {
      expect(rejectedFields(overrides)).toEqual([field]);
    });

    it('given a person with no name, identifier or online identifier, then names is reported', () => {
      expect(rejected({ names: [] })).toEqual([
        {
          field: 'names',
          message: 'a person needs at least one name, identifier or online identifier',
        },
      ]);
    });

    it('given handling null (proto-loader absent message), then handling is reported', () => {
      expect(rejectedFields({ handling: null as never })).toEqual(['handling']);
    });

    it('given several bad fields, then every one is reported and the first is `field`', () => {
      let error: unknown;
      try {
        validate({ sourceRecordId: '', names: [name([], '')], handling: undefined });
      } catch (e) {
        error = e;
      }

      expect(error).toBeInstanceOf(RecordValidationError);
      const e = error as RecordValidationError;
      expect(e.errors.map((x) => x.field)).toEqual([
        'sourceRecordId',
        'names[0].family',
        'handling',
      ]);
      expect(e.field).toBe('sourceRecordId');
      expect(e.message).toContain('names[0].family: a name needs a family name or a given name');
    });
  });

  describe('source keys', () => {
    it.each(['niche rms', '-niche', 'niche#1', 'ñiche'])(
      'given sourceSystem %p, then its format is rejected',
      (sourceSystem) => {
        expect(rejected({ sourceSystem })).toEqual([
          { field: 'sourceSystem', message: 'letters, digits and . _ : / - only' },
        ]);
      },
    );

    it.each(['NICHE:2024/000123', 'a.b_c-d', '0'])(
      'given sourceRecordId %p, then it is accepted',
      (sourceRecordId) => {
        expect(validate({ sourceRecordId }).sourceRecordId).toBe(sourceRecordId);
      },
    );
  });

  describe('unknown enum values (proto-loader passes them as numbers)', () => {
    it.each<[string, Partial<PersonRecord>, string]>([
      ['sex', { sex: 99 as never }, 'sex'],
      ['subjectCategory', { subjectCategory: 42 as never }, 'subjectCategory'],
      ['name type', { names: [name(['John'], 'Smith', 7 as never)] }, 'names[0].type'],
      ['identifier scheme', { identifiers: [id(12 as never, 'X1')] }, 'identifiers[0].scheme'],
      [
        'online identifier kind',
        { onlineIdentifiers: [online(31 as never, 'a@b.com')] },
        'onlineIdentifiers[0].kind',
      ],
    ])('given an unknown %s, then it is reported with the value', (_what, overrides, field) => {
      const errors = rejected(overrides);

      expect(errors).toHaveLength(1);
      expect(errors[0]?.field).toBe(field);
      // The raw number, possibly quoted: checkEnum receives String(value).
      expect(errors[0]?.message).toMatch(/^unknown value "?\d+"?$/);
    });

    it('given sex 99, then the message names 99', () => {
      expect(rejected({ sex: 99 as never })[0]?.message).toMatch(/^unknown value "?99"?$/);
    });

    it('given an unknown string value, then it is reported too', () => {
      expect(rejected({ sex: 'SEX_OTHER' as never })).toEqual([
        { field: 'sex', message: 'unknown value "SEX_OTHER"' },
      ]);
    });
  });

  describe('date of birth', () => {
    it.each([
      { year: 1980, month: 5, day: 17 },
      { year: 1980, month: 5, day: 0 },
      { year: 1980, month: 0, day: 0 },
      { year: 0, month: 5, day: 17 },
      { year: 2024, month: 2, day: 29 },
    ])('given %p, then it is kept as given', (dateOfBirth) => {
      expect(validate({ dateOfBirth }).dateOfBirth).toEqual(dateOfBirth);
    });

    it.each([
      ['null (proto-loader absent message)', null],
      ['undefined', undefined],
      ['all zeros (unknown)', { year: 0, month: 0, day: 0 }],
    ])('given %s, then it comes out undefined', (_label, dateOfBirth) => {
      const out = validate({ dateOfBirth: dateOfBirth as never });

      expect(out.dateOfBirth).toBeUndefined();
    });

    it.each<[string, { year: number; month: number; day: number }, string]>([
      ['a day without a month', { year: 1980, month: 0, day: 17 }, 'dateOfBirth.month'],
      ['30 February', { year: 1980, month: 2, day: 30 }, 'dateOfBirth.day'],
      ['29 February in a common year', { year: 2023, month: 2, day: 29 }, 'dateOfBirth.day'],
      ['31 April', { year: 1980, month: 4, day: 31 }, 'dateOfBirth.day'],
      ['day 32', { year: 1980, month: 1, day: 32 }, 'dateOfBirth.day'],
      ['month 13', { year: 1980, month: 13, day: 0 }, 'dateOfBirth.month'],
      ['a year before 1900', { year: 1899, month: 1, day: 1 }, 'dateOfBirth.year'],
      ['a date in the future', { year: 2025, month: 6, day: 16 }, 'dateOfBirth.year'],
      ['a year in the future', { year: 2026, month: 0, day: 0 }, 'dateOfBirth.year'],
    ])('given %s, then it is rejected at %s', (_what, dateOfBirth, field) => {
      expect(rejectedFields({ dateOfBirth })).toEqual([field]);
    });
  });

  describe('identifiers', () => {
    it.each([
      ['1979/0163001B', '1979/0163001B'],
      ['2002/0073319Z', '2002/0073319Z'],
      ['20030011985X', '2003/0011985X'],
      ['2001/0171310W', '2001/0171310W'],
      ['79/163001B', '1979/0163001B'],
      [' 2001/0171310w ', '2001/0171310W'],
    ])('given PNC ID %p (published vector), then it is stored as %p', (value, canonical) => {
      expect(validate({ identifiers: [pnc(value)] }).identifiers).toEqual([pnc(canonical)]);
    });

    it.each(['20030011985Z', '2001/0171310S'])(
      'given PNC ID %p with a wrong check letter, then its value is rejected',
      (value) => {
        expect(rejected({ identifiers: [pnc('1979/0163001B'), pnc(value)] })).toEqual([
          {
            field: 'identifiers[1].value',
            message: 'PNC ID check character does not match the year and serial number',
          },
        ]);
      },
    );

    it.each(['PNC', '1979-0163001B', '1979/163001B'])(
      'given malformed PNC ID %p, then it is rejected',
      (value) => {
        expect(rejectedFields({ identifiers: [pnc(value)] })).toEqual(['identifiers[0].value']);
      },
    );

    it('given a PNC ID from a year after the clock, then it is rejected', () => {
      const future = pncId(2026, 12345);

      expect(rejected({ identifiers: [pnc(future)] })).toEqual([
        { field: 'identifiers[0].value', message: 'PNC ID year is in the future' },
      ]);
      // …but accepted once that year has come.
      expect(
        validatePersonRecord(personRecord({ sourceRecordId: 'P1', identifiers: [pnc(future)] }), {
          now: new Date('2026-01-01T00:00:00Z'),
        }).identifiers,
      ).toEqual([pnc(future)]);
    });

    it.each([
      ['012345/89Y', '012345/89Y'],
      ['12345/89y', '012345/89Y'],
      ['SF89/012345Y', 'SF89/012345Y'],
      ['sf95/123456k', 'SF95/123456K'],
    ])('given CRO number %p, then it is stored as %p', (value, canonical) => {
      expect(validate({ identifiers: [cro(value)] }).identifiers).toEqual([cro(canonical)]);
    });

    it.each(['012345/89X', 'SF89/012345Z', '0123456/89Y', '012345-89Y'])(
      'given CRO number %p, then it is rejected',
      (value) => {
        expect(rejectedFields({ identifiers: [cro(value)] })).toEqual(['identifiers[0].value']);
      },
    );

    it.each([
      ['AB123456C', 'AB123456C'],
      ['ab 12 34 56 c', 'AB123456C'],
      ['JG103759A', 'JG103759A'],
      ['ZA123456D', 'ZA123456D'],
    ])('given NINO %p, then it is stored as %p', (value, canonical) => {
      expect(validate({ identifiers: [nino(value)] }).identifiers).toEqual([nino(canonical)]);
    });

    it.each([
      'AB123456E', // suffix A-D only
      'AB12345C', // five digits
      'GB123456A', // prefix never issued
      'NK123456A',
      'TN123456A',
      'ZZ123456A',
      'DA123456A', // D is not a valid first letter
      'AO123456A', // O is not a valid second letter
      'QQ123456C', // Q is not a valid first letter (QQ is HMRC's specimen prefix)
    ])('given NINO %p, then it is rejected', (value) => {
      expect(rejected({ identifiers: [nino(value)] })).toEqual([
        {
          field: 'identifiers[0].value',
          message: expect.stringMatching(/^not a National Insurance number/) as string,
        },
      ]);
    });

    it('given a rejected NINO, then the example the message offers is itself accepted', () => {
      const message = rejected({ identifiers: [nino('X')] })[0]?.message ?? '';
      const example = /e\.g\. (\w+)/.exec(message)?.[1];

      expect(example).toBeDefined();
      expect(validate({ identifiers: [nino(example!)] }).identifiers).toEqual([nino(example!)]);
    });

    it('given other schemes, then the value is trimmed and upper-cased', () => {
      expect(
        validate({
          identifiers: [
            id(IdentifierScheme.IDENTIFIER_SCHEME_PASSPORT, ' ab123456 '),
            id(IdentifierScheme.IDENTIFIER_SCHEME_FORCE_URN, 'nr/2024/1'),
          ],
        }).identifiers,
      ).toEqual([
        id(IdentifierScheme.IDENTIFIER_SCHEME_PASSPORT, 'AB123456'),
        id(IdentifierScheme.IDENTIFIER_SCHEME_FORCE_URN, 'NR/2024/1'),
      ]);
    });
  });

  describe('online identifiers', () => {
    it('then each is canonicalised: e-mail lower-cased, phone E.164, username without @ on its platform', () => {
      const out = validate({
        onlineIdentifiers: [
          online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, ' John.Smith@Example.COM '),
          online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE, '07700 900123'),
          online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME, '@Bob', 'Instagram'),
        ],
      });

      expect(out.onlineIdentifiers).toEqual([
        online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'john.smith@example.com'),
        online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE, '+447700900123'),
        online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME, 'bob', 'instagram'),
      ]);
    });

    it('given a platform on an e-mail, then it is dropped (an address is the same on every platform)', () => {
      const out = validate({
        onlineIdentifiers: [
          online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'a@b.com', 'gmail'),
        ],
      });

      expect(out.onlineIdentifiers[0]?.platform).toBe('');
    });

    it('given observedAt null (proto-loader absent message), then it comes out undefined', () => {
      const out = validate({
        onlineIdentifiers: [
          {
            ...online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'a@b.com'),
            observedAt: null as never,
          },
        ],
      });

      expect(out.onlineIdentifiers[0]?.observedAt).toBeUndefined();
    });

    it('given an observedAt, then it is kept', () => {
      const observedAt = { seconds: 1_700_000_000, nanos: 0 };
      const out = validate({
        onlineIdentifiers: [
          {
            ...online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_IP_ADDRESS, '203.0.113.7'),
            observedAt,
          },
        ],
      });

      expect(out.onlineIdentifiers[0]?.observedAt).toEqual(observedAt);
    });

    it.each<[string, OnlineIdentifier]>([
      [
        'an e-mail without @',
        online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'john.example.com'),
      ],
      ['a phone that is not one', online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE, '12')],
    ])('given %s, then its value is rejected', (_what, o) => {
      expect(
        rejectedFields({
          onlineIdentifiers: [
            online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'a@b.com'),
            o,
          ],
        }),
      ).toEqual(['onlineIdentifiers[1].value']);
    });
  });

  describe('addresses', () => {
    it('then the postcode is canonical (upper case, one space)', () => {
      expect(
        validate({ addresses: [{ line: ' 1 Market St ', town: 'Norwich', postcode: 'nr11aa' }] })
          .addresses,
      ).toEqual([{ line: '1 Market St', town: 'Norwich', postcode: 'NR1 1AA' }]);
    });

    it('given only a town, then the address is accepted', () => {
      expect(
        validate({ addresses: [{ line: '', town: 'Norwich', postcode: '' }] }).addresses,
      ).toHaveLength(1);
    });

    it.each(['XYZ', 'NR1', '12345'])('given postcode %p, then it is rejected', (postcode) => {
      expect(rejected({ addresses: [{ line: '', town: 'Norwich', postcode }] })).toEqual([
        { field: 'addresses[0].postcode', message: 'not a UK postcode' },
      ]);
    });
  });

  describe('registration (RSO notification)', () => {
    it('given an active registration with a PNC force code, then it is kept', () => {
      const r = registration({
        managingForce: ' 36 ',
        startDate: { year: 2020, month: 3, day: 1 },
        endDate: { year: 2030, month: 3, day: 1 },
        visorRef: 'V123',
      });

      expect(validate({ registration: r }).registration).toEqual({ ...r, managingForce: '36' });
    });

    it.each([
      ['null (proto-loader absent message)', null],
      ['undefined', undefined],
      ['inactive and empty', registration({ active: false, managingForce: '' })],
      [
        'inactive with zero dates',
        registration({
          active: false,
          managingForce: '',
          startDate: { year: 0, month: 0, day: 0 },
          endDate: { year: 0, month: 0, day: 0 },
        }),
      ],
    ])('given %s, then it comes out undefined', (_label, r) => {
      expect(validate({ registration: r as never }).registration).toBeUndefined();
    });

    it('given null dates (proto-loader absent messages), then they come out undefined', () => {
      const out = validate({
        registration: registration({ startDate: null as never, endDate: null as never }),
      });

      expect(out.registration).toEqual(registration({}));
      expect(out.registration?.startDate).toBeUndefined();
      expect(out.registration?.endDate).toBeUndefined();
    });

    it('given an inactive registration that still names a force, then it is kept', () => {
      expect(validate({ registration: registration({ active: false }) }).registration).toEqual(
        registration({ active: false }),
      );
    });

    it.each(['99', '00', '02', 'XX', '7'])(
      'given managing force %p, which is no PNC force code, then it is rejected',
      (managingForce) => {
        expect(rejected({ registration: registration({ managingForce }) })).toEqual([
          { field: 'registration.managingForce', message: 'not a PNC force code' },
        ]);
      },
    );

    it('given a managing force longer than two characters, then it is rejected', () => {
      expect(rejectedFields({ registration: registration({ managingForce: '036' }) })).toContain(
        'registration.managingForce',
      );
    });

    it.each<[string, Partial<Registration>, string]>([
      [
        'a start date before 1997',
        { startDate: { year: 1996, month: 12, day: 1 } },
        'registration.startDate.year',
      ],
      [
        'a start date in the future',
        { startDate: { year: 2026, month: 1, day: 1 } },
        'registration.startDate.year',
      ],
      [
        'an end date that does not exist',
        { endDate: { year: 2030, month: 2, day: 30 } },
        'registration.endDate.day',
      ],
    ])('given %s, then it is rejected', (_what, r, field) => {
      expect(rejectedFields({ registration: registration(r) })).toEqual([field]);
    });

    it('given an end date in the future, then it is accepted (notification periods run on)', () => {
      const endDate = { year: 2035, month: 1, day: 1 };

      expect(validate({ registration: registration({ endDate }) }).registration?.endDate).toEqual(
        endDate,
      );
    });
  });

  describe('size bounds', () => {
    const many = <T>(n: number, f: (i: number) => T): T[] =>
      Array.from({ length: n }, (_, i) => f(i));

    it.each<[string, Partial<PersonRecord>, string]>([
      ['more than 20 names', { names: many(21, (i) => name(['John'], `Smith${i}`)) }, 'names'],
      [
        'more than 6 given names',
        {
          names: [
            name(
              many(7, () => 'John'),
              'Smith',
            ),
          ],
        },
        'names[0].given',
      ],
      [
        'a family name over 100 characters',
        { names: [name(['John'], 'S'.repeat(101))] },
        'names[0].family',
      ],
      [
        'more than 20 identifiers',
        { identifiers: many(21, (i) => id(IdentifierScheme.IDENTIFIER_SCHEME_OTHER, `X${i}`)) },
        'identifiers',
      ],
      [
        'an identifier over 64 characters',
        { identifiers: [id(IdentifierScheme.IDENTIFIER_SCHEME_OTHER, 'X'.repeat(65))] },
        'identifiers[0].value',
      ],
      [
        'more than 50 online identifiers',
        {
          onlineIdentifiers: many(51, (i) =>
            online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, `a${i}@b.com`),
          ),
        },
        'onlineIdentifiers',
      ],
      [
        'an online identifier over 512 characters',
        {
          onlineIdentifiers: [
            online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_DEVICE_ID, '1'.repeat(513)),
          ],
        },
        'onlineIdentifiers[0].value',
      ],
      [
        'a platform over 64 characters',
        {
          onlineIdentifiers: [
            online(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME, 'bob', 'p'.repeat(65)),
          ],
        },
        'onlineIdentifiers[0].platform',
      ],
      [
        'more than 20 addresses',
        { addresses: many(21, (i) => ({ line: `${i} High St`, town: '', postcode: '' })) },
        'addresses',
      ],
      [
        'an address line over 200 characters',
        { addresses: [{ line: 'x'.repeat(201), town: '', postcode: '' }] },
        'addresses[0].line',
      ],
      [
        'a town over 100 characters',
        { addresses: [{ line: '', town: 'x'.repeat(101), postcode: '' }] },
        'addresses[0].town',
      ],
      ['a sourceSystem over 64 characters', { sourceSystem: 'n'.repeat(65) }, 'sourceSystem'],
      [
        'a sourceRecordId over 128 characters',
        { sourceRecordId: 'P'.repeat(129) },
        'sourceRecordId',
      ],
      [
        'a VISOR reference over 32 characters',
        { registration: registration({ visorRef: 'V'.repeat(33) }) },
        'registration.visorRef',
      ],
    ])('given %s, then exactly that field is rejected', (_what, overrides, field) => {
      expect(rejectedFields(overrides)).toEqual([field]);
    });

    it('given a given name over 100 characters, then that given name is reported by index', () => {
      expect(rejectedFields({ names: [name(['John', 'x'.repeat(101)], 'Smith')] })).toEqual([
        'names[0].given[1]',
      ]);
    });

    it('given exactly the maximum of each, then the record is accepted', () => {
      const out = validate({
        sourceSystem: 'n'.repeat(64),
        sourceRecordId: 'P'.repeat(128),
        names: many(20, (i) =>
          name(
            many(6, () => 'J'.repeat(100)),
            `${'S'.repeat(99)}${i % 10}`,
          ),
        ),
        identifiers: many(20, (i) =>
          id(IdentifierScheme.IDENTIFIER_SCHEME_OTHER, `${i}`.padEnd(64, 'X')),
        ),
        addresses: many(20, (i) => ({
          line: `${i}`.padEnd(200, 'x'),
          town: 'x'.repeat(100),
          postcode: '',
        })),
      });

      expect(out.names).toHaveLength(20);
      expect(out.identifiers).toHaveLength(20);
      expect(out.addresses).toHaveLength(20);
    });
  });
});
