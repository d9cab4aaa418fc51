import { FlagType } from '@intel/contracts';

export type ReviewVerdict = 'SAME' | 'NOT_SAME' | 'UNSURE';

/** Why a judgement waits for a supervisor. */
export type ApprovalReason =
  | 'RSO_FLAG_ADDED'
  | 'RSO_FLAG_REMOVED'
  | 'REPEAT_OFFENDER_FLAG_ADDED'
  | 'REPEAT_OFFENDER_FLAG_REMOVED'
  | 'CROSS_FORCE_MERGE';

/** A national person as the judging force may see it: its records and their flags. */
export interface PersonPicture {
  records: readonly { key: string; forceCode: string }[];
  flags: readonly FlagType[];
}

/** The flags whose coming or going a supervisor must approve. */
const WATCHED: readonly { flag: FlagType; added: ApprovalReason; removed: ApprovalReason }[] = [
  {
    flag: FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
    added: 'RSO_FLAG_ADDED',
    removed: 'RSO_FLAG_REMOVED',
  },
  {
    flag: FlagType.FLAG_TYPE_REPEAT_OFFENDER,
    added: 'REPEAT_OFFENDER_FLAG_ADDED',
    removed: 'REPEAT_OFFENDER_FLAG_REMOVED',
  },
];

/**
 * Whether a judgement waits for a supervisor's approval, and why (issue #12). Pure.
 *
 * `before` are the persons the judged pair's records are in now (one, or two), `after` what
 * the same records become once the judgement's constraint is in force (the index's preview):
 * both as the judging force may see them. It does, when:
 * - a record would gain or lose the registered-sex-offender or repeat-offender flag (each
 *   record's person before against its person after), or
 * - records of different persons would end in one person holding records of more than one
 *   force (a merge across forces).
 * UNSURE changes nothing and never does. The records cover the same set on both sides; one
 * missing after is taken as unchanged.
 */
export function approvalReasons(
  verdict: ReviewVerdict,
  before: readonly PersonPicture[],
  after: readonly PersonPicture[],
): ApprovalReason[] {
  if (verdict === 'UNSURE') return [];
  const beforeOf = new Map<string, number>();
  before.forEach((p, i) => p.records.forEach((r) => beforeOf.set(r.key, i)));
  const reasons = new Set<ApprovalReason>();
  for (const person of after) {
    const sources = new Set<number>();
    for (const r of person.records) {
      const i = beforeOf.get(r.key);
      if (i === undefined) continue;
      sources.add(i);
      const was = before[i]?.flags ?? [];
      for (const w of WATCHED) {
        const had = was.includes(w.flag);
        const has = person.flags.includes(w.flag);
        if (has && !had) reasons.add(w.added);
        if (had && !has) reasons.add(w.removed);
      }
    }
    const forces = new Set(person.records.map((r) => r.forceCode));
    if (sources.size > 1 && forces.size > 1) reasons.add('CROSS_FORCE_MERGE');
  }
  return [...reasons].sort();
}
