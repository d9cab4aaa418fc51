import type { ErrorCollector } from './field-error';
import { normaliseLineEnds, textProblem } from './text-hygiene';

/**
 * Checks a string field's hygiene (text-hygiene.ts: no NUL, controls, bidi overrides, lone
 * surrogates or U+FFFD; LF and TAB only where `multiline`), presence and length; returns the
 * trimmed value. Every string of every record and request goes through here.
 */
export function checkText(
  value: string | null | undefined,
  errors: ErrorCollector,
  // A number is a list index: `errors.at('offenceCodes')` + 0 reports `offenceCodes[0]`.
  field: string | number,
  opts: {
    required?: boolean;
    max: number;
    pattern?: RegExp;
    patternHint?: string;
    multiline?: boolean;
  },
): string {
  const v = normaliseLineEnds(typeof value === 'string' ? value : '', opts).trim();
  const problem = textProblem(v, opts);
  if (problem) {
    errors.add(field, problem);
    return '';
  }
  if (v === '') {
    if (opts.required) errors.add(field, 'is required');
    return v;
  }
  if (v.length > opts.max) errors.add(field, `at most ${opts.max} characters`);
  else if (opts.pattern && !opts.pattern.test(v))
    errors.add(field, opts.patternHint ?? 'has an invalid format');
  return v;
}

export function checkList<T>(
  list: readonly T[] | null | undefined,
  errors: ErrorCollector,
  field: string,
  max: number,
): readonly T[] {
  const l = list ?? [];
  if (l.length > max) errors.add(field, `at most ${max} entries`);
  return l.slice(0, max);
}

export function checkEnum(
  value: string,
  allowed: ReadonlySet<string>,
  errors: ErrorCollector,
  field: string,
  opts: { required: boolean },
): void {
  if (value.endsWith('_UNSPECIFIED') || value === '') {
    if (opts.required) errors.add(field, `is required (one of ${[...allowed].join(', ')})`);
    return;
  }
  if (!allowed.has(value)) errors.add(field, `unknown value ${JSON.stringify(value)}`);
}

/** The source key: stable ids from the force system, the idempotency key of every record. */
export const SOURCE_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
