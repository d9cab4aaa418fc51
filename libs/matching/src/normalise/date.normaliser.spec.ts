import { compareDates, normaliseDate, parseDateText } from './date.normaliser';

const d = (year: number, month = 0, day = 0) => normaliseDate({ year, month, day })!;

describe('date normaliser', () => {
  it('keeps partial dates and treats a missing year as no date', () => {
    expect(normaliseDate({ year: 1980, month: 0, day: 0 })).toEqual({
      year: 1980,
      month: 0,
      day: 0,
      digits: '19800000',
    });
    expect(normaliseDate({ year: 1980, month: 7 })).toMatchObject({ month: 7, day: 0 });
    expect(normaliseDate({ year: 0, month: 3, day: 4 })).toBeUndefined();
    expect(normaliseDate(undefined)).toBeUndefined();
    // A day without a month is meaningless.
    expect(normaliseDate({ year: 1980, month: 0, day: 12 })?.day).toBe(0);
  });

  it('parses FEBRL and ISO text, keeping impossible days for the typo level', () => {
    expect(parseDateText('19371233')).toEqual({ year: 1937, month: 12, day: 33 });
    expect(parseDateText('1980-07-03')).toEqual({ year: 1980, month: 7, day: 3 });
    expect(parseDateText('1980')).toEqual({ year: 1980, month: 0, day: 0 });
    expect(parseDateText('')).toBeUndefined();
  });

  it('orders comparison levels', () => {
    expect(compareDates(d(1980, 7, 3), d(1980, 7, 3))).toBe('exact');
    expect(compareDates(d(1980, 7, 3), d(1980, 3, 7))).toBe('transposed');
    expect(compareDates(d(1980, 7, 3), d(1980, 7, 8))).toBe('one-digit');
    expect(compareDates(d(1980, 7, 3), d(1981, 7, 3))).toBe('one-digit');
    expect(compareDates(d(1980, 7, 3), d(1980, 7, 29))).toBe('year-month');
    expect(compareDates(d(1980, 7), d(1980, 7, 29))).toBe('year-month');
    expect(compareDates(d(1980), d(1980, 7, 29))).toBe('year');
    // Two full dates sharing only the year contradict each other.
    expect(compareDates(d(1980, 2, 14), d(1980, 11, 29))).toBe('different');
    expect(compareDates(d(1980, 7, 3), d(1990, 1, 20))).toBe('different');
    // Damaged in several components: the year one or two off, and the month or the day kept.
    expect(compareDates(d(1977, 10, 17), d(1976, 10, 15))).toBe('near');
    expect(compareDates(d(1977, 10, 17), d(1979, 9, 17))).toBe('near');
    expect(compareDates(d(1977, 10, 17), d(1976, 9, 15))).toBe('different');
    expect(compareDates(d(1977, 10, 17), d(1980, 10, 17))).toBe('different');
    expect(compareDates(d(1977), d(1976, 10, 17))).toBe('different');
  });
});
