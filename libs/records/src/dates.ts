import type { PartialDate } from '@intel/contracts';
import type { ErrorCollector } from './field-error';

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function isEmptyDate(d: PartialDate | null | undefined): boolean {
  return d == null || (d.year === 0 && d.month === 0 && d.day === 0);
}

/**
 * A partial date: any part may be 0 (unknown). Parts that are known must be in range, a known
 * day needs a known month, and a fully known date must exist and not lie in the future.
 */
export function checkPartialDate(
  d: PartialDate,
  errors: ErrorCollector,
  opts: { minYear: number; now: Date; requireFull?: boolean; allowFuture?: boolean },
): void {
  const { year, month, day } = d;
  if (opts.requireFull && (year === 0 || month === 0 || day === 0)) {
    errors.add('', 'a full date (year, month and day) is required');
    return;
  }
  if (!Number.isInteger(year) || (year !== 0 && (year < opts.minYear || year > 9999))) {
    errors.add('year', `must be 0 (unknown) or from ${opts.minYear}`);
  }
  if (!Number.isInteger(month) || month < 0 || month > 12)
    errors.add('month', 'must be 0 (unknown) or 1-12');
  if (!Number.isInteger(day) || day < 0 || day > 31) {
    errors.add('day', 'must be 0 (unknown) or 1-31');
    return;
  }
  if (day !== 0 && month === 0) {
    errors.add('month', 'a day without a month is not a date');
    return;
  }
  if (day !== 0 && month >= 1 && month <= 12) {
    const max = month === 2 && year !== 0 && !isLeap(year) ? 28 : (DAYS_IN_MONTH[month - 1] ?? 31);
    if (day > max) errors.add('day', `month ${month} has no day ${day}`);
  }
  if (!opts.allowFuture && year !== 0) {
    const t = Date.UTC(year, Math.max(month, 1) - 1, Math.max(day, 1));
    if (t > opts.now.getTime()) errors.add('year', 'date lies in the future');
  }
}
