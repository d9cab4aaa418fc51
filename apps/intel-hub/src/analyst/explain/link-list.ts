import type { HeldLink } from '@intel/matching';
import { maySee } from '@intel/disclosure';
import type { MemberView } from '../../flags/derive-flags';
import { splitMemberKey, type MemberKey } from '../../resolution/member-key';
import { bandName, hitOnlyHolder, type BandName, type HitOnlyHolder } from './hit-only';

/** One end of a link: a record the caller may see, or a hit-only holding. */
export type LinkEnd =
  { forceCode: string; nominalId: string } | ({ hitOnly: true } & HitOnlyHolder);

export interface PersonLink {
  a: LinkEnd;
  /** null for a link touching a hidden record: its other end is not named either. */
  b: LinkEnd | null;
  score: number | null;
  band: BandName | null;
}

/**
 * The accepted links between a person's records as `recipient` may be shown them. A link
 * between two records it may see comes with its score and band. A link touching another
 * force's handling-code-C record is a statement about that record's content (its score, and
 * which of the person's records it agrees with), so all such links are reported as one entry
 * per holding force, naming the force and whom to contact: no nominal id, no score, no band,
 * no other end, and not how many links there are.
 */
export function linksFor(
  recipient: string,
  links: readonly HeldLink[],
  recordOf: (key: MemberKey) => MemberView | undefined,
): PersonLink[] {
  const visible = (k: MemberKey) => {
    const r = recordOf(k);
    return r !== undefined && maySee(recipient, r);
  };
  const out: PersonLink[] = [];
  const hiddenForces = new Set<string>();
  for (const l of links) {
    const hidden = [l.a, l.b].filter((k) => !visible(k));
    if (hidden.length > 0) {
      for (const k of hidden) hiddenForces.add(splitMemberKey(k).forceCode);
      continue;
    }
    out.push({
      a: splitMemberKey(l.a),
      b: splitMemberKey(l.b),
      score: l.score,
      band: bandName(l.band),
    });
  }
  for (const f of [...hiddenForces].sort())
    out.push({ a: { hitOnly: true, ...hitOnlyHolder(f) }, b: null, score: null, band: null });
  return out;
}
