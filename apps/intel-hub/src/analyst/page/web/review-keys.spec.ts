import { moveIndex, reviewAction } from './review-keys';

describe('the review queue keyboard', () => {
  it('j/k move, s/n/u judge, outside text fields', () => {
    expect(reviewAction({ key: 'j', inText: false })).toEqual({ kind: 'move', by: 1 });
    expect(reviewAction({ key: 'k', inText: false })).toEqual({ kind: 'move', by: -1 });
    expect(reviewAction({ key: 's', inText: false })).toEqual({ kind: 'verdict', verdict: 'SAME' });
    expect(reviewAction({ key: 'n', inText: false })).toEqual({
      kind: 'verdict',
      verdict: 'NOT_SAME',
    });
    expect(reviewAction({ key: 'u', inText: false })).toEqual({
      kind: 'verdict',
      verdict: 'UNSURE',
    });
  });

  it('letters are text in the rationale; Enter submits, Escape leaves it', () => {
    expect(reviewAction({ key: 's', inText: true })).toEqual({ kind: 'none' });
    expect(reviewAction({ key: 'Enter', inText: true })).toEqual({ kind: 'submit' });
    expect(reviewAction({ key: 'Enter', shiftKey: true, inText: true })).toEqual({ kind: 'none' });
    expect(reviewAction({ key: 'Escape', inText: true })).toEqual({ kind: 'leave-text' });
  });

  it('leaves browser shortcuts alone', () => {
    expect(reviewAction({ key: 'n', ctrlKey: true, inText: false })).toEqual({ kind: 'none' });
  });

  it('stays within the list', () => {
    expect(moveIndex(0, -1, 3)).toBe(0);
    expect(moveIndex(2, 1, 3)).toBe(2);
    expect(moveIndex(1, 1, 3)).toBe(2);
    expect(moveIndex(0, 1, 0)).toBe(-1);
  });
});
