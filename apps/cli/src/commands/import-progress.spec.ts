import { status } from '@intel/grpc';
import { ImportTally, isRetryable, rejectionTable } from './import-progress';

describe('import progress', () => {
  it('retries what a restarting force node answers, never a refusal', () => {
    expect(isRetryable(Object.assign(new Error('x'), { code: status.UNAVAILABLE }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { code: status.DEADLINE_EXCEEDED }))).toBe(
      true,
    );
    expect(isRetryable(Object.assign(new Error('x'), { code: status.INVALID_ARGUMENT }))).toBe(
      false,
    );
    expect(isRetryable(Object.assign(new Error('x'), { code: status.PERMISSION_DENIED }))).toBe(
      false,
    );
    expect(isRetryable(new Error('no code'))).toBe(false);
    expect(isRetryable(null)).toBe(false);
  });

  it('groups rejections by reason, most frequent first, with their first lines', () => {
    const t = new ImportTally();
    const error = (field: string) => ({ code: 'INVALID_ARGUMENT', field, message: 'bad' });
    t.settle(
      {
        received: 4,
        accepted: 1,
        rejected: 3,
        results: [
          { index: 0, result: undefined, error: error('dateOfBirth.day') },
          { index: 1, result: undefined, error: undefined },
          { index: 2, result: undefined, error: error('identifiers[0].value') },
          { index: 3, result: undefined, error: error('dateOfBirth.day') },
        ],
      },
      [10, 11, 12, 14],
      14,
    );
    t.reject(15, 'not valid JSON: Unexpected token');
    t.settle(
      {
        received: 1,
        accepted: 0,
        rejected: 1,
        results: [
          {
            index: 0,
            result: undefined,
            error: { code: 'INVALID_ARGUMENT', field: 'person.sex', message: 'sex: unknown' },
          },
        ],
      },
      [16],
      16,
    );
    expect(t.accepted).toBe(1);
    expect(t.rejected).toBe(5);
    expect(t.settledThrough).toBe(16);
    expect(t.byReason()).toEqual([
      { reason: 'INVALID_ARGUMENT dateOfBirth.day: bad', count: 2, lines: [10, 14] },
      { reason: 'INVALID_ARGUMENT identifiers[0].value: bad', count: 1, lines: [12] },
      { reason: 'not valid JSON: Unexpected token', count: 1, lines: [15] },
      { reason: 'INVALID_ARGUMENT person.sex: unknown', count: 1, lines: [16] },
    ]);
    expect(rejectionTable(t.byReason())[1]).toBe(
      '    2  INVALID_ARGUMENT dateOfBirth.day: bad (line 10, 14)',
    );
  });

  it('keeps only the first lines of a frequent reason', () => {
    const t = new ImportTally();
    for (let i = 1; i <= 8; i++) t.reject(i, 'r');
    expect(t.byReason()[0]).toEqual({ reason: 'r', count: 8, lines: [1, 2, 3, 4, 5] });
    expect(rejectionTable(t.byReason())[1]).toBe('    8  r (line 1, 2, 3, 4, 5, …)');
  });
});
