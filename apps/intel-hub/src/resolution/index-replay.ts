import type { Sql } from '@intel/db';
import { NominalState } from '@intel/contracts';
import type { RestoredLink } from '@intel/matching';
import type { ViewFlagsRepository } from '../flags/view-flags.repository';
import type { ReviewRepository } from '../review/review.repository';
import type { IndexCommit, IndexCommitsRepository } from './index-commits.repository';
import type { MemberKey } from './member-key';
import type { NationalIndex, ReplacedPersons } from './national-index';
import type { NationalStoreRepository } from './national-store.repository';

/** Why the commits after a snapshot cannot be replayed onto it (the index is then rebuilt). */
export class ReplayRefused extends Error {
  constructor(message: string) {
    super(`the commits since the snapshot cannot be replayed: ${message}`);
    this.name = 'ReplayRefused';
  }
}

/**
 * What the commits after a snapshot's watermark changed, in one: the member keys, the persons
 * whose flags changed, whether analysts' decisions did. Refused when one of them rebuilt the
 * index (`full_rebuild`), or when some were pruned (a snapshot older than the last one written).
 * Pure.
 */
export function changesSince(
  commits: readonly IndexCommit[],
  from: number,
): { members: Set<MemberKey>; persons: Set<string>; constraints: boolean } {
  const members = new Set<MemberKey>();
  const persons = new Set<string>();
  let constraints = false;
  let expected = from + 1;
  for (const c of commits) {
    if (c.seq !== expected)
      throw new ReplayRefused(`commit ${expected} is no longer listed (${c.seq} next)`);
    if (c.full) throw new ReplayRefused(`commit ${c.seq} rebuilt the index`);
    for (const m of c.members) members.add(m);
    for (const p of c.persons) persons.add(p);
    constraints ||= c.constraints;
    expected++;
  }
  return { members, persons, constraints };
}

/**
 * Brings an index loaded from a snapshot up to the database's watermark by replaying the
 * OUTCOMES committed since (docs/hub.md "Snapshot and restart"): nothing is matched again. Every
 * person concerned (those the changed members belong to, in the snapshot or in the database)
 * is restored in place as stored: its members with their stored states, the stored links of
 * each, its creation seq; members the database no longer lists are taken out; the flags of
 * every person concerned are read again; analysts' decisions are read again when any changed.
 * Returns how many members were restored.
 */
export async function replayOnto(
  tx: Sql,
  index: NationalIndex,
  from: number,
  repos: ReplayRepositories,
): Promise<number> {
  return replayCommits(tx, index, await repos.commits.since(tx, from), from, repos);
}

/** What a replay reads the database through. */
export interface ReplayRepositories {
  commits: IndexCommitsRepository;
  store: NationalStoreRepository;
  viewFlags: ViewFlagsRepository;
  review: ReviewRepository;
}

/**
 * `replayOnto` for commits already read (the first of them following `from`): the warm
 * standby replays the leader's commits a few at a time (`WarmStandby`).
 */
export async function replayCommits(
  tx: Sql,
  index: NationalIndex,
  commits: readonly IndexCommit[],
  from: number,
  repos: ReplayRepositories,
): Promise<number> {
  const { members, persons, constraints } = changesSince(commits, from);
  if (members.size === 0 && persons.size === 0 && !constraints) return 0;
  const keys = [...members];
  const concerned = new Set<string>(persons);
  for (const k of keys) {
    const p = index.personOfMember(k);
    if (p) concerned.add(p);
  }
  for (const p of await repos.store.personsOfMembers(tx, keys)) concerned.add(p);
  const stored = await repos.store.membershipsOf(tx, [...concerned]);
  const held = new Set(stored.map((m) => m.key));
  const gone = new Set<MemberKey>(keys.filter((k) => !held.has(k)));
  for (const p of concerned) for (const m of index.membersOf(p)) if (!held.has(m)) gone.add(m);
  const states = await repos.store.nominalStates(tx, [...held]);
  const records = [];
  for (const m of stored) {
    const s = states.get(m.key);
    // Withdrawn but not yet resolved: kept as indexed (its resolution will take it out).
    const encoded = s?.encoded ?? index.storedState(m.key);
    if (!encoded) continue;
    records.push({
      key: m.key,
      state: s?.state ?? NominalState.decode(encoded),
      encoded,
      personId: m.personId,
    });
  }
  const links: RestoredLink[] = await repos.store.linksOf(tx, [...held]);
  const flags = await repos.viewFlags.all(tx, [...concerned]);
  const replaced: ReplacedPersons = {
    gone: [...gone],
    records,
    links,
    persons: stored,
    concerned: [...concerned],
    flags,
  };
  index.replacePersons(replaced);
  if (constraints) index.matching.replaceConstraints(await repos.review.activeConstraints(tx));
  return records.length;
}
