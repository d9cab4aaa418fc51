import { status } from '@intel/grpc';
import { RecordValidationError } from '@intel/records';
import { PermissionDeniedError, UnauthenticatedError } from '@intel/security';
import {
  RegistrationNotFoundError,
  RegistrationRateLimitedError,
  deconflictionOutcome,
} from './deconfliction-errors';

describe('deconfliction errors', () => {
  it('maps each refusal to its status, naming fields only', () => {
    expect(
      deconflictionOutcome(
        new RecordValidationError([{ field: 'persona.value', message: 'is required' }]),
      ),
    ).toEqual({
      code: status.INVALID_ARGUMENT,
      message: 'persona.value: is required',
      fields: ['persona.value'],
    });
    expect(deconflictionOutcome(new UnauthenticatedError('x')).code).toBe(status.UNAUTHENTICATED);
    expect(deconflictionOutcome(new PermissionDeniedError('x')).code).toBe(
      status.PERMISSION_DENIED,
    );
    expect(deconflictionOutcome(new RegistrationNotFoundError('x')).code).toBe(status.NOT_FOUND);
    expect(deconflictionOutcome(new RegistrationRateLimitedError('x')).code).toBe(
      status.RESOURCE_EXHAUSTED,
    );
  });

  it('says nothing of an unexpected failure', () => {
    expect(deconflictionOutcome(new Error('digest 9f… for sk8rgirl'))).toEqual({
      code: status.INTERNAL,
      message: 'internal error; the call was not answered',
      fields: [],
    });
  });
});
