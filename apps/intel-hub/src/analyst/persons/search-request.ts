import {
  AnswerDetail,
  IdentifierScheme,
  NameType,
  OnlineIdentifierKind,
  Sex,
  type CheckIdentifiersRequest,
  type CheckPersonRequest,
  type Justification,
  type OnlineIdentifier,
} from '@intel/contracts';
import { LIMITS, MAX_QUERY_RESULTS, RecordValidationError } from '@intel/records';
import { z } from 'zod';
import { invalidRequest, type ProblemError } from '../http/problem';

export const ONLINE_KINDS = [
  'USERNAME',
  'EMAIL',
  'PHONE',
  'PROFILE_URL',
  'PLATFORM_USER_ID',
  'IP_ADDRESS',
  'DEVICE_ID',
] as const;

export const onlineIdentifierInput = z
  .strictObject({
    kind: z.enum(ONLINE_KINDS),
    value: z.string().min(1).max(LIMITS.onlineIdentifierValue),
    platform: z.string().max(LIMITS.platform).optional(),
  })
  .meta({ id: 'OnlineIdentifierQuery' });

/** A search's date of birth: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
export const SEARCH_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export const searchBody = z.strictObject({
  names: z
    .array(
      z.strictObject({
        /** Given names, space-separated. */
        given: z
          .string()
          .max(LIMITS.namePart * LIMITS.givenNames)
          .optional(),
        family: z.string().max(LIMITS.namePart).optional(),
      }),
    )
    .max(LIMITS.names)
    .optional(),
  dateOfBirth: z
    .string()
    .regex(SEARCH_DATE, "must be 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")
    .optional(),
  pnc: z.string().max(LIMITS.identifierValue).optional(),
  cro: z.string().max(LIMITS.identifierValue).optional(),
  onlineIdentifiers: z.array(onlineIdentifierInput).max(LIMITS.onlineIdentifiers).optional(),
  maxResults: z.number().int().min(1).max(MAX_QUERY_RESULTS).optional(),
});
export type SearchBody = z.output<typeof searchBody>;

export const lookupBody = z.strictObject({
  onlineIdentifiers: z.array(onlineIdentifierInput).min(1).max(LIMITS.onlineIdentifiers),
});

export function onlineIdentifierOf(o: z.output<typeof onlineIdentifierInput>): OnlineIdentifier {
  return {
    kind: OnlineIdentifierKind[`ONLINE_IDENTIFIER_KIND_${o.kind}`],
    platform: o.platform ?? '',
    value: o.value,
    observedAt: undefined,
  };
}

/** Pure: the search as IntelQuery's CheckPerson takes it, and which body field each identifier came from. */
export function checkPersonRequest(
  body: SearchBody,
  justification: Justification,
): { request: CheckPersonRequest; identifierFields: string[] } {
  const identifiers = [
    ...(body.pnc
      ? [{ field: 'pnc', scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: body.pnc }]
      : []),
    ...(body.cro
      ? [{ field: 'cro', scheme: IdentifierScheme.IDENTIFIER_SCHEME_CRO, value: body.cro }]
      : []),
  ];
  const dob = body.dateOfBirth ? SEARCH_DATE.exec(body.dateOfBirth) : null;
  return {
    request: {
      person: {
        names: (body.names ?? []).map((n) => ({
          given: (n.given ?? '').split(/\s+/).filter(Boolean),
          family: n.family ?? '',
          type: NameType.NAME_TYPE_UNSPECIFIED,
        })),
        dateOfBirth: dob
          ? { year: Number(dob[1]), month: Number(dob[2] ?? 0), day: Number(dob[3] ?? 0) }
          : undefined,
        sex: Sex.SEX_UNSPECIFIED,
        identifiers: identifiers.map(({ scheme, value }) => ({ scheme, value })),
        onlineIdentifiers: (body.onlineIdentifiers ?? []).map(onlineIdentifierOf),
        addresses: [],
      },
      justification,
      maxResults: body.maxResults ?? 0,
      // The analysts' screens show each holding's details and the explanation.
      detail: AnswerDetail.ANSWER_DETAIL_FULL,
    },
    identifierFields: identifiers.map((i) => i.field),
  };
}

export function checkIdentifiersRequest(
  body: z.output<typeof lookupBody>,
  justification: Justification,
): CheckIdentifiersRequest {
  return {
    onlineIdentifiers: body.onlineIdentifiers.map(onlineIdentifierOf),
    justification,
    detail: AnswerDetail.ANSWER_DETAIL_FULL,
  };
}

/**
 * Pure: IntelQuery's validation refusal with the fields named as this API's body names them
 * (`person.identifiers[0].value` → `pnc`, `person.dateOfBirth.month` → `dateOfBirth`).
 */
export function searchRefusal(
  err: RecordValidationError,
  identifierFields: string[],
): ProblemError {
  return invalidRequest(
    err.errors.map((e) => {
      let field = e.field.replace(/^person\./, '');
      const id = /^identifiers\[(\d+)\]/.exec(field);
      if (id) field = identifierFields[Number(id[1])] ?? field;
      if (field.startsWith('dateOfBirth')) field = 'dateOfBirth';
      return { field, message: e.message };
    }),
  );
}
