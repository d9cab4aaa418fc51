import {
  Classification,
  GradingScheme,
  HandlingCode,
  IdentifierScheme,
  NameType,
  OnlineIdentifierKind,
  Sex,
  SubjectCategory,
  type Handling,
  type PersonName,
  type PersonRecord,
} from '@intel/contracts';
import { handlingP, personRecord } from '@intel/testing';
import { isShareable, mergeNominalState, mostRestrictiveHandling } from './nominal-state';

const UPDATED_AT = { seconds: 1_750_000_000, nanos: 0 };

const name = (given: string[], family: string, type: NameType): PersonName => ({
  given,
  family,
  type,
});
const handling = (h: Partial<Handling>): Handling => ({ ...handlingP(), ...h });
const victim = (overrides: Partial<PersonRecord> & { sourceRecordId: string }) =>
  personRecord({ subjectCategory: SubjectCategory.SUBJECT_CATEGORY_VICTIM, ...overrides });

describe('isShareable', () => {
  it.each([
    SubjectCategory.SUBJECT_CATEGORY_SUSPECT,
    SubjectCategory.SUBJECT_CATEGORY_CONVICTED,
    SubjectCategory.SUBJECT_CATEGORY_WITNESS,
    SubjectCategory.SUBJECT_CATEGORY_OTHER,
  ])('given a %s record, then it is shareable', (subjectCategory) => {
    expect(isShareable(personRecord({ sourceRecordId: 'P1', subjectCategory }))).toBe(true);
  });

  it('given a victim record, then it is not shareable (victims never enter the shared layer)', () => {
    expect(isShareable(victim({ sourceRecordId: 'P1' }))).toBe(false);
  });
});

