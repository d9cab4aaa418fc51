import { z } from 'zod';
import { defineRoute } from '../http/route-spec';
import { incidentSchema } from './incident-json';
import { dossierSchema, matchSchema } from './person.schemas';
import { checkedSearchBody } from './search-body-check';
import { lookupBody, searchBody } from './search-request';

/** A national person's id (as IntelQuery takes it). */
export const personIdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

/** Roles that read national data (a supervisor has an analyst's rights). */
export const DATA_READERS = ['analyst'] as const;

export const GET_DOSSIER = defineRoute({
  operationId: 'getDossier',
  method: 'GET',
  path: '/persons/{personId}',
  summary:
    "A national person's dossier: holdings per force (hit-only for another force's C records), identifiers, flags, history",
  tag: 'persons',
  roles: DATA_READERS,
  consultation: true,
  params: z.strictObject({ personId: personIdSchema }),
  response: dossierSchema,
});

export const SEARCH_PERSONS = defineRoute({
  operationId: 'searchPersons',
  method: 'POST',
  path: '/persons/search',
  summary:
    'Search national persons by names (fuzzy), date of birth, PNC/CRO and online identifiers; ranked, with band, flags and holding forces',
  tag: 'persons',
  roles: DATA_READERS,
  consultation: true,
  body: searchBody,
  // The busiest route: a search body of the usual form is checked without zod.
  checkedBody: checkedSearchBody,
  response: z.object({ results: z.array(matchSchema), auditRef: z.string() }),
});

export const LOOKUP_IDENTIFIERS = defineRoute({
  operationId: 'lookupIdentifiers',
  method: 'POST',
  path: '/identifiers/lookup',
  summary:
    'Exact look-up of online identifiers (username, e-mail, phone, ...) in the national index',
  tag: 'persons',
  roles: DATA_READERS,
  consultation: true,
  body: lookupBody,
  response: z.object({
    results: z.array(
      z.object({
        identifier: z.object({
          kind: z.string(),
          value: z.string(),
          platform: z.string().optional(),
        }),
        matches: z.array(matchSchema),
        /** Persons holding it for this caller; `matches` holds at most 50 of them, best first. */
        totalMatches: z.number().int().min(0),
        /** More persons hold it than `matches` lists. */
        truncated: z.boolean(),
      }),
    ),
    auditRef: z.string(),
  }),
});

export const LIST_INCIDENTS = defineRoute({
  operationId: 'listIncidents',
  method: 'GET',
  path: '/persons/{personId}/incidents',
  summary: "A national person's incidents the caller may see, paged (opaque cursor)",
  tag: 'persons',
  roles: DATA_READERS,
  consultation: true,
  params: z.strictObject({ personId: personIdSchema }),
  query: z.strictObject({
    cursor: z.string().max(512).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
  response: z.object({
    items: z.array(incidentSchema),
    nextCursor: z.string().nullable(),
    auditRef: z.string(),
  }),
});
