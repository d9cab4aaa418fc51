import { GradingScheme, HandlingCode } from '@intel/contracts';
import type { Handling } from '@intel/contracts';
import { checkPartialDate, isEmptyDate } from './dates';
import type { ErrorCollector } from './field-error';
import { LIMITS } from './limits';
import { checkText } from './text';

const CLASSIFICATIONS = new Set(['CLASSIFICATION_OFFICIAL', 'CLASSIFICATION_OFFICIAL_SENSITIVE']);
const SCHEMES = new Set([
  'GRADING_SCHEME_UNSPECIFIED',
  'GRADING_SCHEME_3X5X2',
  'GRADING_SCHEME_5X5X5',
]);
const HANDLING_CODES = new Set(['HANDLING_CODE_P', 'HANDLING_CODE_C']);

/**
 * Grading codes per scheme (docs/domain.md, "Intelligence grading"). 3x5x2: source 1-3,
 * intelligence A-E. Legacy 5x5x5: source A-E, intelligence 1-5.
 */
const GRADES = {
  '3x5x2': {
    source: /^[1-3]$/,
    intelligence: /^[A-E]$/,
    sourceHint: '1-3',
    intelligenceHint: 'A-E',
  },
  '5x5x5': {
    source: /^[A-E]$/,
    intelligence: /^[1-5]$/,
    sourceHint: 'A-E',
    intelligenceHint: '1-5',
  },
} as const;

/**
 * Validates the handling block and returns a clean copy (gRPC hands absent sub-messages over as
 * null; the rest of the system sees undefined), or undefined when it is missing.
 */
export function checkHandling(
  h: Handling | null | undefined,
  errors: ErrorCollector,
  now: Date,
): Handling | undefined {
  if (h == null) {
    errors.add('', 'handling is required on every record (3x5x2 grading and handling code)');
    return undefined;
  }
  if (!CLASSIFICATIONS.has(h.classification)) {
    errors.add(
      'classification',
      'must be CLASSIFICATION_OFFICIAL or CLASSIFICATION_OFFICIAL_SENSITIVE',
    );
  }
  if (!SCHEMES.has(h.gradingScheme)) errors.add('gradingScheme', 'unknown grading scheme');
  const grades = GRADES[h.gradingScheme === GradingScheme.GRADING_SCHEME_5X5X5 ? '5x5x5' : '3x5x2'];
  if (!grades.source.test(h.sourceEvaluation)) {
    errors.add('sourceEvaluation', `must be one of ${grades.sourceHint} for this grading scheme`);
  }
  if (!grades.intelligence.test(h.intelligenceAssessment)) {
    errors.add(
      'intelligenceAssessment',
      `must be one of ${grades.intelligenceHint} for this grading scheme`,
    );
  }
  if (!HANDLING_CODES.has(h.handlingCode)) {
    errors.add('handlingCode', 'must be HANDLING_CODE_P or HANDLING_CODE_C');
  }
  const conditions = checkText(h.handlingConditions, errors, 'handlingConditions', {
    max: LIMITS.handlingConditions,
    multiline: true,
  });
  if (
    h.handlingCode === HandlingCode.HANDLING_CODE_C &&
    conditions === '' &&
    !errors.errors.some((e) => e.field.endsWith('handlingConditions'))
  ) {
    // 3x5x2: "C — sharing permitted with conditions, which must be recorded with the report".
    errors.add('handlingConditions', 'required when handlingCode is C');
  }
  if (!isEmptyDate(h.reviewDate)) {
    checkPartialDate(h.reviewDate as NonNullable<Handling['reviewDate']>, errors.at('reviewDate'), {
      minYear: 1900,
      now,
      requireFull: true,
      allowFuture: true,
    });
  }
  return {
    classification: h.classification,
    gradingScheme: h.gradingScheme,
    sourceEvaluation: String(h.sourceEvaluation ?? '').trim(),
    intelligenceAssessment: String(h.intelligenceAssessment ?? '').trim(),
    handlingCode: h.handlingCode,
    handlingConditions: conditions,
    reviewDate: isEmptyDate(h.reviewDate)
      ? undefined
      : { ...(h.reviewDate as NonNullable<Handling['reviewDate']>) },
  };
}
