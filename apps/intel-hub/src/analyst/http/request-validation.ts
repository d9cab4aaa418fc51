import { z } from 'zod';
import { invalidRequest, type FieldError } from './problem';
import type { RouteSpec } from './route-spec';

/** A route without a body takes none (an empty object at most). */
const NO_BODY = z.strictObject({}).optional();
const NO_INPUT = z.strictObject({});

/** An object (a plain one, or the query parser's null-prototype one) with no keys at all. */
function isEmptyObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Reflect.ownKeys(value).length === 0;
}

/** `names[0].given` from a zod path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** Pure: zod's issues as the fields a 400 names (an unknown field is named itself). */
export function fieldErrors(error: z.ZodError, part: 'params' | 'query' | 'body'): FieldError[] {
  return error.issues.flatMap((i): FieldError[] => {
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({ field: fieldPath([...i.path, k]), message: 'unknown field' }));
    return [{ field: fieldPath(i.path) || part, message: i.message }];
  });
}

export interface ValidatedInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * Pure: the route's parameters, query and body checked against its spec (strict: an unknown
 * field is refused), or a 400 naming every field that failed.
 */
export function validateInput(spec: RouteSpec, raw: ValidatedInput): ValidatedInput {
  const errors: FieldError[] = [];
  const check = (part: 'params' | 'query' | 'body', schema: z.ZodType, value: unknown) => {
    // No input where the route takes none: what NO_INPUT gives for it, without running zod.
    if (schema === NO_INPUT && isEmptyObject(value)) return {};
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    errors.push(...fieldErrors(r.error, part));
    return undefined;
  };
  // A hot route's hand check answers for the bodies it knows; zod for every other.
  const checked = spec.checkedBody?.(raw.body);
  const out = {
    params: check('params', spec.params ?? NO_INPUT, raw.params ?? {}),
    query: check('query', spec.query ?? NO_INPUT, raw.query ?? {}),
    body: checked !== undefined ? checked : check('body', spec.body ?? NO_BODY, raw.body),
  };
  if (errors.length) throw invalidRequest(errors);
  return out;
}
