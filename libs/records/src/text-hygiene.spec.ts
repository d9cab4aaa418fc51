import {
  HandlingCode,
  PurposeCode,
  type CheckPersonCall,
  type IncidentRecord,
  type PersonRecord,
} from '@intel/contracts';
import { incidentRecord, personRecord } from '@intel/testing';
import { RecordValidationError, type FieldError } from './field-error';
import { validateIncidentRecord } from './incident-record.validator';
import { validatePersonRecord } from './person-record.validator';
import {
  validateCheckIdentifiers,
  validateCheckPerson,
  validateGetPerson,
} from './query.validator';
import { textProblem } from './text-hygiene';
import { validateWithdrawRequest } from './withdraw-request.validator';

const NOW = new Date('2025-06-15T12:00:00Z');

/** One of every kind of bad text, each in the middle of an otherwise ordinary value. */
const BAD: Array<[string, string]> = [
  ['NUL', 'Smi\u0000th'],
  ['C0 control (BEL)', 'Smi\u0007th'],
  ['escape (log and terminal forgery)', 'Smith\u001b[2J'],
  ['DEL', 'Smi\u007fth'],
  ['C1 control (NEL)', 'Smi\u0085th'],
  ['bidi override U+202E', 'Smi\u202Eht'],
  ['bidi embedding U+202A', 'Smi\u202Ath'],
  ['bidi isolate U+2066', 'Smi\u2066th'],
  ['bidi isolate end U+2069', 'Smi\u2069th'],
  ['lone high surrogate', 'Smi\uD83Dth'],
  ['lone low surrogate', 'Smi\uDE00th'],
  ['U+FFFD (invalid UTF-8 decoded)', 'Smi\uFFFDth'],
  ['line feed in a one-line field', 'Smith\nJones'],
  ['tab in a one-line field', 'Smith\tJones'],
];

function errorsOf(fn: () => unknown): FieldError[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof RecordValidationError) return err.errors;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('textProblem (the one text-hygiene rule)', () => {
  it.each(BAD)('refuses %s', (_, text) => {
    expect(textProblem(text)).toEqual(expect.any(String));
  });

  it('names the offending code point, never the text', () => {
    expect(textProblem('secret\u202Etext')).toBe(
      'contains a bidirectional override or isolate (U+202E)',
    );
    expect(textProblem('a\u0000b')).toBe('contains a NUL control character (U+0000)');
  });

  it('accepts ordinary names in any script, with accents, apostrophes and emoji pairs', () => {
    for (const ok of ["O'Brien", 'Zoë Ní Bhriain', 'Łukasz Żółć', 'محمد', '山田 太郎', 'x 😀 y'])
      expect(textProblem(ok)).toBeUndefined();
  });

  it('allows LF and TAB only in multi-line fields, never CR alone or other controls', () => {
    expect(textProblem('line one\n\tline two', { multiline: true })).toBeUndefined();
    expect(textProblem('line one\rline two', { multiline: true })).toMatch(/U\+000D/);
    expect(textProblem('a\u0000b', { multiline: true })).toMatch(/NUL/);
    expect(textProblem('a\u202Eb', { multiline: true })).toMatch(/U\+202E/);
  });
});

