import type { WithdrawRequest } from '@intel/contracts';
import { ErrorCollector, RecordValidationError } from './field-error';
import { LIMITS } from './limits';
import { SOURCE_KEY_PATTERN, checkEnum, checkText } from './text';

const KINDS = new Set(['RECORD_KIND_PERSON', 'RECORD_KIND_INCIDENT']);

export function validateWithdrawRequest(input: WithdrawRequest): WithdrawRequest {
  const errors = new ErrorCollector();
  const out: WithdrawRequest = {
    sourceSystem: checkText(input.sourceSystem, errors, 'sourceSystem', {
      required: true,
      max: LIMITS.sourceSystem,
      pattern: SOURCE_KEY_PATTERN,
    }),
    sourceRecordId: checkText(input.sourceRecordId, errors, 'sourceRecordId', {
      required: true,
      max: LIMITS.sourceRecordId,
      pattern: SOURCE_KEY_PATTERN,
    }),
    // MoPI: every disposal decision is recorded with its reason.
    reason: checkText(input.reason, errors, 'reason', {
      required: true,
      max: LIMITS.reason,
      multiline: true,
    }),
    kind: input.kind,
  };
  checkEnum(String(input.kind), KINDS, errors, 'kind', { required: false });
  if (!errors.ok) throw new RecordValidationError(errors.errors);
  return out;
}
