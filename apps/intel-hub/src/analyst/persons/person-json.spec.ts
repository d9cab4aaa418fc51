import {
  Disclosure,
  FlagType,
  GradingScheme,
  HandlingCode,
  IdentifierScheme,
  MatchBand,
  NameType,
  OnlineIdentifierKind,
  Sex,
  type Holding,
  type NominalState,
} from '@intel/contracts';
import { dossierJson, enumName, matchJson, partialDate } from './person-json';

const state: NominalState = {
  nominalId: 'N-1',
  version: 1,
  names: [{ given: ['William'], family: 'Hendry', type: NameType.NAME_TYPE_BIRTH }],
  datesOfBirth: [{ year: 1979, month: 3, day: 14 }],
  sex: Sex.SEX_MALE,
  identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: '79/123456X' }],
  onlineIdentifiers: [
    {
      kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_PHONE,
      platform: '',
      value: '+447911100123',
      observedAt: undefined,
    },
  ],
  addresses: [],
  registrations: [],
  handling: {
    classification: 0 as never,
    gradingScheme: GradingScheme.GRADING_SCHEME_3X5X2,
    sourceEvaluation: 'A',
    intelligenceAssessment: '1',
    handlingCode: HandlingCode.HANDLING_CODE_P,
    handlingConditions: '',
    reviewDate: undefined,
  },
  subjectCategories: [],
  sources: [],
  updatedAt: { seconds: 1_700_000_000, nanos: 0 },
};
const full: Holding = {
  forceCode: '36',
  nominalId: 'N-1',
  disclosure: Disclosure.DISCLOSURE_FULL,
  details: state,
  contact: 'Norfolk Force Intelligence Bureau',
};
const hidden: Holding = {
  forceCode: '46',
  nominalId: '',
  disclosure: Disclosure.DISCLOSURE_HIT_ONLY,
  details: undefined,
  contact: 'Kent Force Intelligence Bureau',
};
const flag = {
  type: FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
  reason: 'active registration',
  evidence: [{ forceCode: '36', entity: 'nominal', id: 'N-1' }],
  raisedAt: { seconds: 1_700_000_000, nanos: 0 },
};

describe('persons as the analysts API shows them', () => {
  it('given enum values and partial dates, then names without prefixes and short dates', () => {
    expect(enumName('MATCH_BAND_PROBABLE', 'MATCH_BAND_')).toBe('PROBABLE');
    expect(
      [{ year: 1979 }, { year: 1979, month: 3 }, { year: 1979, month: 3, day: 4 }].map((d) =>
        partialDate({ day: 0, month: 0, ...d }),
      ),
    ).toEqual(['1979', '1979-03', '1979-03-04']);
    expect(partialDate(undefined)).toBeUndefined();
  });

  it('given a match, then a FULL holding has its name and DOB, a hit-only one force and contact only', () => {
    const m = matchJson({
      nationalPersonId: 'p',
      score: 12.5,
      band: MatchBand.MATCH_BAND_CERTAIN,
      flags: [flag],
      holdings: [full, hidden],
      explanation: undefined,
    });
    expect(m.band).toBe('CERTAIN');
    expect(m.flags[0]).toMatchObject({
      type: 'REGISTERED_SEX_OFFENDER',
      raisedAt: '2023-11-14T22:13:20.000Z',
    });
    expect(m.holdings).toEqual([
      {
        forceCode: '36',
        forceName: 'Norfolk',
        disclosure: 'FULL',
        contact: 'Norfolk Force Intelligence Bureau',
        nominalId: 'N-1',
        name: 'William Hendry',
        dateOfBirth: '1979-03-14',
      },
      {
        forceCode: '46',
        forceName: 'Kent',
        disclosure: 'HIT_ONLY',
        contact: 'Kent Force Intelligence Bureau',
      },
    ]);
  });

  it('given a dossier, then FULL holdings carry grading and handling, hit-only ones nothing, identifiers once', () => {
    const d = dossierJson({
      nationalPersonId: 'p',
      flags: [],
      holdings: [full, hidden, { ...full, forceCode: '01', nominalId: 'M-9' }],
      incidents: [],
      mergedFrom: [],
      createdAt: undefined,
      auditRef: '42',
    });
    expect(d.holdings[0]).toMatchObject({
      grading: { scheme: '3X5X2', source: 'A', intelligence: '1', handling: 'P' },
      handlingCode: 'P',
      names: [{ given: ['William'], family: 'Hendry', type: 'BIRTH' }],
      identifiers: [{ scheme: 'PNC', value: '79/123456X' }],
    });
    expect(Object.keys(d.holdings[1] ?? {}).sort()).toEqual([
      'contact',
      'disclosure',
      'forceCode',
      'forceName',
    ]);
    expect(d.identifiers).toEqual([
      { type: 'PNC', value: '79/123456X', forces: ['36', '01'] },
      { type: 'PHONE', value: '+447911100123', forces: ['36', '01'] },
    ]);
    expect(d).toMatchObject({ auditRef: '42', history: { mergedFrom: [] }, incidentCount: 0 });
  });
});
