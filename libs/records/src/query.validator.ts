import {
  AlertType,
  AnswerDetail,
  PurposeCode,
  Sex,
  type CheckIdentifiersCall,
  type CheckIdentifiersRequest,
  type CheckPersonCall,
  type CheckPersonRequest,
  type GetPersonRequest,
  type Justification,
  type WatchAlertsRequest,
  type AcknowledgeAlertRequest,
  type OnlineIdentifier,
  type PersonQuery,
} from '@intel/contracts';
import { ErrorCollector, RecordValidationError } from './field-error';
import { LIMITS } from './limits';
import { checkOnlineIdentifier } from './online-identifiers';
import { checkPersonIdentity } from './person-record.validator';
import { reasonProblem } from './reason';
import { checkEnum, checkList, checkText } from './text';

const PURPOSES = new Set(Object.values(PurposeCode).filter((v) => !v.endsWith('_UNSPECIFIED')));

export const MAX_QUERY_RESULTS = 50;
export const DEFAULT_QUERY_RESULTS = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every IntelQuery call must be justified (DPA 2018 s.62; MoPI policing purposes): a purpose
 * code and a reason with content (reason.ts: a few words, not a placeholder); an operation
 * reference is optional.
 */
export function checkJustification(
  j: Justification | null | undefined,
  errors: ErrorCollector,
): Justification {
  if (j == null) {
    errors.add('justification', 'is required (purposeCode and reason)');
    return { purposeCode: PurposeCode.PURPOSE_CODE_UNSPECIFIED, reason: '', operationRef: '' };
  }
  const e = errors.at('justification');
  checkEnum(String(j.purposeCode), PURPOSES, e, 'purposeCode', { required: true });
  const reason = checkText(j.reason, e, 'reason', {
    required: true,
    max: LIMITS.reason,
    multiline: true,
  });
  const problem =
    reason !== '' && reason.length <= LIMITS.reason ? reasonProblem(reason) : undefined;
  if (problem) e.add('reason', problem);
  const operationRef = checkText(j.operationRef, e, 'operationRef', { max: 64 });
  return { purposeCode: j.purposeCode, reason, operationRef };
}

function checkPersonQuery(
  q: PersonQuery | null | undefined,
  errors: ErrorCollector,
  now: Date,
): PersonQuery {
  if (q == null) {
    errors.add('person', 'is required');
    return {
      names: [],
      dateOfBirth: undefined,
      sex: Sex.SEX_UNSPECIFIED,
      identifiers: [],
      onlineIdentifiers: [],
      addresses: [],
    };
  }
  return checkPersonIdentity(q, errors.at('person'), now, 'a query');
}

function checkMaxResults(n: number, errors: ErrorCollector): number {
  if (n > MAX_QUERY_RESULTS) errors.add('maxResults', `at most ${MAX_QUERY_RESULTS}`);
  return n === 0 ? DEFAULT_QUERY_RESULTS : Math.min(n, MAX_QUERY_RESULTS);
}

/** Throws RecordValidationError naming the field; returns the canonical request. */
export function validateCheckPerson(r: CheckPersonCall, now = new Date()): CheckPersonRequest {
  const errors = new ErrorCollector();
  const justification = checkJustification(r.justification, errors);
  const person = checkPersonQuery(r.person, errors, now);
  const maxResults = checkMaxResults(r.maxResults, errors);
  if (!errors.ok) throw new RecordValidationError(errors.errors);
  return { person, justification, maxResults, detail: answerDetail(r.detail) };
}

export function validateCheckIdentifiers(r: CheckIdentifiersCall): CheckIdentifiersRequest {
  const errors = new ErrorCollector();
  const justification = checkJustification(r.justification, errors);
  const list = checkList(
    r.onlineIdentifiers,
    errors,
    'onlineIdentifiers',
    LIMITS.onlineIdentifiers,
  );
  if (list.length === 0)
    errors.add('onlineIdentifiers', 'at least one online identifier is required');
  const onlineIdentifiers: OnlineIdentifier[] = list.flatMap(
    (o, i) => checkOnlineIdentifier(o, errors.at('onlineIdentifiers').at(i)) ?? [],
  );
  if (!errors.ok) throw new RecordValidationError(errors.errors);
  return { onlineIdentifiers, justification, detail: answerDetail(r.detail) };
}

