import {
  Classification,
  GradingScheme,
  HandlingCode,
  Sex as SexEnum,
  SubjectCategory as SubjectCategoryEnum,
} from '@intel/contracts';
import type {
  Address,
  Handling,
  Identifier,
  NominalState,
  OnlineIdentifier,
  PartialDate,
  PersonName,
  PersonRecord,
  Registration,
  Sex,
  SubjectCategory,
  Timestamp,
} from '@intel/contracts';
import { stableStringify } from '@intel/records';

/**
 * Victims' identities never enter the shared layer (docs/domain.md): a record whose subject is a
 * victim stays in the force. A nominal is published only from its non-victim records.
 */
export function isShareable(r: PersonRecord): boolean {
  return r.subjectCategory !== SubjectCategoryEnum.SUBJECT_CATEGORY_VICTIM;
}

function distinct<T>(items: T[], key: (t: T) => string = stableStringify): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}

const NAME_ORDER: Record<string, number> = {
  NAME_TYPE_BIRTH: 0,
  NAME_TYPE_UNSPECIFIED: 1,
  NAME_TYPE_ALIAS: 2,
  NAME_TYPE_NICKNAME: 3,
};

/**
 * The most restrictive handling among the merged records: OFFICIAL-SENSITIVE over OFFICIAL,
 * code C over P (with every record's conditions kept), the worst source evaluation, the
 * earliest review date. Sharing a merged record must never relax a condition one source set.
 */
export function mostRestrictiveHandling(handlings: Handling[]): Handling | undefined {
  if (handlings.length === 0) return undefined;
  const first = handlings[0] as Handling;
  const sensitive = handlings.some(
    (h) => h.classification === Classification.CLASSIFICATION_OFFICIAL_SENSITIVE,
  );
  const coded = handlings.filter((h) => h.handlingCode === HandlingCode.HANDLING_CODE_C);
  const threeByFive = handlings.filter(
    (h) => h.gradingScheme !== GradingScheme.GRADING_SCHEME_5X5X5,
  );
  const basis = threeByFive.length > 0 ? threeByFive : handlings;
  const worst = (xs: string[]) => xs.reduce((a, b) => (b > a ? b : a), xs[0] ?? '');
  const reviewDates = handlings
    .map((h) => h.reviewDate)
    .filter((d): d is PartialDate => d != null && d.year > 0)
    .sort((a, b) => a.year - b.year || a.month - b.month || a.day - b.day);
  return {
    classification: sensitive
      ? Classification.CLASSIFICATION_OFFICIAL_SENSITIVE
      : first.classification,
    gradingScheme: basis[0]?.gradingScheme ?? first.gradingScheme,
    sourceEvaluation: worst(basis.map((h) => h.sourceEvaluation)),
    intelligenceAssessment: worst(basis.map((h) => h.intelligenceAssessment)),
    handlingCode: coded.length > 0 ? HandlingCode.HANDLING_CODE_C : HandlingCode.HANDLING_CODE_P,
    handlingConditions: distinct(
      coded.map((h) => h.handlingConditions.trim()).filter(Boolean),
      (s) => s,
    ).join(' | '),
    reviewDate: reviewDates[0],
  };
}

function mostCommonSex(values: Sex[]): Sex {
  const known = values.filter((s) => s === SexEnum.SEX_MALE || s === SexEnum.SEX_FEMALE);
  if (known.length === 0)
    return values.find((s) => s === SexEnum.SEX_UNKNOWN) ?? SexEnum.SEX_UNSPECIFIED;
  const counts = new Map<Sex, number>();
  for (const s of known) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? SexEnum.SEX_UNSPECIFIED;
}

/**
 * Merges a nominal's source records (canonical, validated, in submission order) into the state
 * published on intel.person.v1. Pure: the same records give the same state.
 */
export function mergeNominalState(
  nominalId: string,
  version: number,
  records: PersonRecord[],
  updatedAt: Timestamp,
): NominalState {
  const shared = records.filter(isShareable);
  const names: PersonName[] = distinct(
    shared.flatMap((r) => r.names),
    (n) => `${n.type}|${n.given.join(' ').toLowerCase()}|${n.family.toLowerCase()}`,
  ).sort((a, b) => (NAME_ORDER[a.type] ?? 9) - (NAME_ORDER[b.type] ?? 9));
  const registrations: Registration[] = distinct(
    shared.flatMap((r) => (r.registration ? [r.registration] : [])),
  );
  return {
    nominalId,
    version,
    names,
    datesOfBirth: distinct(shared.flatMap((r) => (r.dateOfBirth ? [r.dateOfBirth] : []))),
    sex: mostCommonSex(shared.map((r) => r.sex)),
    identifiers: distinct<Identifier>(
      shared.flatMap((r) => r.identifiers),
      (i) => `${i.scheme}|${i.value}`,
    ),
    onlineIdentifiers: distinct<OnlineIdentifier>(
      shared.flatMap((r) => r.onlineIdentifiers),
      (o) => `${o.kind}|${o.platform}|${o.value}`,
    ),
    addresses: distinct<Address>(shared.flatMap((r) => r.addresses)),
    registrations,
    handling: mostRestrictiveHandling(shared.flatMap((r) => (r.handling ? [r.handling] : []))),
    subjectCategories: distinct<SubjectCategory>(
      shared.map((r) => r.subjectCategory),
      (s) => s,
    ),
    sources: shared.map((r) => ({
      sourceSystem: r.sourceSystem,
      sourceRecordId: r.sourceRecordId,
    })),
    updatedAt,
  };
}