describe('mostRestrictiveHandling', () => {
  it('given no handlings, then there is none', () => {
    expect(mostRestrictiveHandling([])).toBeUndefined();
  });

  it('given one handling, then it is returned unchanged', () => {
    const h = handling({ sourceEvaluation: '2', intelligenceAssessment: 'B' });

    expect(mostRestrictiveHandling([h])).toEqual(h);
  });

  it('given any code C, then the result is C with every distinct condition joined in order', () => {
    const result = mostRestrictiveHandling([
      handling({
        handlingCode: HandlingCode.HANDLING_CODE_C,
        handlingConditions: 'No onward disclosure',
      }),
      handling({}),
      handling({
        handlingCode: HandlingCode.HANDLING_CODE_C,
        handlingConditions: ' Contact OIC first ',
      }),
      handling({
        handlingCode: HandlingCode.HANDLING_CODE_C,
        handlingConditions: 'No onward disclosure',
      }),
    ]);

    expect(result?.handlingCode).toBe(HandlingCode.HANDLING_CODE_C);
    expect(result?.handlingConditions).toBe('No onward disclosure | Contact OIC first');
  });

  it('given only code P, then the result is P with no conditions', () => {
    const result = mostRestrictiveHandling([handling({}), handling({})]);

    expect(result?.handlingCode).toBe(HandlingCode.HANDLING_CODE_P);
    expect(result?.handlingConditions).toBe('');
  });

  it('given any OFFICIAL-SENSITIVE, then the result is OFFICIAL-SENSITIVE whatever its position', () => {
    const sensitive = handling({
      classification: Classification.CLASSIFICATION_OFFICIAL_SENSITIVE,
    });

    expect(mostRestrictiveHandling([handling({}), sensitive])?.classification).toBe(
      Classification.CLASSIFICATION_OFFICIAL_SENSITIVE,
    );
    expect(mostRestrictiveHandling([sensitive, handling({})])?.classification).toBe(
      Classification.CLASSIFICATION_OFFICIAL_SENSITIVE,
    );
    expect(mostRestrictiveHandling([handling({}), handling({})])?.classification).toBe(
      Classification.CLASSIFICATION_OFFICIAL,
    );
  });

  it('given several review dates, then the earliest wins and absent ones are ignored', () => {
    const result = mostRestrictiveHandling([
      handling({ reviewDate: { year: 2031, month: 1, day: 1 } }),
      handling({ reviewDate: undefined }),
      handling({ reviewDate: { year: 2030, month: 12, day: 31 } }),
      handling({ reviewDate: { year: 2030, month: 12, day: 30 } }),
      handling({ reviewDate: { year: 2030, month: 11, day: 31 } }),
    ]);

    expect(result?.reviewDate).toEqual({ year: 2030, month: 11, day: 31 });
  });

  it('given no review dates, then there is none', () => {
    expect(
      mostRestrictiveHandling([handling({}), handling({ reviewDate: null as never })])?.reviewDate,
    ).toBeUndefined();
  });

  it('given several 3x5x2 grades, then the least reliable source and the weakest assessment are kept', () => {
    const result = mostRestrictiveHandling([
      handling({ sourceEvaluation: '1', intelligenceAssessment: 'D' }),
      handling({ sourceEvaluation: '3', intelligenceAssessment: 'A' }),
      handling({ sourceEvaluation: '2', intelligenceAssessment: 'B' }),
    ]);

    expect(result).toMatchObject({ sourceEvaluation: '3', intelligenceAssessment: 'D' });
  });

  it('given 3x5x2 and legacy 5x5x5 grades, then the grade comes from the 3x5x2 ones only', () => {
    const result = mostRestrictiveHandling([
      handling({
        gradingScheme: GradingScheme.GRADING_SCHEME_5X5X5,
        sourceEvaluation: 'E',
        intelligenceAssessment: '5',
      }),
      handling({ sourceEvaluation: '2', intelligenceAssessment: 'C' }),
    ]);

    expect(result).toMatchObject({
      gradingScheme: GradingScheme.GRADING_SCHEME_3X5X2,
      sourceEvaluation: '2',
      intelligenceAssessment: 'C',
    });
  });

  it('given only 5x5x5 grades, then the result is graded 5x5x5', () => {
    const result = mostRestrictiveHandling([
      handling({
        gradingScheme: GradingScheme.GRADING_SCHEME_5X5X5,
        sourceEvaluation: 'B',
        intelligenceAssessment: '2',
      }),
      handling({
        gradingScheme: GradingScheme.GRADING_SCHEME_5X5X5,
        sourceEvaluation: 'A',
        intelligenceAssessment: '4',
      }),
    ]);

    expect(result).toMatchObject({
      gradingScheme: GradingScheme.GRADING_SCHEME_5X5X5,
      sourceEvaluation: 'B',
      intelligenceAssessment: '4',
    });
  });
});

