import { z } from 'zod';

/** Response shapes of the persons routes (enum names without their proto prefixes, ISO dates). */

export const flagSchema = z
  .object({
    type: z.string(),
    reason: z.string(),
    raisedAt: z.string().optional(),
    evidence: z.array(z.object({ forceCode: z.string(), entity: z.string(), id: z.string() })),
  })
  .meta({ id: 'Flag' });

const nameSchema = z.object({
  given: z.array(z.string()),
  family: z.string(),
  type: z.string(),
});
const identifierSchema = z.object({ scheme: z.string(), value: z.string() });
export const onlineIdentifierSchema = z
  .object({
    kind: z.string(),
    value: z.string(),
    platform: z.string().optional(),
    observedAt: z.string().optional(),
  })
  .meta({ id: 'OnlineIdentifier' });
const addressSchema = z.object({ line: z.string(), town: z.string(), postcode: z.string() });

/** What every holding says, hit-only ones included: which force, and whom to ask. */
const holdingBase = z.object({
  forceCode: z.string(),
  forceName: z.string(),
  disclosure: z.enum(['FULL', 'HIT_ONLY']),
  contact: z.string(),
  nominalId: z.string().optional(),
});

/** A holding in a search result: a FULL one with the record's first name and date of birth. */
export const matchHoldingSchema = holdingBase
  .extend({ name: z.string().optional(), dateOfBirth: z.string().optional() })
  .meta({ id: 'MatchHolding' });

export const matchSchema = z
  .object({
    nationalPersonId: z.string(),
    score: z.number(),
    band: z.enum(['CERTAIN', 'PROBABLE', 'POSSIBLE']),
    flags: z.array(flagSchema),
    holdings: z.array(matchHoldingSchema),
  })
  .meta({ id: 'PersonMatch' });

/** A holding in a dossier: a FULL one has the record's content, grading and handling. */
export const dossierHoldingSchema = holdingBase
  .extend({
    grading: z
      .object({
        scheme: z.string(),
        source: z.string(),
        intelligence: z.string(),
        handling: z.string(),
      })
      .optional(),
    handlingCode: z.string().optional(),
    handlingConditions: z.string().optional(),
    names: z.array(nameSchema).optional(),
    dateOfBirth: z.string().optional(),
    datesOfBirth: z.array(z.string()).optional(),
    sex: z.string().optional(),
    identifiers: z.array(identifierSchema).optional(),
    onlineIdentifiers: z.array(onlineIdentifierSchema).optional(),
    addresses: z.array(addressSchema).optional(),
    registrations: z
      .array(
        z.object({
          active: z.boolean(),
          managingForce: z.string(),
          startDate: z.string().optional(),
          endDate: z.string().optional(),
          visorRef: z.string().optional(),
        }),
      )
      .optional(),
    subjectCategories: z.array(z.string()).optional(),
    updatedAt: z.string().optional(),
  })
  .meta({ id: 'DossierHolding' });

export const dossierSchema = z
  .object({
    nationalPersonId: z.string(),
    flags: z.array(flagSchema),
    holdings: z.array(dossierHoldingSchema),
    /** Every identifier the caller may see, once, with the forces that hold it. */
    identifiers: z.array(
      z.object({
        type: z.string(),
        value: z.string(),
        platform: z.string().optional(),
        forces: z.array(z.string()),
      }),
    ),
    incidentCount: z.number().int(),
    history: z.object({ createdAt: z.string().optional(), mergedFrom: z.array(z.string()) }),
    auditRef: z.string(),
  })
  .meta({ id: 'Dossier' });
