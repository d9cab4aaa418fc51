import type { MemberKey } from './member-key';

/** What the assignment needs to know about the persons as they are now. */
export interface CurrentPersons {
  personOf(member: MemberKey): string | undefined;
  /** Creation order of a person id: lower is older. */
  ageOf(personId: string): number;
  membersOf(personId: string): readonly MemberKey[];
  newId(): string;
}

export interface PersonAssignment {
  /** Members whose person id changes (or who get one for the first time). */
  assign: Map<MemberKey, string>;
  /** Members no longer in the index (withdrawn): their membership ends. */
  unassign: MemberKey[];
  created: { personId: string; splitFrom: string | undefined }[];
  merged: { from: string; into: string }[];
  /** Persons left without any member. */
  retired: string[];
  /** Every person id whose membership changed, old or new. */
  touched: Set<string>;
}

/**
 * Gives the clusters the matching index reported as changed their national person ids, keeping
 * ids stable (docs/hub.md "Flow", issue #4): a cluster keeps the oldest id among its members' ids; two
 * persons joined keep the older id and record the merge; a person split keeps its id on the
 * largest part, and the other parts get new ids recorded as split from it. Pure.
 *
 * `groups` are the changed clusters' members now; `removed` are members that left the index.
 */
export function assignPersons(
  groups: readonly (readonly MemberKey[])[],
  removed: readonly MemberKey[],
  current: CurrentPersons,
): PersonAssignment {
  const out: PersonAssignment = {
    assign: new Map(),
    unassign: [],
    created: [],
    merged: [],
    retired: [],
    touched: new Set(),
  };
  const nonEmpty = groups.filter((g) => g.length > 0);
  // Largest first, so a split leaves the old id on its largest part; ties by the smallest key.
  const ordered = [...nonEmpty].sort(
    (a, b) => b.length - a.length || minKey(a).localeCompare(minKey(b)),
  );
  const taken = new Set<string>();
  const keptBy = new Map<MemberKey, string>();
  const before = new Set<string>();
  for (const group of ordered) {
    const candidates = [
      ...new Set(group.map((m) => current.personOf(m)).filter((p): p is string => !!p)),
    ].sort((a, b) => current.ageOf(a) - current.ageOf(b));
    for (const p of candidates) before.add(p);
    let keep = candidates.find((p) => !taken.has(p));
    if (keep === undefined) {
      keep = current.newId();
      out.created.push({ personId: keep, splitFrom: candidates[0] });
    }
    taken.add(keep);
    for (const m of group) {
      keptBy.set(m, keep);
      if (current.personOf(m) !== keep) {
        out.assign.set(m, keep);
        out.touched.add(keep);
        const old = current.personOf(m);
        if (old) out.touched.add(old);
      }
    }
  }
  for (const m of removed) {
    const old = current.personOf(m);
    if (old === undefined || keptBy.has(m)) continue;
    out.unassign.push(m);
    before.add(old);
    out.touched.add(old);
  }
  const gone = new Set(out.unassign);
  for (const p of before) {
    if (taken.has(p)) continue;
    // Members still with p after this change; none left means p ends here.
    const remaining = current
      .membersOf(p)
      .filter((m) => !gone.has(m) && (keptBy.get(m) ?? p) === p);
    if (remaining.length > 0) continue;
    // Where most of its members went is what it merged into.
    const destinations = new Map<string, number>();
    for (const m of current.membersOf(p)) {
      const to = keptBy.get(m);
      if (to !== undefined) destinations.set(to, (destinations.get(to) ?? 0) + 1);
    }
    const into = [...destinations].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (into === undefined) out.retired.push(p);
    else out.merged.push({ from: p, into });
    out.touched.add(p);
  }
  return out;
}

function minKey(g: readonly string[]): string {
  let min = g[0] ?? '';
  for (const k of g) if (k < min) min = k;
  return min;
}
