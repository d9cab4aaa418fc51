import type { OnlineIdentifier } from '@intel/contracts';
import type { Caller } from './consultation-audit';

/**
 * `QUERY_OBSERVER`: told of every validated query's online identifiers (deconfliction:
 * synchronous, the same work for every query, nothing awaited), before the answer is worked out.
 */
export interface QueryObserver {
  observeQuery(identifiers: readonly OnlineIdentifier[], caller: Caller): void;
}