describe('every validator refuses bad text, naming the field', () => {
  const person = (o: Partial<PersonRecord>) =>
    validatePersonRecord(personRecord({ sourceRecordId: 'P1', ...o }), { now: NOW });
  const incident = (o: Partial<IncidentRecord>) =>
    validateIncidentRecord(incidentRecord({ sourceRecordId: 'I1', ...o }), { now: NOW });
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Undercover operation: chatroom contact',
    operationRef: '',
  };
  const query = (o: Partial<CheckPersonCall>): CheckPersonCall => ({
    person: {
      names: [{ given: ['William'], family: 'Hendry', type: 'NAME_TYPE_BIRTH' as never }],
      dateOfBirth: undefined,
      sex: 'SEX_UNSPECIFIED' as never,
      identifiers: [],
      onlineIdentifiers: [],
      addresses: [],
    },
    justification,
    maxResults: 0,
    ...o,
  });

  const cases: Array<[string, (bad: string) => unknown]> = [
    [
      'names[0].family',
      (b) => person({ names: [{ given: ['Ann'], family: b, type: 'NAME_TYPE_BIRTH' as never }] }),
    ],
    [
      'names[0].given[0]',
      (b) => person({ names: [{ given: [b], family: 'Lee', type: 'NAME_TYPE_BIRTH' as never }] }),
    ],
    [
      'addresses[0].line',
      (b) => person({ addresses: [{ line: b, town: 'Norwich', postcode: '' }] }),
    ],
    ['addresses[0].town', (b) => person({ addresses: [{ line: '', town: b, postcode: '' }] })],
    [
      'onlineIdentifiers[0].value',
      (b) =>
        person({
          onlineIdentifiers: [
            {
              kind: 'ONLINE_IDENTIFIER_KIND_USERNAME' as never,
              platform: 'snapchat',
              value: b,
              observedAt: undefined,
            },
          ],
        }),
    ],
    [
      'registration.visorRef',
      (b) =>
        person({
          registration: {
            active: true,
            managingForce: '36',
            visorRef: b,
            startDate: undefined,
            endDate: undefined,
          },
        }),
    ],
    [
      'handling.handlingConditions',
      (b) =>
        person({
          handling: {
            ...personRecord({ sourceRecordId: 'x' }).handling!,
            handlingCode: HandlingCode.HANDLING_CODE_C,
            handlingConditions: `Do not disclose ${b.replace(/[\n\t]/g, '\u0000')}`,
          },
        }),
    ],
    ['sourceRecordId', (b) => person({ sourceRecordId: b })],
    ['summary', (b) => incident({ summary: b.replace(/[\n\t]/g, '\u0000') })],
    ['platforms[0]', (b) => incident({ platforms: [b] })],
    ['sharedReference', (b) => incident({ sharedReference: b })],
    [
      'reason',
      (b) =>
        validateWithdrawRequest({
          sourceSystem: 'niche-rms',
          sourceRecordId: 'P1',
          reason: `MoPI review ${b.replace(/[\n\t]/g, '\u0000')}`,
          kind: 'RECORD_KIND_PERSON' as never,
        }),
    ],
    [
      'justification.reason',
      (b) =>
        validateCheckPerson(
          query({
            justification: {
              ...justification,
              reason: `Chatroom contact ${b.replace(/[\n\t]/g, '\u0000')}`,
            },
          }),
          NOW,
        ),
    ],
    [
      'justification.operationRef',
      (b) => validateCheckPerson(query({ justification: { ...justification, operationRef: b } })),
    ],
    [
      'person.names[0].family',
      (b) =>
        validateCheckPerson(
          query({
            person: {
              ...query({}).person!,
              names: [{ given: ['Ann'], family: b, type: 'NAME_TYPE_BIRTH' as never }],
            },
          }),
          NOW,
        ),
    ],
    [
      'onlineIdentifiers[0].value',
      (b) =>
        validateCheckIdentifiers({
          justification,
          onlineIdentifiers: [
            {
              kind: 'ONLINE_IDENTIFIER_KIND_USERNAME' as never,
              platform: 'snapchat',
              value: b,
              observedAt: undefined,
            },
          ],
        }),
    ],
    ['nationalPersonId', (b) => validateGetPerson({ justification, nationalPersonId: `${b}` })],
  ];

  for (const [field, make] of cases) {
    it.each(BAD)(`${field}: refuses %s`, (_, bad) => {
      const errors = errorsOf(() => make(bad));
      expect(errors.map((e) => e.field)).toContain(field);
    });
  }

  it('keeps LF and TAB in free text: summary, handling conditions, reasons (CRLF becomes LF)', () => {
    const r = incident({ summary: 'First contact.\r\n\tThen a meeting was arranged.' });
    expect(r.summary).toBe('First contact.\n\tThen a meeting was arranged.');
    const p = person({
      handling: {
        ...personRecord({ sourceRecordId: 'x' }).handling!,
        handlingCode: HandlingCode.HANDLING_CODE_C,
        handlingConditions: 'Contact the OIC first.\nDo not action.',
      },
    });
    expect(p.handling?.handlingConditions).toBe('Contact the OIC first.\nDo not action.');
    const w = validateWithdrawRequest({
      sourceSystem: 'niche-rms',
      sourceRecordId: 'P1',
      reason: 'MoPI review:\r\n\tdisposal',
      kind: 'RECORD_KIND_PERSON' as never,
    });
    expect(w.reason).toBe('MoPI review:\n\tdisposal');
  });
});
