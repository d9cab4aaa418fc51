import type { HubEvent } from './hub-event';

const isNominal = (e: HubEvent) => e.kind === 'nominal-upserted' || e.kind === 'nominal-withdrawn';

/** Nominals and incidents are keyed apart: the same id in both is two entities. */
export function versionKey(e: Pick<HubEvent, 'kind' | 'forceCode' | 'id'>): string {
  return `${isNominal(e as HubEvent) ? 'n' : 'i'}:${e.forceCode}:${e.id}`;
}

/**
 * Events whose version jumps more than `maxStep` past the entity's current version (the stored
 * one, or an earlier event of the batch that is kept). A force node counts every update by one,
 * so such a jump is a broken or hostile producer, and applying it would make every genuine
 * update after it look stale. An entity the hub has never seen may start at any version
 * (a compacted topic keeps only the latest). Pure.
 */
export function versionJumps(
  events: readonly HubEvent[],
  stored: ReadonlyMap<string, number>,
  maxStep: number,
): Set<HubEvent> {
  const current = new Map(stored);
  const refused = new Set<HubEvent>();
  for (const e of events) {
    const k = versionKey(e);
    const cur = current.get(k);
    if (cur !== undefined && e.version > cur + maxStep) {
      refused.add(e);
      continue;
    }
    current.set(k, Math.max(cur ?? 0, e.version));
  }
  return refused;
}

/**
 * Second copies of an event: one whose id was handled for its entity before (a resend or a
 * replay, at another offset), or repeats an earlier event of the batch. Pure.
 */
export function repeatedEvents(
  events: readonly HubEvent[],
  storedEventIds: ReadonlyMap<string, readonly string[]>,
): Set<HubEvent> {
  const seen = new Set<string>();
  const repeated = new Set<HubEvent>();
  for (const e of events) {
    if (seen.has(e.eventId) || storedEventIds.get(versionKey(e))?.includes(e.eventId))
      repeated.add(e);
    seen.add(e.eventId);
  }
  return repeated;
}
