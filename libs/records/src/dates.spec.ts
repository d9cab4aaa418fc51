import fc from 'fast-check';
import type { PartialDate } from '@intel/contracts';
import { checkPartialDate, isEmptyDate } from './dates';
import { ErrorCollector, type FieldError } from './field-error';

const NOW = new Date('2025-06-15T12:00:00Z');

function check(
  date: PartialDate,
  opts: { minYear?: number; requireFull?: boolean; allowFuture?: boolean } = {},
): FieldError[] {
  const errors = new ErrorCollector();
  checkPartialDate(date, errors.at('dateOfBirth'), { minYear: 1900, now: NOW, ...opts });
  return errors.errors;
}

const fields = (errors: FieldError[]) => errors.map((e) => e.field);

describe('isEmptyDate', () => {
  it.each([
    ['undefined', undefined],
    ['null (proto-loader absent message)', null],
    ['all parts 0', { year: 0, month: 0, day: 0 }],
  ])('given %s, then it is empty', (_label, d) => {
    expect(isEmptyDate(d)).toBe(true);
  });

  it.each([
    { year: 1980, month: 0, day: 0 },
    { year: 0, month: 5, day: 0 },
    { year: 0, month: 0, day: 17 },
  ])('given %p, then it is not empty', (d) => {
    expect(isEmptyDate(d)).toBe(false);
  });
});

describe('checkPartialDate', () => {
  describe('partial dates (0 = unknown)', () => {
    it.each([
      { year: 1980, month: 5, day: 17 },
      { year: 1980, month: 5, day: 0 },
      { year: 1980, month: 0, day: 0 },
      { year: 0, month: 5, day: 17 },
      { year: 0, month: 5, day: 0 },
      { year: 0, month: 0, day: 0 },
    ])('given %p, then it is accepted', (d) => {
      expect(check(d)).toEqual([]);
    });

    it('given a day without a month, then the month is reported missing', () => {
      expect(check({ year: 1980, month: 0, day: 17 })).toEqual([
        { field: 'dateOfBirth.month', message: 'a day without a month is not a date' },
      ]);
    });
  });

  describe('ranges', () => {
    it.each([
      [{ year: 1980, month: 13, day: 1 }, 'dateOfBirth.month'],
      [{ year: 1980, month: -1, day: 0 }, 'dateOfBirth.month'],
      [{ year: 1980, month: 1.5, day: 0 }, 'dateOfBirth.month'],
      [{ year: 1980, month: 1, day: 32 }, 'dateOfBirth.day'],
      [{ year: 1980, month: 1, day: -1 }, 'dateOfBirth.day'],
      [{ year: 1980, month: 1, day: 2.5 }, 'dateOfBirth.day'],
      [{ year: 1899, month: 1, day: 1 }, 'dateOfBirth.year'],
      [{ year: 10_000, month: 1, day: 1 }, 'dateOfBirth.year'],
      [{ year: 1980.5, month: 0, day: 0 }, 'dateOfBirth.year'],
    ])('given %p, then %s is rejected', (d, field) => {
      expect(fields(check(d, { allowFuture: true }))).toContain(field);
    });

    it('given a year before the configured minimum, then the message names the minimum', () => {
      expect(check({ year: 1996, month: 0, day: 0 }, { minYear: 1997 })).toEqual([
        { field: 'dateOfBirth.year', message: 'must be 0 (unknown) or from 1997' },
      ]);
    });
  });

  describe('days in the month', () => {
    it.each([
      [{ year: 1980, month: 2, day: 30 }],
      [{ year: 2023, month: 2, day: 29 }],
      [{ year: 1900, month: 2, day: 29 }], // divisible by 100, not by 400
      [{ year: 1981, month: 4, day: 31 }],
      [{ year: 1981, month: 6, day: 31 }],
      [{ year: 1981, month: 9, day: 31 }],
      [{ year: 1981, month: 11, day: 31 }],
      [{ year: 0, month: 2, day: 30 }],
    ])('given %p, which does not exist, then the day is rejected', (d) => {
      expect(check(d)).toEqual([
        { field: 'dateOfBirth.day', message: `month ${d.month} has no day ${d.day}` },
      ]);
    });

    it.each([
      [{ year: 2024, month: 2, day: 29 }],
      [{ year: 2000, month: 2, day: 29 }], // divisible by 400
      [{ year: 1980, month: 2, day: 29 }],
      [{ year: 0, month: 2, day: 29 }], // year unknown: 29 February may exist
      [{ year: 1981, month: 1, day: 31 }],
      [{ year: 1981, month: 12, day: 31 }],
    ])('given %p, which exists, then it is accepted', (d) => {
      expect(check(d)).toEqual([]);
    });

    it('property: a fully known date is accepted exactly when the calendar has it', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1900, max: 2024 }),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 1, max: 31 }),
          (year, month, day) => {
            const d = new Date(Date.UTC(year, month - 1, day));
            const exists = d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
            expect(check({ year, month, day }).length === 0).toBe(exists);
          },
        ),
      );
    });
  });

  describe('future dates', () => {
    it('given tomorrow, then the date lies in the future', () => {
      expect(check({ year: 2025, month: 6, day: 16 })).toEqual([
        { field: 'dateOfBirth.year', message: 'date lies in the future' },
      ]);
    });

    it('given today, then it is accepted', () => {
      expect(check({ year: 2025, month: 6, day: 15 })).toEqual([]);
    });

    it('given only a future year, or a future month of this year, then it is rejected', () => {
      expect(fields(check({ year: 2026, month: 0, day: 0 }))).toEqual(['dateOfBirth.year']);
      expect(fields(check({ year: 2025, month: 7, day: 0 }))).toEqual(['dateOfBirth.year']);
    });

    it('given only the current year or month, then it is accepted (the date may be past)', () => {
      expect(check({ year: 2025, month: 0, day: 0 })).toEqual([]);
      expect(check({ year: 2025, month: 6, day: 0 })).toEqual([]);
    });

    it('given allowFuture, then a future date is accepted', () => {
      expect(check({ year: 2035, month: 1, day: 1 }, { allowFuture: true })).toEqual([]);
    });
  });

  describe('requireFull', () => {
    it.each([
      { year: 2030, month: 1, day: 0 },
      { year: 2030, month: 0, day: 0 },
      { year: 0, month: 1, day: 1 },
    ])('given %p, then the whole date is reported', (d) => {
      expect(check(d, { requireFull: true, allowFuture: true })).toEqual([
        { field: 'dateOfBirth', message: 'a full date (year, month and day) is required' },
      ]);
    });

    it('given a full date, then it is accepted', () => {
      expect(
        check({ year: 2030, month: 1, day: 1 }, { requireFull: true, allowFuture: true }),
      ).toEqual([]);
    });
  });
});
