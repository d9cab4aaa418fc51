// The analysts' API as the page uses it (docs/openapi.json, operationIds in comments). Only the
// fields the page reads; the server's zod schemas are the authority.

export const PURPOSE_CODES = [
  'PROTECTING_LIFE_AND_PROPERTY',
  'PRESERVING_ORDER',
  'PREVENTING_OFFENCES',
  'BRINGING_OFFENDERS_TO_JUSTICE',
  'LEGAL_DUTY',
] as const;
export type PurposeCode = (typeof PURPOSE_CODES)[number];

export type Role = 'analyst' | 'supervisor' | 'auditor';

/** getMe */
export interface Me {
  sub: string;
  name: string;
  force: string;
  forceName: string;
  roles: Role[];
}

/** getAuthConfig */
export interface AuthConfig {
  issuer: string;
  dev: boolean;
  /** The page's OIDC client (authorization code + PKCE), when the issuer is a real one. */
  clientId?: string;
  scope?: string;
  demoUsers?: DemoUser[];
}

export interface DemoUser {
  sub: string;
  name: string;
  force: string;
  forceName?: string;
  roles: Role[];
}

export interface Justification {
  purposeCode: PurposeCode;
  reason: string;
  operationRef?: string;
}

/** openConsultation */
export interface Consultation {
  consultationId: string;
  purposeCode: PurposeCode;
  reason: string;
  operationRef?: string | null;
  openedAt: string;
  expiresAt: string;
}

export type Band = 'CERTAIN' | 'PROBABLE' | 'POSSIBLE';

/** What a flag rests on: a force's record or incident. */
export interface FlagEvidence {
  forceCode: string;
  /** 'person' | 'incident' */
  entity: string;
  id: string;
}

export interface Flag {
  type: string;
  reason?: string;
  raisedAt?: string;
  evidence?: FlagEvidence[];
}

export interface NameValue {
  given?: string[] | string;
  family?: string;
  type?: string;
}

export interface IdentifierValue {
  scheme?: string;
  value: string;
}

export interface OnlineIdentifierValue {
  kind: string;
  value: string;
  platform?: string;
}

export interface AddressValue {
  line?: string;
  town?: string;
  postcode?: string;
}

export interface Holding {
  forceCode: string;
  forceName: string;
  disclosure: 'FULL' | 'HIT_ONLY';
  contact: string;
  nominalId?: string;
  name?: string | NameValue;
  dateOfBirth?: string;
}

/** searchPersons, lookupIdentifiers */
export interface PersonMatch {
  nationalPersonId: string;
  score: number;
  band: Band;
  flags: Flag[];
  holdings: Holding[];
}

export interface SearchResponse {
  results: PersonMatch[];
  auditRef?: string;
}

export interface SearchBody {
  names?: { given?: string; family?: string }[];
  dateOfBirth?: string;
  pnc?: string;
  cro?: string;
  onlineIdentifiers?: OnlineIdentifierValue[];
  maxResults?: number;
}

export interface Grading {
  scheme?: string;
  source: string;
  intelligence: string;
  handling: string;
}

export interface DossierHolding {
  forceCode: string;
  forceName: string;
  nominalId?: string;
  disclosure: 'FULL' | 'HIT_ONLY';
  contact: string;
  grading?: Grading;
  handlingCode?: string;
  handlingConditions?: string;
  names?: NameValue[];
  dateOfBirth?: string;
  datesOfBirth?: string[];
  sex?: string;
  identifiers?: IdentifierValue[];
  onlineIdentifiers?: OnlineIdentifierValue[];
  addresses?: AddressValue[];
  registrations?: {
    active: boolean;
    managingForce: string;
    startDate?: string;
    endDate?: string;
    visorRef?: string;
  }[];
  subjectCategories?: string[];
  updatedAt?: string;
}

/** An identifier of the person, once, with the forces that hold it. */
export interface PersonIdentifier {
  type: string;
  value: string;
  platform?: string;
  forces: string[];
}

/** getDossier */
export interface Dossier {
  nationalPersonId: string;
  flags: Flag[];
  holdings: DossierHolding[];
  identifiers: PersonIdentifier[];
  incidentCount?: number;
  history: { createdAt?: string; mergedFrom: string[] };
  auditRef?: string;
}

/** listIncidents: an incident the caller may see. */
export interface Incident {
  forceCode: string;
  forceName: string;
  incidentId: string;
  /** False when the incident was withdrawn since (its content is gone). */
  available: boolean;
  category?: string;
  offenceCodes?: string[];
  occurredFrom?: string;
  occurredTo?: string;
  reportedAt?: string;
  platforms?: string[];
  outcome?: string;
  summary?: string;
  immediateRiskToChild?: boolean;
  victimCount?: number;
  handlingCode?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface RecordRef {
  forceCode: string;
  nominalId?: string;
  forceName?: string;
  contact?: string;
}

/** listLinks */
export interface Link {
  a: RecordRef;
  b: RecordRef;
  score?: number;
  band?: Band;
}

export interface ExplanationStep {
  field: string;
  level: string;
  weight: number;
  tfAdjustment?: number;
  running: number;
}

/** explainLink: the full answer, or a hit-only one for another force's C record. */
export interface Explanation {
  prior?: number;
  steps?: ExplanationStep[];
  total?: number;
  thresholds?: { link: number; possible: number };
  band?: Band | null;
  records?: { a: Record<string, unknown>; b: Record<string, unknown> };
  differences?: string[];
  hitOnly?: boolean;
  holder?: RecordRef;
  holders?: RecordRef[];
}

export type NodeType = 'person' | 'record' | 'identifier' | 'incident' | 'force';

export interface NetworkNode {
  id: string;
  type: NodeType;
  label: string;
  hitOnly?: boolean;
  forceCode?: string;
  personId?: string;
  contact?: string;
}

export interface NetworkEdge {
  source: string;
  target: string;
  type: string;
}

/** getNetwork */
export interface Network {
  nodes: NetworkNode[];
  edges: NetworkEdge[];
}

export type Verdict = 'SAME' | 'NOT_SAME' | 'UNSURE';

/** listReviewQueue */
export interface ReviewPair {
  pairId: string;
  score?: number;
  band?: Band;
  a: RecordRef & Record<string, unknown>;
  b: RecordRef & Record<string, unknown>;
  differences?: string[];
  reasons?: string[];
}

export interface Judgement {
  judgementId: string;
  pairId?: string;
  verdict?: Verdict;
  rationale?: string;
  status: string;
  judgedBy?: string;
  judgedAt?: string;
  a?: RecordRef;
  b?: RecordRef;
  effects?: string[];
}

export interface Alert {
  alertId: string;
  alertType?: string;
  nationalPersonId?: string;
  flags?: string[];
  summary?: string;
  reason?: string;
  createdAt?: string;
  raisedAt?: string;
  acknowledgedAt?: string | null;
  acknowledgedBy?: string | null;
}

export interface AuditEntry {
  seq: string | number;
  at?: string;
  occurredAt?: string;
  action: string;
  callerName?: string;
  callerForce?: string;
  purposeCode?: string;
  reason?: string;
  operationRef?: string;
  consultationId?: string;
  user?: { sub?: string; name?: string; role?: string; roles?: string[] };
  subjects?: string[];
  refused?: boolean | string;
  outcome?: string;
}

export interface AuditVerification {
  ok: boolean;
  fromSeq?: string | number;
  toSeq?: string | number;
  checked?: number;
  firstBad?: string | number | null;
  detail?: string;
}
