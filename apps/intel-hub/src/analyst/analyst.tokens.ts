/** Injection tokens of the analysts' API. */
export const ANALYST_LOGGER = Symbol('AnalystLogger');
