import type { FlagType, NominalState, PartialDate } from '@intel/contracts';
import { forceName } from '@intel/config';
import { maySee } from '@intel/disclosure';
import type { MemberView } from '../flags/derive-flags';

/** One record of a review pair as an analyst is shown it (only ever to a force that may see it). */
export interface ReviewRecord {
  forceCode: string;
  forceName: string;
  nominalId: string;
  /** The national person the record is in now, and that person's flags in the viewer's view. */
  nationalPersonId: string | undefined;
  flags: FlagType[];
  names: { given: string[]; family: string }[];
  datesOfBirth: string[];
  sex: string;
  identifiers: { scheme: string; value: string }[];
  onlineIdentifiers: { kind: string; platform: string; value: string }[];
  addresses: { line: string; town: string; postcode: string }[];
  subjectCategories: string[];
  registered: boolean;
  handlingCode: string;
}

/** 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (a partial date's known part). */
export function partialDateText(d: PartialDate): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  if (!d.year) return '';
  if (!d.month) return String(d.year).padStart(4, '0');
  if (!d.day) return `${String(d.year).padStart(4, '0')}-${pad(d.month)}`;
  return `${String(d.year).padStart(4, '0')}-${pad(d.month)}-${pad(d.day)}`;
}

/** What a review screen shows of a record's state. Pure. */
export function recordContent(
  state: NominalState,
): Omit<ReviewRecord, 'forceCode' | 'forceName' | 'nominalId' | 'nationalPersonId' | 'flags'> {
  return {
    names: state.names.map((n) => ({ given: [...n.given], family: n.family })),
    datesOfBirth: state.datesOfBirth.map(partialDateText).filter((d) => d !== ''),
    sex: String(state.sex),
    identifiers: state.identifiers.map((i) => ({ scheme: String(i.scheme), value: i.value })),
    onlineIdentifiers: state.onlineIdentifiers.map((o) => ({
      kind: String(o.kind),
      platform: o.platform,
      value: o.value,
    })),
    addresses: state.addresses.map((a) => ({ line: a.line, town: a.town, postcode: a.postcode })),
    subjectCategories: state.subjectCategories.map(String),
    registered: state.registrations.some((r) => r.active),
    handlingCode: String(state.handling?.handlingCode ?? ''),
  };
}

/**
 * Whether `force` may review a pair: it may see both records (neither is another force's
 * handling-code-C record). A pair of two C records of different forces is seen by neither, so
 * it is reviewed by no one (docs/analyst.md "Match review"). Pure.
 */
export function mayReview(force: string, a: MemberView, b: MemberView): boolean {
  return maySee(force, a) && maySee(force, b);
}

/** The record as shown to a force that may see it. */
export function reviewRecord(
  view: MemberView,
  person: { id: string | undefined; flags: FlagType[] },
): ReviewRecord {
  return {
    forceCode: view.forceCode,
    forceName: forceName(view.forceCode),
    nominalId: view.nominalId,
    nationalPersonId: person.id,
    flags: person.flags,
    ...recordContent(view.state),
  };
}
