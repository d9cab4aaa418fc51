import { z } from 'zod';
import { ProblemError } from './problem';
import { validateInput } from './request-validation';
import { defineRoute } from './route-spec';

const spec = defineRoute({
  operationId: 'test',
  method: 'POST',
  path: '/things/{thingId}',
  summary: 'test',
  tag: 'test',
  roles: [],
  consultation: false,
  params: z.strictObject({ thingId: z.uuid() }),
  query: z.strictObject({ limit: z.coerce.number().int().min(1).max(10).optional() }),
  body: z.strictObject({
    names: z.array(z.strictObject({ given: z.string().max(3) })).optional(),
    reason: z.string(),
  }),
  response: z.object({}),
});

const id = '9b2f7f3e-2b6a-4c8e-9d8e-1f2a3b4c5d6e';

function refusal(raw: Parameters<typeof validateInput>[1]): ProblemError {
  try {
    validateInput(spec, raw);
  } catch (err) {
    if (err instanceof ProblemError) return err;
  }
  throw new Error('accepted');
}

describe('request validation against a route spec', () => {
  it("given a route without params or query, then none (an empty object, the query parser's included) passes, and anything else is refused naming it", () => {
    const bare = { ...spec, params: undefined, query: undefined, body: undefined };
    const none = Object.create(null) as object;
    expect(validateInput(bare, { params: {}, query: none, body: undefined })).toEqual({
      params: {},
      query: {},
      body: undefined,
    });
    for (const [raw, field] of [
      [{ params: { thingId: id }, query: {}, body: undefined }, 'thingId'],
      [
        {
          params: {},
          query: Object.assign(Object.create(null) as object, { a: '1' }),
          body: undefined,
        },
        'a',
      ],
      [{ params: {}, query: [], body: undefined }, 'query'],
    ] as const) {
      let err: unknown;
      try {
        validateInput(bare, raw);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProblemError);
      expect((err as ProblemError).errors.map((e) => e.field)).toEqual([field]);
    }
  });

  it('given good input, then it is parsed (query coerced)', () => {
    expect(
      validateInput(spec, {
        params: { thingId: id },
        query: { limit: '3' },
        body: { reason: 'x' },
      }),
    ).toEqual({ params: { thingId: id }, query: { limit: 3 }, body: { reason: 'x' } });
  });

  it('given an unknown field, then the 400 names it by its path', () => {
    const e = refusal({ params: { thingId: id }, query: {}, body: { reason: 'x', extra: 1 } });
    expect(e.status).toBe(400);
    expect(e.errors).toEqual([{ field: 'extra', message: 'unknown field' }]);
    expect(e.detail).toContain('extra: unknown field');
  });

  it('given several bad fields in all parts, then every one is named', () => {
    const e = refusal({
      params: { thingId: 'nope' },
      query: { limit: '99', q: 'x' },
      body: { names: [{ given: 'William' }] },
    });
    expect(e.errors.map((x) => x.field).sort()).toEqual(
      ['limit', 'names[0].given', 'q', 'reason', 'thingId'].sort(),
    );
  });

  it('given no body where one is needed, then the body is named', () => {
    expect(refusal({ params: { thingId: id }, query: {}, body: undefined }).errors).toEqual([
      expect.objectContaining({ field: 'body' }),
    ]);
  });

  it('given a body where none is taken, then it is refused; an empty object is not', () => {
    const none = defineRoute({ ...spec, params: undefined, query: undefined, body: undefined });
    expect(validateInput(none, { params: {}, query: {}, body: {} }).body).toEqual({});
    expect(() => validateInput(none, { params: {}, query: {}, body: { a: 1 } })).toThrow(
      ProblemError,
    );
  });
});
