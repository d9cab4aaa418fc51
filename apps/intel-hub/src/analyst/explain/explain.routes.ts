import { z } from 'zod';
import { FIELD_NAMES } from '@intel/matching';
import { justificationSchema } from '../consultations/consultation.routes';
import { defineRoute } from '../http/route-spec';
import { DATA_READERS, personIdSchema } from '../persons/persons.routes';

/** Routes of the explanation, network and export screens (docs/analyst.md). */

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** A force record named `NN/nominalId` (PNC force code, the force node's nominal id). */
export const recordNameSchema = z
  .string()
  .regex(new RegExp(`^[0-9]{2}/${UUID}$`), 'must be NN/nominalId (a force code and a UUID)')
  .transform((s) => ({ forceCode: s.slice(0, 2), nominalId: s.slice(3).toLowerCase() }));

const bandSchema = z.enum(['CERTAIN', 'PROBABLE', 'POSSIBLE']);

/** Another force's C record: which force, whom to contact. */
const hitOnlyHolderSchema = z
  .object({ forceCode: z.string(), forceName: z.string(), contact: z.string() })
  .meta({ id: 'HitOnlyHolder' });

const recordEndSchema = z.object({ forceCode: z.string(), nominalId: z.string() });
const linkEndSchema = z.union([
  recordEndSchema,
  hitOnlyHolderSchema.extend({ hitOnly: z.literal(true) }),
]);

export const LIST_LINKS = defineRoute({
  operationId: 'listLinks',
  method: 'GET',
  path: '/persons/{personId}/links',
  summary:
    "The accepted links between a person's records, with score and band; links touching another force's C record as one hit per holding force",
  tag: 'explain',
  roles: DATA_READERS,
  consultation: true,
  params: z.strictObject({ personId: personIdSchema }),
  response: z.object({
    nationalPersonId: z.string(),
    links: z.array(
      z.object({
        a: linkEndSchema,
        b: linkEndSchema.nullable(),
        score: z.number().nullable(),
        band: bandSchema.nullable(),
      }),
    ),
    auditRef: z.string(),
  }),
});

const fieldName = z.enum(FIELD_NAMES as [string, ...string[]]);
const explainedRecordSchema = z.object({
  forceCode: z.string(),
  nominalId: z.string(),
  /** Per compared field, the values as the engine compares them. */
  fields: z.record(fieldName, z.array(z.string())),
});

const fullExplanationSchema = z
  .object({
    disclosure: z.literal('FULL'),
    lambda: z.number(),
    prior: z.number(),
    steps: z.array(
      z.object({
        field: fieldName,
        level: z.string(),
        m: z.number().optional(),
        u: z.number().optional(),
        levelWeight: z.number(),
        tfAdjustment: z.number(),
        weight: z.number(),
        running: z.number(),
      }),
    ),
    total: z.number(),
    probability: z.number(),
    thresholds: z.object({ possible: z.number(), link: z.number(), certain: z.number() }),
    band: bandSchema.nullable(),
    namesOnly: z.boolean(),
    link: z.object({ score: z.number(), band: bandSchema.nullable() }).nullable(),
    records: z.object({ a: explainedRecordSchema, b: explainedRecordSchema }),
    differences: z.array(fieldName),
    auditRef: z.string(),
  })
  .meta({ id: 'LinkExplanation' });

const hitOnlyExplanationSchema = z
  .object({
    disclosure: z.literal('HIT_ONLY'),
    hitOnly: z.array(hitOnlyHolderSchema),
    auditRef: z.string(),
  })
  .meta({ id: 'HitOnlyExplanation' });

export const EXPLAIN_LINK = defineRoute({
  operationId: 'explainLink',
  method: 'GET',
  path: '/explanations',
  summary:
    "Two records' match-weight waterfall (prior, each field's level, weight and term-frequency adjustment, running total, thresholds, band) and the records side by side; another force's C record: hit only",
  tag: 'explain',
  roles: DATA_READERS,
  consultation: true,
  query: z.strictObject({ a: recordNameSchema, b: recordNameSchema }),
  response: z.discriminatedUnion('disclosure', [fullExplanationSchema, hitOnlyExplanationSchema]),
});

const depthSchema = z
  .enum(['1', '2'])
  .default('1')
  .transform((d): 1 | 2 => (d === '2' ? 2 : 1));

export const networkSchema = z
  .object({
    nationalPersonId: z.string(),
    depth: z.union([z.literal(1), z.literal(2)]),
    nodes: z.array(
      z.object({
        id: z.string(),
        type: z.enum(['person', 'record', 'identifier', 'incident', 'force']),
        label: z.string(),
        hitOnly: z.literal(true).optional(),
      }),
    ),
    edges: z.array(
      z.object({
        source: z.string(),
        target: z.string(),
        type: z.enum(['has_record', 'held_by', 'has_identifier', 'subject_of', 'recorded_by']),
        label: z.string().optional(),
      }),
    ),
    truncated: z.boolean(),
  })
  .meta({ id: 'Network' });

export const GET_NETWORK = defineRoute({
  operationId: 'getNetwork',
  method: 'GET',
  path: '/persons/{personId}/network',
  summary:
    'The typed graph around a person (person, record, identifier, incident, force), depth 1 or 2; another force’s C record as one hit-only node',
  tag: 'explain',
  roles: DATA_READERS,
  consultation: true,
  params: z.strictObject({ personId: personIdSchema }),
  query: z.strictObject({ depth: depthSchema }),
  response: networkSchema.extend({ auditRef: z.string() }),
});

export const CREATE_EXPORT = defineRoute({
  operationId: 'createExport',
  method: 'POST',
  path: '/exports',
  summary:
    "A person's network as a file (i2 ANX chart or CSV), streamed; justified on its own (purpose and reason) within an open consultation, and audited as its own consultation",
  tag: 'explain',
  roles: DATA_READERS,
  consultation: true,
  body: z.strictObject({
    format: z.enum(['anx', 'csv']),
    nationalPersonId: personIdSchema,
    depth: z.union([z.literal(1), z.literal(2)]).default(1),
    justification: justificationSchema,
  }),
  response: z.string().meta({ description: 'The file: an i2 ANX chart, or CSV (nodes, edges)' }),
  produces: ['application/xml', 'text/csv'],
});

export const EXPLAIN_ROUTES = [LIST_LINKS, EXPLAIN_LINK, GET_NETWORK, CREATE_EXPORT] as const;