export function validateGetPerson(r: GetPersonRequest): GetPersonRequest {
  const errors = new ErrorCollector();
  const justification = checkJustification(r.justification, errors);
  const id = checkText(r.nationalPersonId, errors, 'nationalPersonId', { required: true, max: 36 });
  if (id !== '' && !UUID.test(id))
    errors.add('nationalPersonId', 'not a national person id (UUID)');
  if (!errors.ok) throw new RecordValidationError(errors.errors);
  return { nationalPersonId: id.toLowerCase(), justification };
}

/**
 * The detail asked for: SUMMARY or FULL, else (not sent, or a value this hub does not know)
 * UNSPECIFIED, which the hub answers at its configured default.
 */
function answerDetail(d: AnswerDetail | undefined): AnswerDetail {
  return d === AnswerDetail.ANSWER_DETAIL_SUMMARY || d === AnswerDetail.ANSWER_DETAIL_FULL
    ? d
    : AnswerDetail.ANSWER_DETAIL_UNSPECIFIED;
}

const ALERT_ID = /^\d{1,18}$/;

/** WatchAlerts: justified like every other call; `sinceAlertId` empty or an alert id. */
export function validateWatchAlerts(
  r: Omit<WatchAlertsRequest, 'alertTypes'> & Partial<Pick<WatchAlertsRequest, 'alertTypes'>>,
): WatchAlertsRequest {
  const errors = new ErrorCollector();
  const justification = checkJustification(r.justification, errors);
  const since = checkText(r.sinceAlertId, errors, 'sinceAlertId', { max: 18 });
  if (since !== '' && !ALERT_ID.test(since)) errors.add('sinceAlertId', 'not an alert id (digits)');
  const types = r.alertTypes ?? [];
  if (types.length > MAX_WATCHED_TYPES)
    errors.add('alertTypes', `at most ${MAX_WATCHED_TYPES} alert types`);
  types.forEach((t, i) => {
    if (!KNOWN_ALERT_TYPES.has(t) || t === AlertType.ALERT_TYPE_UNSPECIFIED)
      errors.add(`alertTypes[${i}]`, 'not an alert type');
  });
  if (!errors.ok) throw new RecordValidationError(errors.errors);
  return { sinceAlertId: since, justification, alertTypes: [...new Set(types)] };
}

const KNOWN_ALERT_TYPES = new Set<string>(Object.values(AlertType));
/** More than there are alert types: a longer list is a mistake, not a filter. */
const MAX_WATCHED_TYPES = 16;

/**
 * AcknowledgeAlert: justified like every call; the alert id (digits) and the name of the person
 * acknowledging (required: an IMMEDIATE alert is acknowledged by a named person).
 */
export function validateAcknowledgeAlert(r: AcknowledgeAlertRequest): AcknowledgeAlertRequest {
  const errors = new ErrorCollector();
  const justification = checkJustification(r.justification, errors);
  const alertId = checkText(r.alertId, errors, 'alertId', { required: true, max: 18 });
  if (alertId !== '' && !/^[1-9]\d{0,17}$/.test(alertId))
    errors.add('alertId', 'not an alert id (digits)');
  const name = checkText(r.acknowledgedByName, errors, 'acknowledgedByName', {
    required: true,
    max: 200,
  });
  if (name !== '' && !/\p{L}.*\p{L}/u.test(name))
    errors.add('acknowledgedByName', 'must name the person acknowledging');
  if (!errors.ok) throw new RecordValidationError(errors.errors);
  return { alertId, acknowledgedByName: name, justification };
}
