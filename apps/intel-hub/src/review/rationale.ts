import { reasonProblem } from '@intel/records';

export const RATIONALE_MAX = 2000;

/**
 * Why a review rationale (judging, rejecting, retracting) is not one; undefined when it is.
 * The justification's rule (libs/records reason.ts: clean text, some words, not a placeholder),
 * up to RATIONALE_MAX characters. Pure; `text` is trimmed.
 */
export function rationaleProblem(text: string): string | undefined {
  if (text === '') return 'is required: say why';
  if (text.length > RATIONALE_MAX) return `at most ${RATIONALE_MAX} characters`;
  return reasonProblem(text)?.replace('why the check is needed', 'why');
}
