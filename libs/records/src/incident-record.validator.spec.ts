import {
  IncidentCategory,
  IncidentOutcome,
  OnlineIdentifierKind,
  SubjectRole,
  type IncidentRecord,
  type IncidentSubject,
} from '@intel/contracts';
import { incidentRecord } from '@intel/testing';
import { RecordValidationError, type FieldError } from './field-error';
import { validateIncidentRecord } from './incident-record.validator';

const NOW = new Date('2025-06-15T12:00:00Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

function validate(overrides: Partial<IncidentRecord>): IncidentRecord {
  return validateIncidentRecord(incidentRecord({ sourceRecordId: 'I1', ...overrides }), {
    now: NOW,
  });
}

/** The errors a rejected record reports; fails the test if the record is accepted. */
function rejected(overrides: Partial<IncidentRecord>): FieldError[] {
  try {
    validate(overrides);
  } catch (e) {
    if (e instanceof RecordValidationError) return e.errors;
    throw e;
  }
  throw new Error('expected the record to be rejected');
}

const rejectedFields = (overrides: Partial<IncidentRecord>) =>
  rejected(overrides).map((e) => e.field);

const subject = (
  personSourceRecordId: string,
  role = SubjectRole.SUBJECT_ROLE_SUSPECT,
  personSourceSystem = '',
): IncidentSubject => ({ personSourceRecordId, role, personSourceSystem });

const ts = (seconds: number, nanos = 0) => ({ seconds, nanos });

describe('validateIncidentRecord', () => {
  describe('given a valid record', () => {
    it('then it returns the canonical form with the same content', () => {
      const input = incidentRecord({ sourceRecordId: 'I1' });

      expect(validateIncidentRecord(input, { now: NOW })).toEqual({
        ...input,
        handling: { ...input.handling, reviewDate: undefined },
      });
    });

    it('then offence codes are upper-cased and platforms lower-cased and trimmed', () => {
      const out = validate({
        offenceCodes: ['sx03224a', 'SX03225'],
        platforms: [' Snapchat ', 'TikTok'],
      });

      expect(out.offenceCodes).toEqual(['SX03224A', 'SX03225']);
      expect(out.platforms).toEqual(['snapchat', 'tiktok']);
    });

    it('then online identifiers are canonical', () => {
      const out = validate({
        onlineIdentifiers: [
          {
            kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
            platform: '',
            value: 'JOHN@Example.com',
            observedAt: undefined,
          },
        ],
      });

      expect(out.onlineIdentifiers.map((o) => o.value)).toEqual(['john@example.com']);
    });

    it('then an absent immediateRiskToChild becomes false', () => {
      expect(validate({ immediateRiskToChild: undefined }).immediateRiskToChild).toBe(false);
      expect(validate({ immediateRiskToChild: true }).immediateRiskToChild).toBe(true);
    });

    it('then an unspecified outcome is allowed (the outcome may not be known yet)', () => {
      expect(validate({ outcome: IncidentOutcome.INCIDENT_OUTCOME_UNSPECIFIED }).outcome).toBe(
        IncidentOutcome.INCIDENT_OUTCOME_UNSPECIFIED,
      );
    });
  });

  describe('offence codes (CJS)', () => {
    it.each(['SX03224', 'SX03224A', 'SX03225', 'SX03160'])(
      'given %p, then it is accepted',
      (code) => {
        expect(validate({ offenceCodes: [code] }).offenceCodes).toEqual([code]);
      },
    );

    it.each(['XX1', 'SX0322', 'SX032245', 'SX03224B', 'S103224', '03224SX'])(
      'given %p, then offenceCodes[0] is rejected',
      (code) => {
        expect(rejected({ offenceCodes: [code] })).toEqual([
          {
            field: 'offenceCodes[0]',
            message: expect.stringContaining('not a CJS offence code') as string,
          },
        ]);
      },
    );

    it('given a bad code after a good one, then it is reported by its index', () => {
      expect(rejectedFields({ offenceCodes: ['SX03224', 'XX1'] })).toEqual(['offenceCodes[1]']);
    });

    it('given a blank code, then it is reported as required', () => {
      expect(rejected({ offenceCodes: [' '] })).toEqual([
        { field: 'offenceCodes[0]', message: 'is required' },
      ]);
    });

    it('given no offence codes, then the record is accepted (they may not be known yet)', () => {
      expect(validate({ offenceCodes: [] }).offenceCodes).toEqual([]);
    });
  });

  describe('required fields and enums', () => {
    it.each<[string, Partial<IncidentRecord>, string]>([
      ['sourceSystem', { sourceSystem: '' }, 'sourceSystem'],
      ['sourceRecordId', { sourceRecordId: ' ' }, 'sourceRecordId'],
      ['category', { category: IncidentCategory.INCIDENT_CATEGORY_UNSPECIFIED }, 'category'],
      ['handling', { handling: undefined }, 'handling'],
      ['handling (null from proto-loader)', { handling: null as never }, 'handling'],
      [
        'a subject role',
        { subjects: [subject('P1', SubjectRole.SUBJECT_ROLE_UNSPECIFIED)] },
        'subjects[0].role',
      ],
      [
        'a subject person id',
        { subjects: [subject('P1'), subject('')] },
        'subjects[1].personSourceRecordId',
      ],
      ['a platform name', { platforms: ['snapchat', ' '] }, 'platforms[1]'],
    ])('given no %s, then exactly that field is reported', (_what, overrides, field) => {
      expect(rejectedFields(overrides)).toEqual([field]);
    });

    it.each<[string, Partial<IncidentRecord>, string]>([
      ['category', { category: 99 as never }, 'category'],
      ['outcome', { outcome: 17 as never }, 'outcome'],
      ['subject role', { subjects: [subject('P1', 9 as never)] }, 'subjects[0].role'],
    ])('given an unknown numeric %s, then it is reported', (_what, overrides, field) => {
      const errors = rejected(overrides);

      expect(errors.map((e) => e.field)).toEqual([field]);
      expect(errors[0]?.message).toMatch(/^unknown value "?\d+"?$/);
    });

    it.each(['niche rms', '/niche'])(
      'given sourceSystem %p, then its format is rejected',
      (sourceSystem) => {
        expect(rejectedFields({ sourceSystem })).toEqual(['sourceSystem']);
      },
    );
  });

  describe('timestamps', () => {
    it('given occurredTo before occurredFrom, then occurredTo is rejected', () => {
      expect(rejected({ occurredFrom: ts(1_700_000_000), occurredTo: ts(1_699_999_999) })).toEqual([
        { field: 'occurredTo', message: 'is before occurredFrom' },
      ]);
    });

    it('given occurredTo equal to or after occurredFrom, then both are kept', () => {
      expect(
        validate({ occurredFrom: ts(1_700_000_000), occurredTo: ts(1_700_000_000) }).occurredTo,
      ).toEqual(ts(1_700_000_000));
      expect(
        validate({ occurredFrom: ts(1_700_000_000), occurredTo: ts(1_700_086_400) }).occurredTo,
      ).toEqual(ts(1_700_086_400));
    });

    it('given a nanosecond-only ordering, then it still counts (to < from by 1 ms)', () => {
      expect(
        rejectedFields({
          occurredFrom: ts(1_700_000_000, 2_000_000),
          occurredTo: ts(1_700_000_000, 1_000_000),
        }),
      ).toEqual(['occurredTo']);
    });

    it.each([
      ['null (proto-loader absent message)', null],
      ['undefined', undefined],
      ['zero', ts(0)],
    ])('given occurredTo %s, then it comes out undefined', (_label, occurredTo) => {
      expect(validate({ occurredTo: occurredTo as never }).occurredTo).toBeUndefined();
    });

    it.each<[string, Partial<IncidentRecord>, string, string]>([
      [
        'reportedAt an hour ahead',
        { reportedAt: ts(NOW_SECONDS + 3600) },
        'reportedAt',
        'lies in the future',
      ],
      [
        'occurredFrom before 1990',
        { occurredFrom: ts(Date.UTC(1989, 11, 31) / 1000) },
        'occurredFrom',
        'before 1990',
      ],
      [
        'nanos out of range',
        { reportedAt: ts(1_700_000_000, 1_000_000_000) },
        'reportedAt',
        'not a valid timestamp',
      ],
      [
        'negative nanos',
        { reportedAt: ts(1_700_000_000, -1) },
        'reportedAt',
        'not a valid timestamp',
      ],
    ])('given %s, then it is rejected', (_what, overrides, field, message) => {
      expect(rejected(overrides)).toEqual([{ field, message }]);
    });

    it('given reportedAt a few minutes ahead of the clock, then it is accepted (clock skew)', () => {
      const reportedAt = ts(NOW_SECONDS + 4 * 60);

      expect(validate({ reportedAt }).reportedAt).toEqual(reportedAt);
    });
  });

  describe('subjects', () => {
    it("given a subject without personSourceSystem, then it defaults to the incident's source system", () => {
      const out = validate({ sourceSystem: 'athena', subjects: [subject('P1')] });

      expect(out.subjects).toEqual([subject('P1', SubjectRole.SUBJECT_ROLE_SUSPECT, 'athena')]);
    });

    it('given a subject with its own personSourceSystem, then it is kept', () => {
      const out = validate({
        subjects: [subject(' P1 ', SubjectRole.SUBJECT_ROLE_SUSPECT, ' pnd-feed ')],
      });

      expect(out.subjects).toEqual([subject('P1', SubjectRole.SUBJECT_ROLE_SUSPECT, 'pnd-feed')]);
    });

    it('given the same person twice in the same role, then the second is rejected', () => {
      expect(rejected({ subjects: [subject('P1'), subject('P2'), subject('P1')] })).toEqual([
        { field: 'subjects[2]', message: 'duplicates an earlier subject' },
      ]);
    });

    it("given a duplicate that only differs by naming the incident's own source system, then it is rejected", () => {
      expect(
        rejectedFields({
          sourceSystem: 'niche-rms',
          subjects: [subject('P1'), subject('P1', SubjectRole.SUBJECT_ROLE_SUSPECT, 'niche-rms')],
        }),
      ).toEqual(['subjects[1]']);
    });

    it('given the same person in two roles, or the same id in two source systems, then both are kept', () => {
      const out = validate({
        subjects: [
          subject('P1', SubjectRole.SUBJECT_ROLE_SUSPECT),
          subject('P1', SubjectRole.SUBJECT_ROLE_ASSOCIATE),
          subject('P1', SubjectRole.SUBJECT_ROLE_SUSPECT, 'other-rms'),
        ],
      });

      expect(out.subjects).toHaveLength(3);
    });
  });

  describe('size bounds', () => {
    const many = <T>(n: number, f: (i: number) => T): T[] =>
      Array.from({ length: n }, (_, i) => f(i));

    it.each<[string, Partial<IncidentRecord>, string]>([
      ['a summary over 2000 characters', { summary: 'x'.repeat(2001) }, 'summary'],
      ['more than 20 offence codes', { offenceCodes: many(21, () => 'SX03224') }, 'offenceCodes'],
      ['more than 20 platforms', { platforms: many(21, (i) => `p${i}`) }, 'platforms'],
      ['a platform over 64 characters', { platforms: ['p'.repeat(65)] }, 'platforms[0]'],
      ['more than 50 subjects', { subjects: many(51, (i) => subject(`P${i}`)) }, 'subjects'],
      [
        'a sharedReference over 64 characters',
        { sharedReference: 'R'.repeat(65) },
        'sharedReference',
      ],
      [
        'a sourceRecordId over 128 characters',
        { sourceRecordId: 'I'.repeat(129) },
        'sourceRecordId',
      ],
    ])('given %s, then exactly that field is rejected', (_what, overrides, field) => {
      expect(rejectedFields(overrides)).toEqual([field]);
    });

    it('given a summary of exactly 2000 characters, then it is accepted', () => {
      expect(validate({ summary: 'x'.repeat(2000) }).summary).toHaveLength(2000);
    });

    it('given 50 subjects, then they are accepted', () => {
      expect(validate({ subjects: many(50, (i) => subject(`P${i}`)) }).subjects).toHaveLength(50);
    });
  });
});
