/**
 * The engine's record model. It is a structural subset of `PersonRecord` from `@intel/contracts`
 * (proto3 field names, enum values as their string names), so a decoded PersonRecord can be passed
 * as it is; other sources (FEBRL, test fixtures) fill only what they have. Every field is optional
 * in effect: a missing value is a null comparison and contributes no weight (Fellegi & Sunter 1969).
 */
export interface MatchName {
  given: string[];
  family: string;
  /** `NAME_TYPE_BIRTH | NAME_TYPE_ALIAS | NAME_TYPE_NICKNAME` (person.proto). */
  type?: string;
}

/** Partial date: 0 (or absent, as in canonical JSON) means unknown (person.proto PartialDate). */
export interface MatchDate {
  year: number;
  month?: number;
  day?: number;
}

export interface MatchIdentifier {
  /** `IDENTIFIER_SCHEME_PNC | CRO | NINO | PASSPORT | DRIVING_LICENCE | VISOR | FORCE_URN | OTHER`. */
  scheme: string;
  value: string;
}

export interface MatchOnlineIdentifier {
  /** `ONLINE_IDENTIFIER_KIND_USERNAME | EMAIL | PHONE | PROFILE_URL | PLATFORM_USER_ID | …`. */
  kind: string;
  platform?: string;
  value: string;
}

export interface MatchAddress {
  /** First line, house number included ("12 Acacia Avenue"). */
  line: string;
  town: string;
  postcode: string;
  /** A second address line (building, estate, locality), when the source has one. */
  line2?: string;
  /** State, county or region, when the source has one. */
  region?: string;
}

export interface MatchInput {
  names: MatchName[];
  dateOfBirth?: MatchDate | undefined;
  /** `SEX_MALE | SEX_FEMALE | …`; unknown values are nulls. */
  sex?: string;
  identifiers?: MatchIdentifier[];
  onlineIdentifiers?: MatchOnlineIdentifier[];
  addresses?: MatchAddress[];
}
