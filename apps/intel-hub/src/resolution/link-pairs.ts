import type { MemberKey } from './member-key';

/** A link between two nominals as stored (`person_link`), with its per-field explanation. */
export interface StoredLink {
  a: MemberKey;
  b: MemberKey;
  score: number;
  band: string;
  explanation: unknown;
}

/**
 * One link per pair, in canonical order (`a` < `b`), the last one given winning. When two
 * nominals that are linked are both re-scored in one batch (two forces updating the same
 * person, a force-level merge), each reports the link to the other; PostgreSQL refuses an
 * `INSERT … ON CONFLICT DO UPDATE` that touches the same row twice, so the pair must be
 * written once. Both reports score the same pair of current states, so either is right; the
 * later one saw the later index.
 */
export function uniqueLinks(links: readonly StoredLink[]): StoredLink[] {
  const byPair = new Map<string, StoredLink>();
  for (const l of links) {
    const canonical = l.a <= l.b ? l : { ...l, a: l.b, b: l.a };
    const pair = `${canonical.a}\u0000${canonical.b}`;
    byPair.delete(pair);
    byPair.set(pair, canonical);
  }
  return [...byPair.values()];
}
