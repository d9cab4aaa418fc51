// The review queue's keyboard: j/k move between pairs, s/n/u choose SAME / NOT_SAME / UNSURE
// (and put the cursor in the rationale), Enter submits, Escape leaves the rationale. Pure:
// unit-tested; review.ts wires it to the DOM.
import type { Verdict } from './types.js';

export type ReviewAction =
  | { kind: 'move'; by: 1 | -1 }
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'submit' }
  | { kind: 'leave-text' }
  | { kind: 'none' };

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  /** The focus is in a text field (the rationale, a search box): letters are text there. */
  inText: boolean;
}

const VERDICT_KEYS: Record<string, Verdict> = { s: 'SAME', n: 'NOT_SAME', u: 'UNSURE' };

export function reviewAction(k: KeyInput): ReviewAction {
  if (k.ctrlKey || k.metaKey || k.altKey) return { kind: 'none' };
  if (k.key === 'Enter' && !k.shiftKey) return { kind: 'submit' };
  if (k.key === 'Escape') return k.inText ? { kind: 'leave-text' } : { kind: 'none' };
  if (k.inText) return { kind: 'none' };
  if (k.key === 'j' || k.key === 'ArrowDown') return { kind: 'move', by: 1 };
  if (k.key === 'k' || k.key === 'ArrowUp') return { kind: 'move', by: -1 };
  const verdict = VERDICT_KEYS[k.key];
  return verdict ? { kind: 'verdict', verdict } : { kind: 'none' };
}

/** The next selected index, kept within the list. */
export function moveIndex(current: number, by: number, length: number): number {
  if (length === 0) return -1;
  return Math.min(length - 1, Math.max(0, current + by));
}

export const VERDICT_LABELS: Record<Verdict, string> = {
  SAME: 'Same person',
  NOT_SAME: 'Not the same',
  UNSURE: 'Unsure',
};
