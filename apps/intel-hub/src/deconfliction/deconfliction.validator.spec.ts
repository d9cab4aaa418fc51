import { OnlineIdentifierKind, PurposeCode } from '@intel/contracts';
import { RecordValidationError } from '@intel/records';
import {
  validateAcknowledgeHit,
  validateRegisterPersona,
  validateRegisterTarget,
  validateRetire,
} from './deconfliction.validator';

const justification = {
  purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
  reason: 'covert deployment deconfliction for operation',
  operationRef: 'OP-1',
};
const username = (value: string, platform = 'kik') => ({
  kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME,
  platform,
  value,
  observedAt: undefined,
});

function fields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof RecordValidationError) return e.errors.map((x) => x.field);
    throw e;
  }
  return [];
}

describe('deconfliction validation', () => {
  it('reduces a persona to the matching engine’s key', () => {
    expect(
      validateRegisterPersona({ persona: username('Sk8rGirl_13'), justification }).persona,
    ).toEqual({
      identifier: expect.objectContaining({ platform: 'kik', value: 'sk8rgirl_13' }),
      kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME,
      platform: 'kik',
      matchKey: 'username:kik:sk8rgirl_13',
    });
  });

  it('names the offending field, never echoing the persona', () => {
    expect(
      fields(() => validateRegisterPersona({ persona: username('x', ''), justification })),
    ).toEqual(['persona.platform']);
    expect(fields(() => validateRegisterPersona({ persona: undefined, justification }))).toEqual([
      'persona',
    ]);
    expect(
      fields(() =>
        validateRegisterPersona({
          persona: {
            ...username('192.0.2.1', ''),
            kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_IP_ADDRESS,
          },
          justification,
        }),
      ),
    ).toEqual(['persona.kind']);
    expect(
      fields(() => validateRegisterPersona({ persona: username('a'), justification: undefined })),
    ).toEqual(['justification']);
    try {
      validateRegisterPersona({ persona: username('Sk8rGirl_13', ''), justification });
    } catch (e) {
      expect(String(e)).not.toMatch(/sk8rgirl/i);
    }
  });

  it('a target needs an operation and a person id or identifiers', () => {
    expect(
      fields(() =>
        validateRegisterTarget({
          operationRef: '',
          nationalPersonId: '',
          identifiers: [],
          justification,
        }),
      ),
    ).toEqual(['operationRef', 'nationalPersonId']);
    expect(
      fields(() =>
        validateRegisterTarget({
          operationRef: 'OP',
          nationalPersonId: 'nope',
          identifiers: [],
          justification,
        }),
      ),
    ).toEqual(['nationalPersonId']);
    const ok = validateRegisterTarget({
      operationRef: 'OP-7',
      nationalPersonId: 'AAAAAAAA-0000-4000-8000-000000000001',
      identifiers: [username('Bad_Man')],
      justification,
    });
    expect(ok.personId).toBe('aaaaaaaa-0000-4000-8000-000000000001');
    expect(ok.identifiers.map((i) => i.matchKey)).toEqual(['username:kik:bad_man']);
  });

  it('ids are UUIDs; an acknowledgement names who', () => {
    expect(fields(() => validateRetire({ registrationId: 'x', justification }))).toEqual([
      'registrationId',
    ]);
    expect(
      fields(() =>
        validateAcknowledgeHit({
          noticeId: 'aaaaaaaa-0000-4000-8000-000000000001',
          acknowledgedBy: '',
          justification,
        }),
      ),
    ).toEqual(['acknowledgedBy']);
  });
});
