import {
  AlertType,
  PurposeCode,
  type CheckPersonRequest,
  type PersonQuery,
} from '@intel/contracts';
import { RecordValidationError } from './field-error';
import {
  DEFAULT_QUERY_RESULTS,
  validateAcknowledgeAlert,
  validateCheckIdentifiers,
  validateCheckPerson,
  validateGetPerson,
  validateWatchAlerts,
} from './query.validator';

const justification = {
  purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
  reason: 'Undercover operation: chatroom contact',
  operationRef: '',
};
const person: PersonQuery = {
  names: [{ given: [' William '], family: 'Hendry', type: 'NAME_TYPE_BIRTH' as never }],
  dateOfBirth: { year: 1979, month: 3, day: 14 },
  sex: 'SEX_UNSPECIFIED' as never,
  identifiers: [],
  onlineIdentifiers: [],
  addresses: [],
};

function fields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof RecordValidationError) return err.errors.map((e) => e.field);
    throw err;
  }
  return [];
}

describe('IntelQuery request validation', () => {
  it('accepts a justified query and returns it canonical, with the default result count', () => {
    const r = validateCheckPerson({ person, justification, maxResults: 0 });
    expect(r.person?.names[0]?.given).toEqual(['William']);
    expect(r.maxResults).toBe(DEFAULT_QUERY_RESULTS);
  });

  it('refuses a query without a justification, naming the field', () => {
    const req = { person, justification: undefined, maxResults: 5 } as CheckPersonRequest;
    expect(fields(() => validateCheckPerson(req))).toEqual(['justification']);
  });

  it('needs a purpose code and a reason that says something', () => {
    const req = {
      person,
      justification: {
        purposeCode: PurposeCode.PURPOSE_CODE_UNSPECIFIED,
        reason: 'test',
        operationRef: '',
      },
      maxResults: 5,
    };
    expect(fields(() => validateCheckPerson(req))).toEqual([
      'justification.purposeCode',
      'justification.reason',
    ]);
  });

  it('names the offending field inside the person, and bounds the results', () => {
    const req = {
      person: { ...person, names: [], dateOfBirth: { year: 1979, month: 13, day: 1 } },
      justification,
      maxResults: 500,
    };
    expect(fields(() => validateCheckPerson(req))).toEqual(
      expect.arrayContaining(['person.names', 'person.dateOfBirth.month', 'maxResults']),
    );
  });

  it('canonicalises online identifiers and requires at least one', () => {
    const r = validateCheckIdentifiers({
      onlineIdentifiers: [
        {
          kind: 'ONLINE_IDENTIFIER_KIND_USERNAME' as never,
          platform: 'Discord',
          value: '@Billy_H79',
          observedAt: undefined,
        },
      ],
      justification,
    });
    expect(r.onlineIdentifiers[0]?.platform).toBe('discord');
    expect(
      fields(() => validateCheckIdentifiers({ onlineIdentifiers: [], justification })),
    ).toEqual(['onlineIdentifiers']);
  });

  it('GetPerson needs a national person id (a UUID)', () => {
    expect(fields(() => validateGetPerson({ nationalPersonId: 'p-1', justification }))).toEqual([
      'nationalPersonId',
    ]);
  });
});

describe('AcknowledgeAlert validation', () => {
  it('accepts a justified acknowledgement by a named person', () => {
    const r = validateAcknowledgeAlert({
      alertId: '42',
      acknowledgedByName: ' DS 4411 Priya Shah ',
      justification,
    });
    expect(r).toMatchObject({ alertId: '42', acknowledgedByName: 'DS 4411 Priya Shah' });
  });

  it('names each bad field: no justification, no alert id, no name', () => {
    expect(
      fields(() =>
        validateAcknowledgeAlert({ alertId: '', acknowledgedByName: '', justification: undefined }),
      ).sort(),
    ).toEqual(['acknowledgedByName', 'alertId', 'justification']);
    expect(
      fields(() =>
        validateAcknowledgeAlert({ alertId: '0x1', acknowledgedByName: '1234', justification }),
      ).sort(),
    ).toEqual(['acknowledgedByName', 'alertId']);
  });
});

describe('WatchAlerts validation', () => {
  it('takes a filter of alert types (the duty officer watching escalations only), once each', () => {
    const r = validateWatchAlerts({
      sinceAlertId: '',
      justification,
      alertTypes: [
        AlertType.ALERT_TYPE_IMMEDIATE_UNACKNOWLEDGED,
        AlertType.ALERT_TYPE_IMMEDIATE_UNACKNOWLEDGED,
      ],
    });
    expect(r.alertTypes).toEqual([AlertType.ALERT_TYPE_IMMEDIATE_UNACKNOWLEDGED]);
    expect(validateWatchAlerts({ sinceAlertId: '7', justification }).alertTypes).toEqual([]);
  });

  it('names each alert type it does not know, and the unspecified one', () => {
    expect(
      fields(() =>
        validateWatchAlerts({
          sinceAlertId: '',
          justification,
          alertTypes: [
            AlertType.ALERT_TYPE_FLAG_RAISED,
            'ALERT_TYPE_NO_SUCH' as AlertType,
            AlertType.ALERT_TYPE_UNSPECIFIED,
          ],
        }),
      ),
    ).toEqual(['alertTypes[1]', 'alertTypes[2]']);
  });
});
