import type {
  AcknowledgeHitRequest,
  Justification,
  OnlineIdentifier,
  RegisterPersonaRequest,
  RegisterTargetRequest,
  RetireRegistrationRequest,
  WatchHitsRequest,
} from '@intel/contracts';
import {
  ErrorCollector,
  LIMITS,
  RecordValidationError,
  checkJustification,
  checkList,
  checkOnlineIdentifier,
  checkText,
} from '@intel/records';
import { personaMatchKey } from './persona-digest';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TARGET_IDENTIFIERS = 20;

/** A persona or identifier validated and reduced to its canonical matching key (never echoed). */
export interface CanonicalIdentifier {
  /** Canonical, for the national index lookup at registration; held in memory only. */
  identifier: OnlineIdentifier;
  kind: string;
  platform: string;
  matchKey: string;
}

function persona(
  o: OnlineIdentifier | null | undefined,
  errors: ErrorCollector,
): CanonicalIdentifier | undefined {
  if (o == null) {
    errors.add('', 'is required');
    return undefined;
  }
  const canonical = checkOnlineIdentifier(o, errors);
  if (!canonical) return undefined;
  const matchKey = personaMatchKey(canonical);
  if (!matchKey) {
    errors.add(
      'kind',
      'not a persona kind (username, platform user id, e-mail, phone, profile URL, device id)',
    );
    return undefined;
  }
  return { identifier: canonical, kind: canonical.kind, platform: canonical.platform, matchKey };
}

function done<T>(errors: ErrorCollector, value: T): T {
  if (!errors.ok) throw new RecordValidationError(errors.errors);
  return value;
}

export function validateRegisterPersona(r: RegisterPersonaRequest): {
  persona: CanonicalIdentifier;
  justification: Justification;
} {
  const errors = new ErrorCollector();
  const justification = checkJustification(r.justification, errors);
  const p = persona(r.persona, errors.at('persona'));
  return done(errors, { persona: p as CanonicalIdentifier, justification });
}

export function validateRegisterTarget(r: RegisterTargetRequest): {
  operationRef: string;
  personId: string | undefined;
  identifiers: CanonicalIdentifier[];
  justification: Justification;
} {
  const errors = new ErrorCollector();
  const justification = checkJustification(r.justification, errors);
  const operationRef = checkText(r.operationRef, errors, 'operationRef', {
    required: true,
    max: 64,
  });
  const id = checkText(r.nationalPersonId, errors, 'nationalPersonId', { max: 36 });
  if (id !== '' && !UUID.test(id))
    errors.add('nationalPersonId', 'not a national person id (UUID)');
  const list = checkList(r.identifiers, errors, 'identifiers', MAX_TARGET_IDENTIFIERS);
  const identifiers = list.flatMap((o, i) => persona(o, errors.at('identifiers').at(i)) ?? []);
  if (id === '' && list.length === 0)
    errors.add('nationalPersonId', 'a national person id or at least one identifier is required');
  return done(errors, {
    operationRef,
    personId: id === '' ? undefined : id.toLowerCase(),
    identifiers,
    justification,
  });
}

export function validateRetire(r: RetireRegistrationRequest): {
  registrationId: string;
  justification: Justification;
} {
  const errors = new ErrorCollector();
  const justification = checkJustification(r.justification, errors);
  const id = checkText(r.registrationId, errors, 'registrationId', { required: true, max: 36 });
  if (id !== '' && !UUID.test(id)) errors.add('registrationId', 'not a registration id (UUID)');
  return done(errors, { registrationId: id.toLowerCase(), justification });
}

export function validateWatchHits(r: WatchHitsRequest): { justification: Justification } {
  const errors = new ErrorCollector();
  return done(errors, { justification: checkJustification(r.justification, errors) });
}

export function validateAcknowledgeHit(r: AcknowledgeHitRequest): {
  noticeId: string;
  acknowledgedBy: string;
  justification: Justification;
} {
  const errors = new ErrorCollector();
  const justification = checkJustification(r.justification, errors);
  const id = checkText(r.noticeId, errors, 'noticeId', { required: true, max: 36 });
  if (id !== '' && !UUID.test(id)) errors.add('noticeId', 'not a notice id (UUID)');
  const acknowledgedBy = checkText(r.acknowledgedBy, errors, 'acknowledgedBy', {
    required: true,
    max: LIMITS.platform,
  });
  return done(errors, { noticeId: id.toLowerCase(), acknowledgedBy, justification });
}
