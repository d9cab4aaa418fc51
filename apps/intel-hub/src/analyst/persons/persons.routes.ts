import { z } from 'zod';
import { defineRoute } from '../http/route-spec';
import { dossierSchema } from './person.schemas';

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
