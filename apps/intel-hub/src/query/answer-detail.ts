import { AnswerDetail, holdingWithStoredDetails, type Holding } from '@intel/contracts';
import type { MemberFacts } from '../flags/derive-flags';
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
 * Members' states for one answer. Disclosure and alert routing read only each state's facts
 * (its handling and registrations: `NationalIndex.facts`), decoded once; a full answer gives
 * each FULL holding the state as stored (`holdingWithStoredDetails`: the bytes go to the wire as
 * they are, decoded only if read in process), a summary none.
 */
export interface StateReader {
  readonly detail: Detail;
  read(keys: Iterable<MemberKey>): Map<MemberKey, MemberFacts>;
  /** A FULL holding of this member: with its state as details in a full answer only. */
  holding(key: MemberKey, holding: Omit<Holding, 'details'>): Holding;
}

export function stateReader(index: NationalIndex, detail: Detail): StateReader {
  const decoded = new Map<MemberKey, MemberFacts>();
  return {
    detail,
    read: (keys) => index.facts(keys, decoded),
    holding: (key, holding) => {
      const stored = detail === 'full' ? index.storedState(key) : undefined;
      return stored
        ? holdingWithStoredDetails(holding, stored)
        : { ...holding, details: undefined };
    },
  };
}
