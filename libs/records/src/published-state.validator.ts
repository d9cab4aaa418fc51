import type { IncidentState, NominalState } from '@intel/contracts';
import { ErrorCollector, type FieldError } from './field-error';
import { LIMITS } from './limits';
import { SOURCE_KEY_PATTERN, checkList, checkText } from './text';

/**
 * The intake's limits applied to a state as it arrives on the bus (the hub's check on what a
 * force published). A nominal merges several source records, so its list bounds are the
 * per-record bound times the number of sources it lists; every text field keeps the per-record
 * bound. Returns the offending fields (paths and bounds only, never content).
 */
export function checkPublishedNominal(n: NominalState): FieldError[] {
  const errors = new ErrorCollector();
  checkText(n.nominalId, errors, 'nominalId', { required: true, max: LIMITS.entityId });
  const sources = checkList(n.sources, errors, 'sources', LIMITS.nominalSources);
  const k = Math.max(1, n.sources.length);
  sources.forEach((s, i) => {
    const e = errors.at('sources').at(i);
    checkText(s.sourceSystem, e, 'sourceSystem', {
      max: LIMITS.sourceSystem,
      pattern: SOURCE_KEY_PATTERN,
    });
    checkText(s.sourceRecordId, e, 'sourceRecordId', {
      max: LIMITS.sourceRecordId,
      pattern: SOURCE_KEY_PATTERN,
    });
  });
  checkList(n.names, errors, 'names', LIMITS.names * k).forEach((name, i) => {
    const e = errors.at('names').at(i);
    checkList(name.given, e, 'given', LIMITS.givenNames).forEach((g, j) =>
      checkText(g, e.at('given'), j, { max: LIMITS.namePart }),
    );
    checkText(name.family, e, 'family', { max: LIMITS.namePart });
  });
  checkList(n.datesOfBirth, errors, 'datesOfBirth', k);
  checkList(n.identifiers, errors, 'identifiers', LIMITS.identifiers * k).forEach((id, i) =>
    checkText(id.value, errors.at('identifiers').at(i), 'value', { max: LIMITS.identifierValue }),
  );
  checkList(n.onlineIdentifiers, errors, 'onlineIdentifiers', LIMITS.onlineIdentifiers * k).forEach(
    (o, i) => {
      const e = errors.at('onlineIdentifiers').at(i);
      checkText(o.platform, e, 'platform', { max: LIMITS.platform });
      checkText(o.value, e, 'value', { max: LIMITS.onlineIdentifierValue });
    },
  );
  checkList(n.addresses, errors, 'addresses', LIMITS.addresses * k).forEach((a, i) => {
    const e = errors.at('addresses').at(i);
    checkText(a.line, e, 'line', { max: LIMITS.addressLine });
    checkText(a.town, e, 'town', { max: LIMITS.town });
    checkText(a.postcode, e, 'postcode', { max: 10 });
  });
  checkList(n.registrations, errors, 'registrations', k).forEach((r, i) => {
    const e = errors.at('registrations').at(i);
    checkText(r.managingForce, e, 'managingForce', { max: 2 });
    checkText(r.visorRef, e, 'visorRef', { max: LIMITS.visorRef });
  });
  checkList(n.subjectCategories, errors, 'subjectCategories', k);
  if (n.handling) {
    // Merged conditions are each source's, joined by " | ".
    checkText(n.handling.handlingConditions, errors.at('handling'), 'handlingConditions', {
      max: (LIMITS.handlingConditions + 3) * k,
    });
    checkText(n.handling.sourceEvaluation, errors.at('handling'), 'sourceEvaluation', { max: 1 });
    checkText(n.handling.intelligenceAssessment, errors.at('handling'), 'intelligenceAssessment', {
      max: 1,
    });
  }
  return errors.errors;
}

/** The intake's limits applied to a published incident (one source record). */
export function checkPublishedIncident(i: IncidentState): FieldError[] {
  const errors = new ErrorCollector();
  checkText(i.incidentId, errors, 'incidentId', { required: true, max: LIMITS.entityId });
  checkList(i.offenceCodes, errors, 'offenceCodes', LIMITS.offenceCodes).forEach((c, j) =>
    checkText(c, errors.at('offenceCodes'), j, { max: 8, pattern: /^[A-Z]{2}\d{5}A?$/ }),
  );
  checkList(i.platforms, errors, 'platforms', LIMITS.platforms).forEach((p, j) =>
    checkText(p, errors.at('platforms'), j, { max: LIMITS.platform }),
  );
  checkList(i.subjects, errors, 'subjects', LIMITS.subjects).forEach((s, j) =>
    checkText(s.nominalId, errors.at('subjects').at(j), 'nominalId', { max: LIMITS.entityId }),
  );
  checkList(i.onlineIdentifiers, errors, 'onlineIdentifiers', LIMITS.onlineIdentifiers).forEach(
    (o, j) => {
      const e = errors.at('onlineIdentifiers').at(j);
      checkText(o.platform, e, 'platform', { max: LIMITS.platform });
      checkText(o.value, e, 'value', { max: LIMITS.onlineIdentifierValue });
    },
  );
  checkText(i.summary, errors, 'summary', { max: LIMITS.summary });
  checkText(i.sharedReference, errors, 'sharedReference', { max: LIMITS.sharedReference });
  if (i.victimCount > LIMITS.subjects) errors.add('victimCount', `at most ${LIMITS.subjects}`);
  if (i.handling)
    checkText(i.handling.handlingConditions, errors.at('handling'), 'handlingConditions', {
      max: LIMITS.handlingConditions,
    });
  if (i.source) {
    checkText(i.source.sourceSystem, errors.at('source'), 'sourceSystem', {
      max: LIMITS.sourceSystem,
      pattern: SOURCE_KEY_PATTERN,
    });
    checkText(i.source.sourceRecordId, errors.at('source'), 'sourceRecordId', {
      max: LIMITS.sourceRecordId,
      pattern: SOURCE_KEY_PATTERN,
    });
  }
  return errors.errors;
}
