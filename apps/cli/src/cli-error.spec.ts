import { status } from '@intel/grpc';
import { describeCliError } from './cli-error';

describe('describeCliError', () => {
  it('given a gRPC refusal, then the status name and the service message, no stack', () => {
    const err = Object.assign(new Error('3 INVALID_ARGUMENT: justification.reason: …'), {
      code: status.INVALID_ARGUMENT,
      details: 'justification.reason: needs at least 2 words',
    });
    expect(describeCliError(err)).toBe(
      'error: INVALID_ARGUMENT: justification.reason: needs at least 2 words',
    );
  });

  it('given any other error, then its stack for the bug report', () => {
    const err = new Error('boom');
    expect(describeCliError(err)).toContain('cli-error.spec.ts');
  });

  it('given a thrown non-error, then its text', () => {
    expect(describeCliError('plain')).toBe('plain');
  });
});
