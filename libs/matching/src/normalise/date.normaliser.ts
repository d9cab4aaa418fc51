import type { MatchDate } from '../model/match-input';

/**
 * A date of birth as the engine compares it. Components are kept as recorded, even when they do
 * not form a valid calendar date (FEBRL carries e.g. `19371233`): an impossible day is usually a
 * keying error one digit away from the truth, which the one-digit comparison level can still use.
 */
export interface NormalisedDate {
  year: number;
  /** 0 = unknown. */
  month: number;
  /** 0 = unknown. */
  day: number;
  /** `YYYYMMDD` with `00` for unknown parts, for digit-level comparison and blocking keys. */
  digits: string;
}

/** A date with no known year carries too little to compare or block on; it is treated as missing. */
export function normaliseDate(date: MatchDate | undefined | null): NormalisedDate | undefined {
  if (!date) return undefined;
  const year = Math.trunc(date.year);
  if (!(year >= 1000 && year <= 9999)) return undefined;
  const m = date.month ?? 0;
  const d = date.day ?? 0;
  const month = m >= 1 && m <= 99 ? Math.trunc(m) : 0;
  const day = month !== 0 && d >= 1 && d <= 99 ? Math.trunc(d) : 0;
  return { year, month, day, digits: `${year}${pad2(month)}${pad2(day)}` };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Parses `YYYYMMDD`, `YYYY-MM-DD`, `YYYY-MM` or `YYYY` text (FEBRL and CSV imports). */
export function parseDateText(text: string): MatchDate | undefined {
  const t = text.trim();
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(t) ?? /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  m = /^(\d{4})-(\d{1,2})$/.exec(t);
  if (m) return { year: Number(m[1]), month: Number(m[2]), day: 0 };
  m = /^(\d{4})$/.exec(t);
  if (m) return { year: Number(m[1]), month: 0, day: 0 };
  return undefined;
}

export type DateLevel =
  'exact' | 'transposed' | 'one-digit' | 'year-month' | 'year' | 'near' | 'different';

/**
 * Ordered comparison of two dates of birth, best level first. Day/month transposition (03/07 keyed
 * as 07/03) and single-digit keying errors are the commonest DOB errors in administrative data
 * (Christen 2012, "Data Matching", §3.4), so each has its own level and learned weight.
 * `year-month` and `year` mean "agrees as far as both are known": a partial date (year only, or
 * year and month) agrees with a full one at that level. Two full dates that share only the year
 * contradict each other and are `different` — folding them into `year` made look-alikes born in
 * the same year count as agreeing. `near` (nearDates) is weak evidence, not agreement.
 */
export function compareDates(a: NormalisedDate, b: NormalisedDate): DateLevel {
  const full = a.month !== 0 && a.day !== 0 && b.month !== 0 && b.day !== 0;
  if (full) {
    if (a.digits === b.digits) return 'exact';
    if (a.year === b.year && a.day === b.month && a.month === b.day) return 'transposed';
    if (digitsDiffer(a.digits, b.digits) === 1) return 'one-digit';
    if (a.year === b.year && a.month === b.month) return 'year-month';
    if (nearDates(a.year, a.month, a.day, b.year, b.month, b.day)) return 'near';
    return 'different';
  }
  if (a.year !== b.year) return 'different';
  if (a.month !== 0 && b.month !== 0) return a.month === b.month ? 'year-month' : 'different';
  return 'year';
}

/**
 * Two full dates damaged in several components, the way a remembered or re-keyed date is
 * (1977-10-17 / 1976-10-15): the year one or two apart, and the month or the day the same. Dates
 * in the same year are not near: a look-alike born the same year has another month and day.
 */
export function nearDates(
  ya: number,
  ma: number,
  da: number,
  yb: number,
  mb: number,
  db: number,
): boolean {
  const dy = ya - yb;
  return dy !== 0 && dy >= -2 && dy <= 2 && (ma === mb || da === db);
}

/** Number of positions at which two equal-length digit strings differ (Hamming distance). */
export function digitsDiffer(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) n++;
  return n;
}
