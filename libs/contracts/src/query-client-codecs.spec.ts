import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import {
  AnswerDetail,
  CheckPersonResponse,
  Disclosure,
  MatchBand,
  PurposeCode,
  type CheckPersonRequest,
} from './generated/intel/v1/intel_query';
import { NameType, Sex } from './generated/intel/v1/person';
import { PROTO_LOADER_OPTIONS, QUERY_PROTO } from './proto-loader-options';
import { INTEL_QUERY_CLIENT_CODECS, encodeCheckPersonResponse } from './stored-details';

const checkPerson = () => {
  const pkg = loadSync(QUERY_PROTO, PROTO_LOADER_OPTIONS);
  return (pkg['intel.v1.IntelQuery'] as Record<string, MethodDefinition<object, object>>)[
    'CheckPerson'
  ] as MethodDefinition<object, object>;
};
const codecs = INTEL_QUERY_CLIENT_CODECS['intel.v1.IntelQuery.CheckPerson'];

const request = (detail?: AnswerDetail) => ({
  person: {
    names: [{ given: ['William'], family: 'Hendry', type: NameType.NAME_TYPE_BIRTH }],
    dateOfBirth: { year: 1979, month: 3, day: 14 },
    sex: Sex.SEX_MALE,
    identifiers: [],
    onlineIdentifiers: [],
    addresses: [],
  },
  justification: {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'a test',
    operationRef: 'OP-1',
  },
  maxResults: 10,
  ...(detail === undefined ? {} : { detail }),
});

describe('IntelQuery client codecs (generated)', () => {
  it('write a request the server (proto-loader) reads as proto-loader would have written it', () => {
    const method = checkPerson();
    for (const detail of [AnswerDetail.ANSWER_DETAIL_SUMMARY, undefined]) {
      const r = request(detail);
      const generated = codecs?.requestSerialize(r) as Buffer;
      expect(method.requestDeserialize(generated)).toEqual(
        method.requestDeserialize(method.requestSerialize(r as CheckPersonRequest)),
      );
    }
    // A call that leaves `detail` out asks for the default.
    const decoded = method.requestDeserialize(codecs?.requestSerialize(request()) as Buffer);
    expect((decoded as CheckPersonRequest).detail).toBe(AnswerDetail.ANSWER_DETAIL_UNSPECIFIED);
  });

  it('read an answer as the hub writes it', () => {
    const answer: CheckPersonResponse = {
      matches: [
        {
          nationalPersonId: 'p-1',
          score: 12.5,
          band: MatchBand.MATCH_BAND_CERTAIN,
          flags: [],
          holdings: [
            {
              forceCode: '36',
              nominalId: '',
              disclosure: Disclosure.DISCLOSURE_HIT_ONLY,
              details: undefined,
              contact: 'Norfolk Force Intelligence Bureau',
            },
          ],
          explanation: undefined,
        },
      ],
      auditRef: '17',
    };
    const bytes = Buffer.from(encodeCheckPersonResponse(answer));
    expect(codecs?.responseDeserialize(bytes)).toEqual(answer);
  });
});