describe('mergeNominalState', () => {
  const merge = (records: PersonRecord[]) => mergeNominalState('N1', 3, records, UPDATED_AT);

  it('given one record, then the state carries its content, id, version and time', () => {
    const r = personRecord({
      sourceRecordId: 'P1',
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: '1979/0163001B' }],
    });

    expect(merge([r])).toEqual({
      nominalId: 'N1',
      version: 3,
      names: r.names,
      datesOfBirth: [r.dateOfBirth],
      sex: Sex.SEX_MALE,
      identifiers: r.identifiers,
      onlineIdentifiers: [],
      addresses: [],
      registrations: [],
      handling: r.handling,
      subjectCategories: [SubjectCategory.SUBJECT_CATEGORY_SUSPECT],
      sources: [{ sourceSystem: 'niche-rms', sourceRecordId: 'P1' }],
      updatedAt: UPDATED_AT,
    });
  });

  describe('victims', () => {
    it('given a victim record among others, then nothing of it is published', () => {
      const suspect = personRecord({ sourceRecordId: 'P1' });
      const victimRecord = victim({
        sourceRecordId: 'P2',
        names: [name(['Amy'], 'Jones', NameType.NAME_TYPE_BIRTH)],
        dateOfBirth: { year: 2011, month: 3, day: 4 },
        sex: Sex.SEX_FEMALE,
        identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_NINO, value: 'AB123456C' }],
        onlineIdentifiers: [
          {
            kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
            platform: '',
            value: 'amy@example.com',
            observedAt: undefined,
          },
        ],
        addresses: [{ line: '1 Market St', town: 'Norwich', postcode: 'NR1 1AA' }],
        handling: handling({
          handlingCode: HandlingCode.HANDLING_CODE_C,
          handlingConditions: 'victim record',
        }),
      });

      const state = merge([suspect, victimRecord]);

      expect(state).toEqual(merge([suspect]));
      expect(JSON.stringify(state)).not.toMatch(
        /Amy|Jones|amy@example|AB123456C|NR1 1AA|P2|victim record|2011/,
      );
    });

    it('given only victim records, then the state is empty (nothing to publish)', () => {
      const state = merge([victim({ sourceRecordId: 'P1' })]);

      expect(state).toMatchObject({
        names: [],
        datesOfBirth: [],
        identifiers: [],
        sources: [],
        subjectCategories: [],
        sex: Sex.SEX_UNSPECIFIED,
        handling: undefined,
      });
    });
  });

  describe('names', () => {
    it('given names across records, then they are de-duplicated ignoring case, birth names first', () => {
      const state = merge([
        personRecord({
          sourceRecordId: 'P1',
          names: [
            name(['Bob'], 'Smith', NameType.NAME_TYPE_NICKNAME),
            name(['Rob'], 'Smith', NameType.NAME_TYPE_ALIAS),
          ],
        }),
        personRecord({
          sourceRecordId: 'P2',
          names: [
            name(['Robert'], 'Smith', NameType.NAME_TYPE_UNSPECIFIED),
            name(['ROBERT'], 'SMITH', NameType.NAME_TYPE_BIRTH),
            name(['Robert'], 'Smith', NameType.NAME_TYPE_BIRTH),
            name(['rob'], 'smith', NameType.NAME_TYPE_ALIAS),
          ],
        }),
      ]);

      expect(state.names).toEqual([
        name(['ROBERT'], 'SMITH', NameType.NAME_TYPE_BIRTH),
        name(['Robert'], 'Smith', NameType.NAME_TYPE_UNSPECIFIED),
        name(['Rob'], 'Smith', NameType.NAME_TYPE_ALIAS),
        name(['Bob'], 'Smith', NameType.NAME_TYPE_NICKNAME),
      ]);
    });

    it('given the same name as a birth name and an alias, then both are kept', () => {
      const state = merge([
        personRecord({
          sourceRecordId: 'P1',
          names: [
            name(['John'], 'Smith', NameType.NAME_TYPE_ALIAS),
            name(['John'], 'Smith', NameType.NAME_TYPE_BIRTH),
          ],
        }),
      ]);

      expect(state.names.map((n) => n.type)).toEqual([
        NameType.NAME_TYPE_BIRTH,
        NameType.NAME_TYPE_ALIAS,
      ]);
    });
  });

  describe('other fields', () => {
    it('given overlapping content, then dates, identifiers, online identifiers and addresses are de-duplicated in order', () => {
      const pnc = { scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: '1979/0163001B' };
      const cro = { scheme: IdentifierScheme.IDENTIFIER_SCHEME_CRO, value: '012345/89Y' };
      const mail = {
        kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
        platform: '',
        value: 'a@b.com',
        observedAt: undefined,
      };
      const seenLater = { ...mail, observedAt: { seconds: 1_700_000_000, nanos: 0 } };
      const home = { line: '1 Market St', town: 'Norwich', postcode: 'NR1 1AA' };

      const state = merge([
        personRecord({
          sourceRecordId: 'P1',
          identifiers: [pnc],
          onlineIdentifiers: [mail],
          addresses: [home],
        }),
        personRecord({
          sourceRecordId: 'P2',
          dateOfBirth: { year: 1980, month: 0, day: 0 },
          identifiers: [pnc, cro],
          onlineIdentifiers: [seenLater],
          addresses: [home, { ...home, line: '2 Market St' }],
        }),
        personRecord({ sourceRecordId: 'P3', dateOfBirth: { year: 1980, month: 5, day: 17 } }),
      ]);

      expect(state.datesOfBirth).toEqual([
        { year: 1980, month: 5, day: 17 },
        { year: 1980, month: 0, day: 0 },
      ]);
      expect(state.identifiers).toEqual([pnc, cro]);
      expect(state.onlineIdentifiers).toEqual([mail]);
      expect(state.addresses).toEqual([home, { ...home, line: '2 Market St' }]);
    });

    it('given records in submission order, then every shareable source is listed in that order', () => {
      const state = merge([
        personRecord({ sourceRecordId: 'P2' }),
        victim({ sourceRecordId: 'P9' }),
        personRecord({ sourceRecordId: 'P1', sourceSystem: 'athena' }),
      ]);

      expect(state.sources).toEqual([
        { sourceSystem: 'niche-rms', sourceRecordId: 'P2' },
        { sourceSystem: 'athena', sourceRecordId: 'P1' },
      ]);
    });

    it('given registrations, then identical ones are listed once', () => {
      const reg = {
        active: true,
        managingForce: '36',
        startDate: undefined,
        endDate: undefined,
        visorRef: 'V1',
      };

      const state = merge([
        personRecord({ sourceRecordId: 'P1', registration: reg }),
        personRecord({ sourceRecordId: 'P2', registration: { ...reg } }),
        personRecord({ sourceRecordId: 'P3' }),
      ]);

      expect(state.registrations).toEqual([reg]);
    });

    it('given differing sexes, then the most common known one wins over unknown', () => {
      const rec = (id: string, sex: Sex) => personRecord({ sourceRecordId: id, sex });

      expect(
        merge([
          rec('1', Sex.SEX_UNKNOWN),
          rec('2', Sex.SEX_FEMALE),
          rec('3', Sex.SEX_MALE),
          rec('4', Sex.SEX_FEMALE),
        ]).sex,
      ).toBe(Sex.SEX_FEMALE);
      expect(merge([rec('1', Sex.SEX_UNSPECIFIED), rec('2', Sex.SEX_UNKNOWN)]).sex).toBe(
        Sex.SEX_UNKNOWN,
      );
      expect(merge([rec('1', Sex.SEX_UNSPECIFIED)]).sex).toBe(Sex.SEX_UNSPECIFIED);
    });

    it('given records with different categories, then each category is listed once', () => {
      const state = merge([
        personRecord({
          sourceRecordId: 'P1',
          subjectCategory: SubjectCategory.SUBJECT_CATEGORY_CONVICTED,
        }),
        personRecord({ sourceRecordId: 'P2' }),
        personRecord({
          sourceRecordId: 'P3',
          subjectCategory: SubjectCategory.SUBJECT_CATEGORY_CONVICTED,
        }),
      ]);

      expect(state.subjectCategories).toEqual([
        SubjectCategory.SUBJECT_CATEGORY_CONVICTED,
        SubjectCategory.SUBJECT_CATEGORY_SUSPECT,
      ]);
    });

    it('given records with different handling, then the state carries the most restrictive', () => {
      const state = merge([
        personRecord({ sourceRecordId: 'P1' }),
        personRecord({
          sourceRecordId: 'P2',
          handling: handling({
            classification: Classification.CLASSIFICATION_OFFICIAL_SENSITIVE,
            handlingCode: HandlingCode.HANDLING_CODE_C,
            handlingConditions: 'Contact OIC first',
          }),
        }),
      ]);

      expect(state.handling).toMatchObject({
        classification: Classification.CLASSIFICATION_OFFICIAL_SENSITIVE,
        handlingCode: HandlingCode.HANDLING_CODE_C,
        handlingConditions: 'Contact OIC first',
      });
    });

    it('is pure: the same records give the same state', () => {
      const records = [
        personRecord({ sourceRecordId: 'P1' }),
        personRecord({ sourceRecordId: 'P2', sex: Sex.SEX_FEMALE }),
      ];

      expect(merge(records)).toEqual(merge(structuredClone(records)));
    });
  });
});
