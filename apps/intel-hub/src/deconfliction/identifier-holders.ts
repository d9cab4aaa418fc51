import type { OnlineIdentifier } from '@intel/contracts';
import { onlineIdentifierKey } from '@intel/records';
import type { NationalIndex } from '../resolution/national-index';

/**
 * The forces whose live nominals carry exactly this identifier (the same exact test as
 * CheckIdentifiers: the canonical key, among the records sharing its block). Sorted, once each.
 */
export function forcesHolding(index: NationalIndex, oi: OnlineIdentifier): string[] {
  const key = onlineIdentifierKey(oi);
  if (!key) return [];
  const candidates = index.matching.candidates({ names: [], onlineIdentifiers: [oi] });
  const forces = new Set<string>();
  for (const view of index.views(candidates).values())
    if (view.state.onlineIdentifiers.some((o) => onlineIdentifierKey(o) === key))
      forces.add(view.forceCode);
  return [...forces].sort();
}
