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

/** Another force's handling-code-C record: who holds something, and whom to ask. */
export interface HitOnlyHolder {
  forceCode: string;
  forceName: string;
  contact: string;
}

/** One end of a link: a record the caller may see, or a hit-only holding. */
export type LinkEnd =
  { forceCode: string; nominalId: string } | ({ hitOnly: true } & HitOnlyHolder);

/** listLinks: b is null for a link touching a hidden record (its other end is not named). */
export interface Link {
  a: LinkEnd;
  b: LinkEnd | null;
  score: number | null;
  band: Band | null;
}

export interface ExplanationStep {
  field: string;
  level: string;
  m?: number;
  u?: number;
  levelWeight?: number;
  tfAdjustment?: number;
  weight: number;
  running: number;
}

export interface ExplainedRecord {
  forceCode: string;
  nominalId: string;
  /** The compared values per field (given, family, dob, online, ...). */
  fields: Record<string, string[]>;
}

/** explainLink: the waterfall of two records the caller may see. */
export interface FullExplanation {
  disclosure: 'FULL';
  lambda?: number;
  prior: number;
  steps: ExplanationStep[];
  total: number;
  probability?: number;
  thresholds: { possible: number; link: number; certain?: number };
  band: Band | null;
  namesOnly?: boolean;
  /** The link the hub holds between them, if any. */
  link?: { score: number; band: Band | null } | null;
  records: { a: ExplainedRecord; b: ExplainedRecord };
  differences: string[];
}

/** explainLink when another force's C record is one of the two: only who holds something. */
export interface HitOnlyExplanation {
  disclosure: 'HIT_ONLY';
  hitOnly: HitOnlyHolder[];
}

export type Explanation = FullExplanation | HitOnlyExplanation;

export type NodeType = 'person' | 'record' | 'identifier' | 'incident' | 'force';

export interface NetworkNode {
  id: string;
  type: NodeType;
  label: string;
  hitOnly?: boolean;
}

export interface NetworkEdge {
  source: string;
  target: string;
  type: string;
  /** A subject's role in an incident (suspect, offender, ...). */
  label?: string;
}

/** getNetwork */
export interface Network {
  nationalPersonId?: string;
  depth?: 1 | 2;
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  /** Depth 2 stopped at its bounds. */
  truncated?: boolean;
}

export type Verdict = 'SAME' | 'NOT_SAME' | 'UNSURE';
export type JudgementStatus = 'ACTIVE' | 'PENDING_APPROVAL' | 'RETRACTED' | 'REJECTED';

/** A record of a review pair, shown whole (the queue lists only pairs the force may see). */
export interface ReviewRecord extends Pick<
  DossierHolding,
  | 'forceCode'
  | 'forceName'
  | 'handlingCode'
  | 'names'
  | 'dateOfBirth'
  | 'datesOfBirth'
  | 'sex'
  | 'identifiers'
  | 'onlineIdentifiers'
  | 'addresses'
  | 'registrations'
  | 'subjectCategories'
  | 'updatedAt'
> {
  nominalId: string;
  /** The national person the record is in now, and its flags as the user's force sees them. */
  nationalPersonId?: string;
  flags: Flag[];
}

/** listReviewQueue */
export interface ReviewPair {
  pairId: string;
  score: number;
  band: Band;
  firstSeen?: string;
  lastSeen?: string;
  /** How many other analysts called the pair UNSURE. */
  unsure?: number;
  a: ReviewRecord;
  b: ReviewRecord;
}

/** judgePair, approveJudgement, rejectJudgement, retractJudgement */
export interface Decided {
  judgementId: string;
  status: JudgementStatus;
  auditRef?: string;
  approvalReasons?: string[];
}

/** listJudgements */
export interface Judgement {
  judgementId: string;
  pairId?: string;
  verdict: Verdict;
  rationale: string;
  status: JudgementStatus;
  approvalReasons: string[];
  judgedBy: { sub: string; name: string; force: string; role: string };
  judgedAt: string;
  approvedBy?: { sub: string; name: string };
  approvedAt?: string;
  a: { forceCode: string; nominalId: string };
  b: { forceCode: string; nominalId: string };
}

/** listAlerts: an alert as delivered to the user's force, and its acknowledgement. */
export interface Alert {
  alertId: string;
  alertType: string;
  nationalPersonId: string;
  flags: string[];
  summary: string;
  records?: { forceCode: string; nominalId?: string }[];
  raisedAt: string;
  immediateRiskToChild: boolean;
  /** IMMEDIATE: to be acknowledged by `acknowledgeBy`, else escalated (docs/hub.md). */
  priority?: 'ROUTINE' | 'IMMEDIATE';
  acknowledgeBy?: string | null;
  escalatesAlertId?: string | null;
  acknowledged: { sub: string; name: string; at: string } | null;
}

/** acknowledgeAlert */
export interface Acknowledgement {
  alert: Alert;
  /** False when it had been acknowledged already (that acknowledgement stands). */
  acknowledgedNow: boolean;
}

/** listAuditEntries: one entry as the auditor's scope may see it. */
export interface AuditEntry {
  seq: string;
  at: string;
  action: string;
  view: 'national' | 'own' | 'told';
  caller: {
    force: string;
    forceName: string;
    kind: 'analyst' | 'system' | 'unidentified';
    name?: string;
    sub?: string;
    displayName?: string;
    roles?: string[];
    consultationId?: string;
  };
  purposeCode?: string;
  reason?: string;
  operationRef?: string;
  recipients: string[];
  persons: string[];
  records: { forceCode: string; nominalId?: string }[];
  outcome: { status: 'answered' | 'not-found' | 'refused'; code?: string; fields?: string[] };
  /** What this view leaves out. */
  withheld: string[];
}

/** verifyAudit */
export interface AuditVerification {
  ok: boolean;
  fromSeq: number;
  toSeq: number;
  rows: number;
  firstBadSeq: number | null;
  problems: { seq: number; problem: string }[];
  truncated: boolean;
  headSeq: number;
}
