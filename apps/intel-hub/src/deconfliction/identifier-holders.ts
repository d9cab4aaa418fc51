import type { OnlineIdentifier } from '@intel/contracts';
import { onlineIdentifierKey } from '@intel/records';
import { Inject, Injectable } from '@nestjs/common';
import type { NationalIndex } from '../resolution/national-index';
import { ResolutionService } from '../resolution/resolution.service';

/** `IDENTIFIER_HOLDERS`: which forces already hold an online identifier. */
export interface IdentifierHolders {
  forcesHolding(oi: OnlineIdentifier): string[];
}

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

/** The holders in the national index the hub serves from; none while it has no index. */
@Injectable()
export class NationalIndexHolders implements IdentifierHolders {
  constructor(@Inject(ResolutionService) private readonly resolution: ResolutionService) {}

  forcesHolding(oi: OnlineIdentifier): string[] {
    const index = this.resolution.current;
    return index ? forcesHolding(index, oi) : [];
  }
}
