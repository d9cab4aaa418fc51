import { HandlingCode } from '@intel/contracts';
import { RecordValidationError, validatePersonRecord } from '@intel/records';
import { generatedHandling, generatedLines } from './generate.command';
import { parseImportLine } from './import.command';

describe('generate', () => {
  const lines = [
    ...generatedLines({ persons: 2000, forces: 3, seed: 7, scenario: 'baseline', restricted: 0.1 }),
  ];

  it('writes records that intake accepts, but for the damage the generator puts in on purpose', () => {
    const problems: string[] = [];
    for (const line of lines) {
      const item = parseImportLine(line);
      try {
        validatePersonRecord(item.person!);
      } catch (err) {
        if (!(err instanceof RecordValidationError)) throw err;
        problems.push(...err.errors.map((e) => e.field.replace(/\[\d+\]/g, '[]')));
      }
    }
    // Handling is never what is wrong; a few records carry an invalid PNC ID or date of birth,
    // as force systems' data does.
    expect(problems.filter((f) => f.startsWith('handling'))).toEqual([]);
    for (const field of new Set(problems))
      expect([
        'identifiers[].value',
        'dateOfBirth.year',
        'dateOfBirth.month',
        'dateOfBirth.day',
      ]).toContain(field);
    expect(problems.length).toBeLessThan(lines.length * 0.05);
  });

  it('gives handling code C to about the share asked for, the same for the same record', () => {
    const codes = lines.map((l) => parseImportLine(l).person!.handling!.handlingCode);
    const restricted = codes.filter((c) => c === HandlingCode.HANDLING_CODE_C).length;
    expect(restricted / codes.length).toBeGreaterThan(0.07);
    expect(restricted / codes.length).toBeLessThan(0.13);
    expect(generatedHandling('P1-36-1', 0.1)).toEqual(generatedHandling('P1-36-1', 0.1));
    expect(generatedHandling('P1-36-1', 0).handlingCode).toBe(HandlingCode.HANDLING_CODE_P);
    expect(generatedHandling('P1-36-1', 1).handlingConditions).not.toBe('');
  });
});
