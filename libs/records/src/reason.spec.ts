import { PurposeCode } from '@intel/contracts';
import { RecordValidationError } from './field-error';
import { validateWatchAlerts } from './query.validator';
import { reasonProblem } from './reason';

describe('reasonProblem: a reason needs content', () => {
  it.each<[string]>([
    ['Grooming referral 36/1234/25'],
    ['RSO check, Op Alder'],
    ['Suspect contact in chatroom'],
    ['Safeguarding: child at risk'],
    ['Vorfall im Chatraum geprüft'],
    ['Enquête sur un suspect en ligne'],
    ['Missing child, urgent'],
    ['Arrest enquiry 2025/11'],
    ['Check on suspect 😀 chat'],
  ])('given %j, then it is a reason', (reason) => {
    expect(reasonProblem(reason)).toBeUndefined();
  });

  it.each<[string, RegExp]>([
    ['aaaaaaaaaa', /words/],
    ['aaaaa aaaaa', /words/],
    ['abababababab', /words/],
    ['test test test', /words/],
    ['asdf asdf asdf', /words/],
    ['qwerty qwerty', /repeated/],
    ['abcdef-abcdef-abcdef', /repeated/],
    ['1234567890', /words/],
    ['x y z w v u t', /words/],
    ['safeguarding', /words/],
    ['short one', /at least 10 characters/],
    ['reason\u0000with a NUL', /control/],
    ['\u202Eesrever reason text', /bidirectional/],
    ['bell\u0007 in the reason', /control/],
    ['half \uD800 surrogate text', /surrogates/],
  ])('given %j, then it is refused (%s)', (reason, why) => {
    expect(reasonProblem(reason)).toMatch(why);
  });

  it('given a newline or a tab between words, then it is still a reason', () => {
    expect(reasonProblem('Referral from school\nfollow-up\tcheck')).toBeUndefined();
  });
});

describe('validateWatchAlerts', () => {
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Force intelligence bureau alert desk',
    operationRef: '',
  };
  const fields = (r: Parameters<typeof validateWatchAlerts>[0]): string[] => {
    try {
      validateWatchAlerts(r);
      return [];
    } catch (err) {
      if (err instanceof RecordValidationError) return err.errors.map((e) => e.field);
      throw err;
    }
  };

  it('given a justification and a resume point, then it is accepted', () => {
    expect(validateWatchAlerts({ sinceAlertId: ' 42 ', justification })).toEqual({
      sinceAlertId: '42',
      justification,
      alertTypes: [],
    });
  });

  it('given no justification, then it is refused naming it', () => {
    expect(fields({ sinceAlertId: '', justification: undefined })).toEqual(['justification']);
  });

  it('given a placeholder reason and a bad alert id, then both are named', () => {
    expect(
      fields({ sinceAlertId: 'abc', justification: { ...justification, reason: 'aaaaaaaaaa' } }),
    ).toEqual(['justification.reason', 'sinceAlertId']);
  });
});
