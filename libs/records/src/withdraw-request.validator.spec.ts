import { RecordKind, type WithdrawRequest } from '@intel/contracts';
import { RecordValidationError, type FieldError } from './field-error';
import { validateWithdrawRequest } from './withdraw-request.validator';

const request = (overrides: Partial<WithdrawRequest> = {}): WithdrawRequest => ({
  sourceSystem: 'niche-rms',
  sourceRecordId: 'P1',
  reason: 'MoPI review: no longer necessary',
  kind: RecordKind.RECORD_KIND_PERSON,
  ...overrides,
});

function rejected(overrides: Partial<WithdrawRequest>): FieldError[] {
  try {
    validateWithdrawRequest(request(overrides));
  } catch (e) {
    if (e instanceof RecordValidationError) return e.errors;
    throw e;
  }
  throw new Error('expected the request to be rejected');
}

describe('validateWithdrawRequest', () => {
  it('given a valid request, then it is returned trimmed', () => {
    expect(
      validateWithdrawRequest(
        request({ sourceSystem: ' niche-rms ', sourceRecordId: ' P1 ', reason: ' duplicate ' }),
      ),
    ).toEqual(request({ reason: 'duplicate' }));
  });

  it.each([
    RecordKind.RECORD_KIND_UNSPECIFIED,
    RecordKind.RECORD_KIND_PERSON,
    RecordKind.RECORD_KIND_INCIDENT,
  ])('given kind %s, then it is accepted', (kind) => {
    expect(validateWithdrawRequest(request({ kind })).kind).toBe(kind);
  });

  it.each<[string, Partial<WithdrawRequest>, string]>([
    ['sourceSystem', { sourceSystem: '' }, 'sourceSystem'],
    ['sourceRecordId', { sourceRecordId: '  ' }, 'sourceRecordId'],
    [
      'reason (MoPI: every disposal decision is recorded with its reason)',
      { reason: '' },
      'reason',
    ],
  ])('given no %s, then it is required', (_what, overrides, field) => {
    expect(rejected(overrides)).toEqual([{ field, message: 'is required' }]);
  });

  it('given a reason over 500 characters, then it is rejected', () => {
    expect(rejected({ reason: 'x'.repeat(501) })).toEqual([
      { field: 'reason', message: 'at most 500 characters' },
    ]);
  });

  it('given a source key with spaces, then its format is rejected', () => {
    expect(rejected({ sourceRecordId: 'P 1' }).map((e) => e.field)).toEqual(['sourceRecordId']);
  });

  it('given an unknown numeric kind, then it is rejected', () => {
    const errors = rejected({ kind: 4 as never });

    expect(errors.map((e) => e.field)).toEqual(['kind']);
    expect(errors[0]?.message).toMatch(/^unknown value "?4"?$/);
  });

  it('given several bad fields, then all are reported', () => {
    expect(
      rejected({ sourceSystem: '', sourceRecordId: '', reason: '' }).map((e) => e.field),
    ).toEqual(['sourceSystem', 'sourceRecordId', 'reason']);
  });
});
