import { textProblem } from './text-hygiene';

/**
 * What a justification's reason must hold to count as one (DPA 2018 s.62: the audit must show
 * why a consultation was made). A length alone lets "aaaaaaaaaa" through, so the rule is about
 * content, and kept loose enough that any genuine short reason passes:
 *
 * - at least MIN_REASON_LENGTH characters (trimmed);
 * - at least MIN_REASON_WORDS words, a word being a run of two or more letters (any script);
 * - at least MIN_REASON_DISTINCT_LETTERS different letters (case-insensitive);
 * - not one short unit repeated: the letters and digits, lower-cased, are not a string
 *   repeated two or more times ("abcabcabc", "test test test", "asdf asdf");
 * - clean text (text-hygiene.ts: no controls, bidi overrides, unpaired surrogates, U+FFFD) and
 *   no bidi marks either (they would make the reason read differently in the audit).
 *
 * "RSO check, Op Alder", "Grooming referral 36/1234/25", "Suspect contact in chatroom" pass.
 * The rule cannot tell a true reason from invented words; it stops placeholders, not lies.
 */
export const MIN_REASON_LENGTH = 10;
export const MIN_REASON_WORDS = 2;
export const MIN_REASON_DISTINCT_LETTERS = 5;

const WORD = /\p{L}{2,}/gu;
const LETTER = /\p{L}/gu;
/** Bidi marks: allowed in text generally (right-to-left names), not in a reason. */
const BIDI_MARKS = /[\u061c\u200e\u200f]/u;

/** Pure: why `reason` (already trimmed, non-empty) does not justify a call; undefined if it does. */
export function reasonProblem(reason: string): string | undefined {
  // The shared text rule (text-hygiene.ts; checkText has already applied it) plus bidi marks.
  const text = textProblem(reason, { multiline: true });
  if (text) return text;
  if (BIDI_MARKS.test(reason))
    return 'must not contain bidirectional marks (U+061C, U+200E, U+200F)';
  if (reason.length < MIN_REASON_LENGTH)
    return `at least ${MIN_REASON_LENGTH} characters: say why the check is needed`;
  const words = reason.match(WORD) ?? [];
  const letters = new Set((reason.toLowerCase().match(LETTER) ?? []) as string[]);
  if (words.length < MIN_REASON_WORDS || letters.size < MIN_REASON_DISTINCT_LETTERS)
    return `say why the check is needed in words (at least ${MIN_REASON_WORDS} words and ${MIN_REASON_DISTINCT_LETTERS} different letters)`;
  if (isRepetition(reason.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')))
    return 'say why the check is needed: one word or pattern repeated is not a reason';
  return undefined;
}

/** True when `s` is some shorter string repeated two or more times. */
function isRepetition(s: string): boolean {
  // s is a repetition exactly when it occurs in (s + s) other than at 0 and s.length.
  return s.length > 1 && (s + s).indexOf(s, 1) < s.length;
}
