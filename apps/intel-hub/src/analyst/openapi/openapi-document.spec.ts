/* eslint-disable @typescript-eslint/no-explicit-any -- a JSON document walked in assertions */
import { z } from 'zod';
import { ALL_ROUTES } from '../http/routes';
import { defineRoute } from '../http/route-spec';
import { openApiDocument } from './openapi-document';

type Doc = {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any>; responses: Record<string, any> };
};

describe('OpenAPI document from the route registry', () => {
  const read = defineRoute({
    operationId: 'readThing',
    method: 'GET',
    path: '/things/{thingId}',
    summary: 'Read a thing',
    tag: 'things',
    roles: ['analyst'],
    consultation: true,
    params: z.strictObject({ thingId: z.uuid() }),
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).optional() }),
    response: z.object({ id: z.string() }),
  });
  const doc = openApiDocument([...ALL_ROUTES, read], '1') as unknown as Doc;

  it('given a consulted read, then its parameters, consultation header and problems are described', () => {
    const op = doc.paths['/things/{thingId}']?.['get'];
    expect(op.operationId).toBe('readThing');
    expect(op.parameters).toEqual([
      expect.objectContaining({ name: 'thingId', in: 'path', required: true }),
      expect.objectContaining({ name: 'limit', in: 'query', required: false }),
      { $ref: '#/components/parameters/ConsultationId' },
    ]);
    expect(Object.keys(op.responses as object)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '428', '429']),
    );
    expect(op['x-roles']).toEqual(['analyst']);
  });

  it('given openConsultation, then its body is strict, its answer 201, and it needs no consultation', () => {
    const op = doc.paths['/consultations']?.['post'];
    const body = op.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(['purposeCode', 'reason']);
    expect(op.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Consultation',
    });
    expect(op.responses['428']).toBeUndefined();
  });

  it('given problems, then they are problem+json with their headers', () => {
    expect(doc.components.responses['401'].headers['WWW-Authenticate']).toBeDefined();
    expect(doc.components.responses['429'].headers['Retry-After']).toBeDefined();
    expect(doc.components.responses['400'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    expect(doc.components.schemas['Problem'].properties.errors).toBeDefined();
  });

  it('given two routes on one method and path, then it refuses to describe them', () => {
    expect(() => openApiDocument([read, read], '1')).toThrow(/two routes/);
  });
});
