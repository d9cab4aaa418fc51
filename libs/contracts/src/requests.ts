import type { CheckIdentifiersRequest, CheckPersonRequest } from './generated/intel/v1/intel_query';

/**
 * Requests as a caller may write them: fields added to a request after it was first published
 * (`detail`) may be left out, as on the wire, where a field not sent is its default.
 */
export type CheckPersonCall = Omit<CheckPersonRequest, 'detail'> &
  Partial<Pick<CheckPersonRequest, 'detail'>>;
export type CheckIdentifiersCall = Omit<CheckIdentifiersRequest, 'detail'> &
  Partial<Pick<CheckIdentifiersRequest, 'detail'>>;
