import { AnswerDetail, type NominalState } from '@intel/contracts';
import type { MemberFacts, MemberView } from '../flags/derive-flags';
import type { MemberKey } from '../resolution/member-key';
import type { NationalIndex } from '../resolution/national-index';

/**
 * How much of each match an answer carries (docs/hub.md "Answer detail"): `summary` is who
 * (national person id), how sure (score, band), which flags and which forces hold records
 * (force, nominal id, disclosure, contact); `full` adds each FULL holding's details and the
 * explanation.
 */
export type Detail = 'full' | 'summary';

/** The detail asked for, or the hub's configured default when the caller did not say. */
export function detailOf(asked: AnswerDetail | undefined, configured: Detail): Detail {
  if (asked === AnswerDetail.ANSWER_DETAIL_FULL) return 'full';
  if (asked === AnswerDetail.ANSWER_DETAIL_SUMMARY) return 'summary';
  return configured;
}

/**
 * Members' states for one answer, each decoded at most once: whole (a full answer gives them as
 * holding details) or, for a summary, only the facts disclosure and alert routing read (its
 * handling and registrations: `NationalIndex.facts`), the rest of the stored bytes not decoded.
 */
export interface StateReader {
  readonly detail: Detail;
  read(keys: Iterable<MemberKey>): Map<MemberKey, MemberFacts>;
  /** A member's whole state for its holding's details: only in a full answer. */
  details(key: MemberKey): NominalState | undefined;
}

export function stateReader(index: NationalIndex, detail: Detail): StateReader {
  if (detail === 'full') {
    const decoded = new Map<MemberKey, MemberView>();
    return {
      detail,
      read: (keys) => index.views(keys, decoded),
      details: (k) => decoded.get(k)?.state,
    };
  }
  const decoded = new Map<MemberKey, MemberFacts>();
  return { detail, read: (keys) => index.facts(keys, decoded), details: () => undefined };
}
