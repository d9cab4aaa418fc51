import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable } from '@intel/db';
import { RecordValidationError } from '@intel/records';
import { IndexNotReadyError, PersonNotFoundError } from '../../query/intel-query.service';
import { PROBLEM_KINDS, ProblemError, invalidRequest, type ProblemStatus } from './problem';

/** What an error is answered with; `unexpected` ones are logged with their stack, never shown. */
export interface Classified {
  status: ProblemStatus;
  detail: string;
  errors: { field: string; message: string }[];
  headers: Record<string, string>;
  unexpected: boolean;
}

const RETRY_SOON = { 'Retry-After': '5' };

/** Pure: maps any error to its problem answer. Anything unknown is a 500 with no text of its own. */
export function classifyError(err: unknown): Classified {
  const known = (
    status: ProblemStatus,
    detail: string,
    errors: Classified['errors'] = [],
    headers: Record<string, string> = {},
  ): Classified => ({ status, detail, errors, headers, unexpected: false });
  if (err instanceof ProblemError) return known(err.status, err.detail, err.errors, err.headers);
  if (err instanceof RecordValidationError) {
    const p = invalidRequest(err.errors);
    return known(400, p.detail, p.errors);
  }
  if (err instanceof PersonNotFoundError) return known(404, 'no live national person with that id');
  if (err instanceof IndexNotReadyError)
    return known(
      503,
      'the national index is loading or reconnecting; retry shortly',
      [],
      RETRY_SOON,
    );
  if (isDatabaseUnavailable(err))
    return known(
      503,
      'the national index is unavailable (its database); retry shortly',
      [],
      RETRY_SOON,
    );
  if (err instanceof HttpException) {
    // Nest's own (no route for the path, say): the status is kept, its text is not.
    const s = err.getStatus();
    if (s === 404) return known(404, 'no such resource');
    if (s in PROBLEM_KINDS && s < 500) {
      const status = s as ProblemStatus;
      return known(status, PROBLEM_KINDS[status][1]);
    }
  }
  return {
    status: 500,
    detail: 'internal error; the request was not answered',
    errors: [],
    headers: {},
    unexpected: true,
  };
}
