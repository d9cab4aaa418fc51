import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { CONSULTATION_HEADER } from '../consultations/consultation';
import { PROBLEM_KINDS, PROBLEM_MEDIA_TYPE, problemSchema } from '../http/problem';
import { API_BASE, type RouteSpec } from '../http/route-spec';

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

/** Problem answers every route may give, besides its own success. */
const COMMON_PROBLEMS = [400, 401, 403, 428, 429] as const;

/**
 * Pure: the OpenAPI 3.1 document of the analysts' API from its route specs (zod 4 JSON Schema):
 * paths, parameters, bodies, answers (problem+json for refusals), the bearer scheme, and the
 * X-Consultation-Id header of routes that need a consultation.
 */
export function openApiDocument(routes: readonly RouteSpec[], version: string): Json {
  const schemas: Record<string, Json> = {};
  const convert = (schema: z.ZodType, io: Io) => toComponentSchema(schema, io, schemas);
  const problem = convert(problemSchema, 'output');
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = (paths[r.path] ??= {});
    const method = r.method.toLowerCase();
    if (path[method]) throw new Error(`two routes for ${r.method} ${r.path}`);
    path[method] = operation(r, convert);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: "Intel hub: analysts' API",
      version,
      description:
        'The analysts\u2019 HTTP API of the national hub (docs/analyst.md). Errors are RFC 9457 ' +
        'problem+json; every data read names an open consultation in X-Consultation-Id.',
    },
    servers: [{ url: API_BASE }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An OIDC access token: claims sub, name, force (PNC code), roles.',
        },
      },
      parameters: {
        ConsultationId: {
          name: CONSULTATION_HEADER,
          in: 'header',
          required: true,
          description: 'The open consultation (POST /consultations) that justifies this read.',
          schema: { type: 'string', format: 'uuid' },
        },
      },
      responses: Object.fromEntries(
        ([...COMMON_PROBLEMS, 404, 413, 500, 503] as const).map((s) => [
          String(s),
          {
            description: PROBLEM_KINDS[s][1],
            content: { [PROBLEM_MEDIA_TYPE]: { schema: problem } },
            ...(s === 401 ? { headers: { 'WWW-Authenticate': header('Bearer challenge') } } : {}),
            ...(s === 429 ? { headers: { 'Retry-After': header('Seconds to wait') } } : {}),
          },
        ]),
      ),
    },
  };
}

function header(description: string): Json {
  return { description, schema: { type: 'string' } };
}

function operation(r: RouteSpec, convert: (s: z.ZodType, io: Io) => Json): Json {
  const parameters: Json[] = [
    ...parametersOf(r.params, 'path', convert),
    ...parametersOf(r.query, 'query', convert),
    ...(r.consultation ? [{ $ref: '#/components/parameters/ConsultationId' }] : []),
  ];
  const status = String(r.status ?? 200);
  const problems = [...COMMON_PROBLEMS.filter((s) => s !== 428 || r.consultation), 500, 503];
  if (r.body) problems.push(413);
  if (r.params) problems.push(404);
  return {
    operationId: r.operationId,
    summary: r.summary,
    tags: [r.tag],
    ...(r.public ? { security: [] } : {}),
    ...(r.roles.length ? { 'x-roles': [...r.roles] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(r.body
      ? {
          requestBody: {
            required: !r.body.safeParse(undefined).success,
            content: { 'application/json': { schema: convert(r.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [status]: {
        description: r.summary,
        content: Object.fromEntries(
          [r.produces ?? 'application/json']
            .flat()
            .map((type) => [type, { schema: convert(r.response, 'output') }]),
        ),
      },
      ...Object.fromEntries(
        [...new Set(problems)]
          .sort()
          .filter((s) => !(r.public && (s === 401 || s === 403)))
          .map((s) => [String(s), { $ref: `#/components/responses/${s}` }]),
      ),
    },
  };
}

function parametersOf(
  schema: z.ZodType | undefined,
  where: 'path' | 'query',
  convert: (s: z.ZodType, io: Io) => Json,
): Json[] {
  if (!schema) return [];
  const json = convert(schema, 'input') as {
    properties?: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/**
 * A zod schema as JSON Schema whose named parts (`.meta({ id })`) live in components.schemas; a
 * name whose input and output forms differ gets its form as a suffix.
 */
function toComponentSchema(schema: z.ZodType, io: Io, schemas: Record<string, Json>): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json & {
    $defs?: Record<string, Json>;
  };
  const { $defs = {}, $schema: _schema, ...root } = json;
  const names = new Map<string, string>();
  const rewrite = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(rewrite)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [
              k,
              k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')
                ? `#/components/schemas/${names.get(x.slice(8)) ?? x.slice(8)}`
                : rewrite(x),
            ]),
          )
        : v;
  // A name is kept when its schema is the same as already stored; else it gets its form.
  for (const id of Object.keys($defs)) names.set(id, id);
  for (const [id, def] of Object.entries($defs))
    if (schemas[id] && !isDeepStrictEqual(schemas[id], rewrite(def))) names.set(id, `${id}_${io}`);
  for (const [id, def] of Object.entries($defs)) {
    const name = names.get(id) ?? id;
    const out = rewrite(def) as Json;
    if (schemas[name] && !isDeepStrictEqual(schemas[name], out))
      throw new Error(`two different schemas named ${name}`);
    schemas[name] = out;
  }
  return rewrite(root) as Json;
}
