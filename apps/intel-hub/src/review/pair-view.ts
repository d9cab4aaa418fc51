import { maySee } from '@intel/disclosure';
import type { MemberView } from '../flags/derive-flags';
import type { ViewFlag } from '../flags/view-flags.repository';

/**
 * One record of a review pair as its reviewer is shown it (only ever to a force that may see
 * it): its state, the national person it is in now and that person's flags in the reviewer's
 * view.
 */
export interface PairEnd {
  view: MemberView;
  personId: string | undefined;
  flags: ViewFlag[];
}

/**
 * Whether `force` may review a pair: it may see both records (neither is another force's
 * handling-code-C record). A pair of two C records of different forces is seen by neither, so
 * it is reviewed by no one (docs/analyst.md "Match review"). Pure.
 */
export function mayReview(force: string, a: MemberView, b: MemberView): boolean {
  return maySee(force, a) && maySee(force, b);
}
