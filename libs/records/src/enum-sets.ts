import {
  IdentifierScheme,
  IncidentCategory,
  IncidentOutcome,
  NameType,
  OnlineIdentifierKind,
  Sex,
  SubjectCategory,
  SubjectRole,
} from '@intel/contracts';

/** The specified (non-zero) values of a generated string enum. */
function specified(e: Record<string, string>): ReadonlySet<string> {
  return new Set(Object.values(e).filter((v) => !v.endsWith('_UNSPECIFIED')));
}

export const NAME_TYPES = specified(NameType);
export const SEXES = specified(Sex);
export const IDENTIFIER_SCHEMES = specified(IdentifierScheme);
export const ONLINE_IDENTIFIER_KINDS = specified(OnlineIdentifierKind);
export const SUBJECT_CATEGORIES = specified(SubjectCategory);
export const INCIDENT_CATEGORIES = specified(IncidentCategory);
export const SUBJECT_ROLES = specified(SubjectRole);
export const INCIDENT_OUTCOMES = specified(IncidentOutcome);
