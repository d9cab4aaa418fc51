import {
  AnswerDetail,
  CheckPersonResponse,
  Disclosure,
  MatchBand,
  NameType,
  NominalState,
  OnlineIdentifierKind,
  Sex,
  encodeCheckPersonResponse,
  type Match,
} from '@intel/contracts';
import { MatchEngine } from '@intel/matching';
import { covertHandling, handlingP } from '@intel/testing';
import { memberKey } from '../resolution/member-key';
import { NationalIndex } from '../resolution/national-index';
import { disclosureFactsOf } from '../resolution/state-facts';
import { detailOf, stateReader } from './answer-detail';

function state(id: string, restricted: boolean, managingForce = ''): NominalState {
  return {
    nominalId: id,
    version: 3,
    names: [{ given: ['William'], family: 'Hendry', type: NameType.NAME_TYPE_BIRTH }],
    datesOfBirth: [{ year: 1979, month: 3, day: 14 }],
    sex: Sex.SEX_MALE,
    identifiers: [],
    onlineIdentifiers: [
      {
        kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
        platform: '',
        value: `${id}@example.org`,
        observedAt: { seconds: 1_700_000_000, nanos: 5 },
      },
    ],
    addresses: [],
    registrations: managingForce
      ? [
          {
            active: true,
            managingForce,
            startDate: { year: 2020, month: 1, day: 1 },
            endDate: undefined,
            visorRef: 'V123',
          },
        ]
      : [],
    handling: restricted ? covertHandling() : handlingP(),
    subjectCategories: [],
    sources: [{ sourceSystem: 'niche-rms', sourceRecordId: id }],
    updatedAt: { seconds: 1_700_000_100, nanos: 0 },
  };
}

const match = (): Match => ({
  nationalPersonId: 'p-1',
  score: 12.5,
  band: MatchBand.MATCH_BAND_CERTAIN,
  flags: [],
  holdings: [],
  explanation: { fields: [{ field: 'dob', level: 'exact', weight: 4.2 }], totalScore: 12.5 },
});

describe('answer detail', () => {
  it('given the detail asked, then SUMMARY and FULL stand, and anything else is the configured default', () => {
    expect(detailOf(AnswerDetail.ANSWER_DETAIL_SUMMARY, 'full')).toBe('summary');
    expect(detailOf(AnswerDetail.ANSWER_DETAIL_FULL, 'summary')).toBe('full');
    expect(detailOf(AnswerDetail.ANSWER_DETAIL_UNSPECIFIED, 'full')).toBe('full');
    expect(detailOf(AnswerDetail.ANSWER_DETAIL_UNSPECIFIED, 'summary')).toBe('summary');
    expect(detailOf(undefined, 'summary')).toBe('summary');
  });

  it("given a stored state, then its facts are exactly decode's handling and registrations, the other fields skipped", () => {
    for (const s of [state('n-1', false), state('n-2', true, '36')]) {
      const encoded = NominalState.encode(s).finish();
      const whole = NominalState.decode(encoded);
      expect(disclosureFactsOf(encoded)).toEqual({
        handling: whole.handling,
        registrations: whole.registrations,
      });
    }
    // A state without handling (nothing says it may be shared) has none.
    const bare = NominalState.encode({ ...state('n-3', false), handling: undefined }).finish();
    expect(disclosureFactsOf(bare).handling).toBeUndefined();
  });

  describe('states for one answer', () => {
    const a = memberKey('36', 'n-a');
    const c = memberKey('46', 'n-c');
    const index = new NationalIndex(MatchEngine.withPriors());
    index.upsertNominal(a, state('n-a', false));
    index.upsertNominal(c, state('n-c', true, '46'));

    afterEach(() => jest.restoreAllMocks());

    const base = (k: string) => ({
      forceCode: k.slice(0, 2),
      nominalId: 'x',
      disclosure: Disclosure.DISCLOSURE_FULL,
      contact: 'FIB',
    });

    it('given a summary, then no state is decoded whole: handling and registrations only, and no details', () => {
      const decode = jest.spyOn(NominalState, 'decode');
      const states = stateReader(index, 'summary');
      const facts = states.read([a, c, a]);
      expect([...facts.keys()]).toEqual([a, c]);
      expect(facts.get(c)).toEqual({
        forceCode: '46',
        nominalId: 'n-c',
        state: {
          handling: covertHandling(),
          registrations: state('n-c', true, '46').registrations,
        },
      });
      expect(Object.keys(facts.get(a)?.state ?? {}).sort()).toEqual(['handling', 'registrations']);
      expect(states.holding(a, base(a)).details).toBeUndefined();
      expect(decode).not.toHaveBeenCalled();
    });

    it('given a full answer, then details are the stored state, spliced to the wire as stored and decoded only when read', () => {
      const decode = jest.spyOn(NominalState, 'decode');
      const states = stateReader(index, 'full');
      states.read([a, c]);
      const holding = states.holding(a, base(a));
      const res = { matches: [{ ...match(), holdings: [holding] }], auditRef: '7' };
      const wire = encodeCheckPersonResponse(res);
      expect(decode).not.toHaveBeenCalled();
      // The wire decodes to what the generated encoder writes for the decoded answer.
      const back = CheckPersonResponse.decode(wire);
      expect(back.matches[0]?.holdings[0]?.details).toEqual(state('n-a', false));
      expect(CheckPersonResponse.decode(CheckPersonResponse.encode(res).finish())).toEqual(back);
      expect(holding.details).toEqual(state('n-a', false));
    });
  });
});
