import { status } from '@intel/grpc';
import { RecordValidationError } from '@intel/records';
import { UnauthenticatedError } from '@intel/security';
import { InvalidAlertIdError } from '../alerts/alert-feed';
import { markAudited } from './consultation-audit';
import { IndexNotReadyError, PersonNotFoundError } from './intel-query.service';
import { DeadlineExceededError, classifyQueryError } from './query-errors';

describe('classifyQueryError', () => {
  it.each<[string, unknown, status, boolean]>([
    [
      'a validation refusal',
      new RecordValidationError([{ field: 'justification.reason', message: 'x' }]),
      status.INVALID_ARGUMENT,
      true,
    ],
    ['a bad alert id', new InvalidAlertIdError('sinceAlertId: bad'), status.INVALID_ARGUMENT, true],
    ['an unidentified caller', new UnauthenticatedError('who?'), status.UNAUTHENTICATED, true],
    ['a person not found', new PersonNotFoundError('gone'), status.NOT_FOUND, true],
    ['the index loading', new IndexNotReadyError('wait'), status.UNAVAILABLE, false],
    ['a passed deadline', new DeadlineExceededError('late'), status.DEADLINE_EXCEEDED, false],
    [
      'the database gone (PostgreSQL restarting)',
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      }),
      status.UNAVAILABLE,
      false,
    ],
    ['anything else', new TypeError('secret internals'), status.INTERNAL, false],
  ])(
    'given %s, then it is answered with its status and audited when a refusal',
    (_w, err, code, audit) => {
      expect(classifyQueryError(err)).toMatchObject({ code, audit });
    },
  );

  it('given an internal error, then its text is never the answer', () => {
    expect(classifyQueryError(new Error('password=hunter2')).message).not.toContain('hunter2');
  });

  it('given a refusal already audited where it arose, then the edge does not audit it again', () => {
    expect(classifyQueryError(markAudited(new PersonNotFoundError('gone'))).audit).toBe(false);
  });

  it('given a validation refusal, then every field it names goes to the audit', () => {
    const err = new RecordValidationError([
      { field: 'justification.purposeCode', message: 'unknown value "99"' },
      { field: 'person.names', message: 'at most 20 entries' },
    ]);
    expect(classifyQueryError(err).errors.map((e) => e.field)).toEqual([
      'justification.purposeCode',
      'person.names',
    ]);
  });
});
