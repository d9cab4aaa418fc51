import {
  Classification,
  GradingScheme,
  HandlingCode,
  type Handling,
  type IncidentRecord,
  type PersonRecord,
} from '@intel/contracts';
import { handlingP, incidentRecord, personRecord } from '@intel/testing';
import { RecordValidationError, type FieldError } from './field-error';
import { validateIncidentRecord } from './incident-record.validator';
import { validatePersonRecord } from './person-record.validator';

// checkHandling is exercised through both record validators: every record carries handling.
const NOW = new Date('2025-06-15T12:00:00Z');

const validators: Array<[string, (h: Handling) => PersonRecord | IncidentRecord]> = [
  [
    'person',
    (handling) =>
      validatePersonRecord(personRecord({ sourceRecordId: 'P1', handling }), { now: NOW }),
  ],
  [
    'incident',
    (handling) =>
      validateIncidentRecord(incidentRecord({ sourceRecordId: 'I1', handling }), { now: NOW }),
  ],
];

const handling = (h: Partial<Handling>): Handling => ({ ...handlingP(), ...h });

describe.each(validators)('handling on a %s record', (_kind, validate) => {
  function rejected(h: Partial<Handling>): FieldError[] {
    try {
      validate(handling(h));
    } catch (e) {
      if (e instanceof RecordValidationError) return e.errors;
      throw e;
    }
    throw new Error('expected the record to be rejected');
  }
  const accepted = (h: Partial<Handling>) => validate(handling(h)).handling;

  describe('3x5x2 grading', () => {
    it.each(['1', '2', '3'])(
      'given source evaluation %p, then it is accepted',
      (sourceEvaluation) => {
        expect(accepted({ sourceEvaluation })?.sourceEvaluation).toBe(sourceEvaluation);
      },
    );

    it.each(['A', 'B', 'C', 'D', 'E'])(
      'given intelligence assessment %p, then it is accepted',
      (intelligenceAssessment) => {
        expect(accepted({ intelligenceAssessment })?.intelligenceAssessment).toBe(
          intelligenceAssessment,
        );
      },
    );

    it.each(['0', '4', '5', 'A', '', '12'])(
      'given source evaluation %p, then it is rejected',
      (sourceEvaluation) => {
        expect(rejected({ sourceEvaluation })).toEqual([
          {
            field: 'handling.sourceEvaluation',
            message: 'must be one of 1-3 for this grading scheme',
          },
        ]);
      },
    );

    it.each(['F', '1', 'a', ''])(
      'given intelligence assessment %p, then it is rejected',
      (intelligenceAssessment) => {
        expect(rejected({ intelligenceAssessment })).toEqual([
          {
            field: 'handling.intelligenceAssessment',
            message: 'must be one of A-E for this grading scheme',
          },
        ]);
      },
    );

    it('given an unspecified grading scheme, then it is graded as 3x5x2', () => {
      expect(
        accepted({
          gradingScheme: GradingScheme.GRADING_SCHEME_UNSPECIFIED,
          sourceEvaluation: '3',
          intelligenceAssessment: 'E',
        }),
      ).toMatchObject({ sourceEvaluation: '3', intelligenceAssessment: 'E' });
      expect(
        rejected({
          gradingScheme: GradingScheme.GRADING_SCHEME_UNSPECIFIED,
          sourceEvaluation: 'A',
        }).map((e) => e.field),
      ).toEqual(['handling.sourceEvaluation']);
    });
  });

  describe('legacy 5x5x5 grading', () => {
    it.each([
      ['A', '1'],
      ['E', '5'],
      ['C', '3'],
    ])(
      'given source %p and intelligence %p, then it is accepted',
      (sourceEvaluation, intelligenceAssessment) => {
        expect(
          accepted({
            gradingScheme: GradingScheme.GRADING_SCHEME_5X5X5,
            sourceEvaluation,
            intelligenceAssessment,
          }),
        ).toMatchObject({
          gradingScheme: GradingScheme.GRADING_SCHEME_5X5X5,
          sourceEvaluation,
          intelligenceAssessment,
        });
      },
    );

    it('given 3x5x2 codes under 5x5x5, then both grades are rejected', () => {
      expect(
        rejected({
          gradingScheme: GradingScheme.GRADING_SCHEME_5X5X5,
          sourceEvaluation: '1',
          intelligenceAssessment: 'A',
        }),
      ).toEqual([
        {
          field: 'handling.sourceEvaluation',
          message: 'must be one of A-E for this grading scheme',
        },
        {
          field: 'handling.intelligenceAssessment',
          message: 'must be one of 1-5 for this grading scheme',
        },
      ]);
    });

    it('given intelligence 6 under 5x5x5, then it is rejected', () => {
      expect(
        rejected({
          gradingScheme: GradingScheme.GRADING_SCHEME_5X5X5,
          sourceEvaluation: 'A',
          intelligenceAssessment: '6',
        }).map((e) => e.field),
      ).toEqual(['handling.intelligenceAssessment']);
    });
  });

  describe('handling code', () => {
    it('given code C without conditions, then handlingConditions is required', () => {
      expect(
        rejected({ handlingCode: HandlingCode.HANDLING_CODE_C, handlingConditions: '' }),
      ).toEqual([
        { field: 'handling.handlingConditions', message: 'required when handlingCode is C' },
      ]);
    });

    it('given code C with blank conditions, then they count as missing', () => {
      expect(
        rejected({ handlingCode: HandlingCode.HANDLING_CODE_C, handlingConditions: '   ' }).map(
          (e) => e.field,
        ),
      ).toEqual(['handling.handlingConditions']);
    });

    it('given code C with conditions, then they are kept, trimmed', () => {
      expect(
        accepted({
          handlingCode: HandlingCode.HANDLING_CODE_C,
          handlingConditions: '  Not to be shared with the CPS  ',
        }),
      ).toMatchObject({
        handlingCode: HandlingCode.HANDLING_CODE_C,
        handlingConditions: 'Not to be shared with the CPS',
      });
    });

    it('given conditions over 1000 characters, then they are rejected', () => {
      expect(
        rejected({
          handlingCode: HandlingCode.HANDLING_CODE_C,
          handlingConditions: 'x'.repeat(1001),
        }),
      ).toEqual([{ field: 'handling.handlingConditions', message: 'at most 1000 characters' }]);
    });

    it.each([
      ['unspecified', HandlingCode.HANDLING_CODE_UNSPECIFIED],
      ['unknown (numeric)', 5 as never],
    ])('given an %s handling code, then it is rejected', (_what, handlingCode) => {
      expect(rejected({ handlingCode }).map((e) => e.field)).toEqual(['handling.handlingCode']);
    });
  });

  describe('classification and scheme', () => {
    it('given OFFICIAL-SENSITIVE, then it is accepted', () => {
      expect(
        accepted({ classification: Classification.CLASSIFICATION_OFFICIAL_SENSITIVE })
          ?.classification,
      ).toBe(Classification.CLASSIFICATION_OFFICIAL_SENSITIVE);
    });

    it.each([
      ['unspecified', Classification.CLASSIFICATION_UNSPECIFIED],
      ['unknown (numeric)', 3 as never],
      ['SECRET (not carried by this system)', 'CLASSIFICATION_SECRET' as never],
    ])('given an %s classification, then it is rejected', (_what, classification) => {
      expect(rejected({ classification }).map((e) => e.field)).toEqual(['handling.classification']);
    });

    it('given an unknown numeric grading scheme, then it is rejected', () => {
      expect(rejected({ gradingScheme: 9 as never })).toEqual([
        { field: 'handling.gradingScheme', message: 'unknown grading scheme' },
      ]);
    });
  });

  describe('review date (MoPI)', () => {
    it('given a full review date in the future, then it is kept', () => {
      const reviewDate = { year: 2035, month: 6, day: 1 };

      expect(accepted({ reviewDate })?.reviewDate).toEqual(reviewDate);
    });

    it.each([
      ['null (proto-loader absent message)', null],
      ['undefined', undefined],
      ['all zeros', { year: 0, month: 0, day: 0 }],
    ])('given %s, then it comes out undefined', (_label, reviewDate) => {
      const out = accepted({ reviewDate: reviewDate as never });

      expect(out).toBeDefined();
      expect(out?.reviewDate).toBeUndefined();
    });

    it('given a partial review date, then a full date is required', () => {
      expect(rejected({ reviewDate: { year: 2035, month: 6, day: 0 } })).toEqual([
        { field: 'handling.reviewDate', message: 'a full date (year, month and day) is required' },
      ]);
    });

    it('given a review date that does not exist, then its day is rejected', () => {
      expect(
        rejected({ reviewDate: { year: 2035, month: 2, day: 30 } }).map((e) => e.field),
      ).toEqual(['handling.reviewDate.day']);
    });
  });
});
