/**
 * Why the review refused something; the analysts' API answers each as problem+json with the
 * status named here. A pair or judgement the user may not see is "not found", exactly like one
 * that does not exist: the answer never tells another force's handling-code-C pair exists.
 */
export class ReviewError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 503,
    message: string,
    /** The request field at fault (400). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const reviewNotFound = (what: 'pair' | 'judgement') =>
  new ReviewError(404, `no such ${what} for this user`);
export const reviewConflict = (message: string) => new ReviewError(409, message);
export const reviewForbidden = (message: string) => new ReviewError(403, message);
export const reviewInvalid = (field: string, message: string) =>
  new ReviewError(400, `${field}: ${message}`, field);
