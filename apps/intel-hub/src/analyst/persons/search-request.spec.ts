import { PurposeCode } from '@intel/contracts';
import { RecordValidationError } from '@intel/records';
import { checkPersonRequest, searchBody, searchRefusal } from './search-request';

const justification = {
  purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
  reason: 'Grooming referral from a school',
  operationRef: '',
};

describe('a person search as IntelQuery takes it', () => {
  it('given names, a partial date and identifiers, then a CheckPerson request', () => {
    const body = searchBody.parse({
      names: [{ given: 'William  James', family: 'Hendry' }],
      dateOfBirth: '1979-03',
      cro: '123456/79X',
      onlineIdentifiers: [{ kind: 'USERNAME', platform: 'discord', value: 'billy_h79' }],
      maxResults: 5,
    });
    const { request, identifierFields } = checkPersonRequest(body, justification);
    expect(request.person?.names).toEqual([
      { given: ['William', 'James'], family: 'Hendry', type: 'NAME_TYPE_UNSPECIFIED' },
    ]);
    expect(request.person?.dateOfBirth).toEqual({ year: 1979, month: 3, day: 0 });
    expect(request.person?.identifiers).toEqual([
      { scheme: 'IDENTIFIER_SCHEME_CRO', value: '123456/79X' },
    ]);
    expect(request.person?.onlineIdentifiers[0]).toMatchObject({
      kind: 'ONLINE_IDENTIFIER_KIND_USERNAME',
      platform: 'discord',
    });
    expect(request).toMatchObject({ maxResults: 5, justification });
    expect(identifierFields).toEqual(['cro']);
  });

  it('given a bad date form or an unknown field, then the body schema refuses it', () => {
    expect(searchBody.safeParse({ dateOfBirth: '14/03/1979' }).success).toBe(false);
    expect(searchBody.safeParse({ surname: 'Hendry' }).success).toBe(false);
  });

  it("given IntelQuery's refusal, then its fields are named as the body names them", () => {
    const e = searchRefusal(
      new RecordValidationError([
        { field: 'person.identifiers[1].value', message: 'check character does not match' },
        { field: 'person.dateOfBirth.month', message: 'between 1 and 12' },
        { field: 'person.names', message: 'a query needs at least one name' },
      ]),
      ['pnc', 'cro'],
    );
    expect(e.errors.map((x) => x.field)).toEqual(['cro', 'dateOfBirth', 'names']);
    expect(e.status).toBe(400);
  });
});
