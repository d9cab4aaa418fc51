import { LIMITS, MAX_QUERY_RESULTS } from '@intel/records';
import { Rng } from '@intel/synthetic';
import { checkedSearchBody } from './search-body-check';
import { searchBody } from './search-request';

/** Deterministic pseudo-random numbers (the synthetic data's mulberry32): the same every run. */
function rng(seed: number): () => number {
  const g = new Rng(seed);
  return () => g.next();
}

const text = (n: number) => 'x'.repeat(n);

/** Values a field may be given, right and wrong, at and past every bound. */
const VALUES: Record<string, unknown[]> = {
  given: [
    'Ann Marie',
    '',
    text(LIMITS.namePart * LIMITS.givenNames),
    text(LIMITS.namePart * LIMITS.givenNames + 1),
    7,
    null,
    ['Ann'],
  ],
  family: ['Smith', '', text(LIMITS.namePart), text(LIMITS.namePart + 1), false, null],
  dateOfBirth: [
    '1980',
    '1980-04',
    '1980-04-09',
    '1980-4-9',
    '80',
    '1980-04-09T00:00',
    '',
    1980,
    null,
  ],
  pnc: [
    '2001/0012345A',
    '',
    text(LIMITS.identifierValue),
    text(LIMITS.identifierValue + 1),
    12,
    null,
  ],
  cro: ['012345/01A', text(LIMITS.identifierValue + 1), {}, null],
  kind: ['EMAIL', 'USERNAME', 'DEVICE_ID', 'email', 'FAX', '', 3, null],
  value: [
    'a@b.example',
    '',
    text(LIMITS.onlineIdentifierValue),
    text(LIMITS.onlineIdentifierValue + 1),
    5,
    null,
  ],
  platform: ['x.example', '', text(LIMITS.platform), text(LIMITS.platform + 1), 0, null],
  maxResults: [1, 10, MAX_QUERY_RESULTS, 0, MAX_QUERY_RESULTS + 1, 2.5, -1, '10', null, 1e21],
};

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** An object with some of `keys` (values from VALUES, or made by `make`), maybe an unknown key. */
function objectOf(r: () => number, keys: string[], make: Record<string, () => unknown> = {}) {
  const o: Record<string, unknown> = {};
  for (const k of keys) if (r() < 0.7) o[k] = make[k] ? make[k]() : pick(r, VALUES[k] ?? [null]);
  if (r() < 0.05) o[pick(r, ['extra', '__proto__', 'constructor', 'Names'])] = 1;
  return o;
}

function listOf(r: () => number, max: number, each: () => unknown): unknown {
  const roll = r();
  if (roll < 0.05) return 'not a list';
  if (roll < 0.08) return null;
  const n = roll < 0.12 ? max + 1 : roll < 0.15 ? max : Math.floor(r() * 3);
  return Array.from({ length: n }, () => (r() < 0.03 ? pick(r, [null, 'x', [], 4]) : each()));
}

function body(r: () => number): unknown {
  const roll = r();
  if (roll < 0.02) return pick(r, [null, [], 'names', 3, undefined]);
  const name = () => objectOf(r, ['given', 'family']);
  const online = () => objectOf(r, ['kind', 'value', 'platform']);
  return objectOf(r, ['names', 'dateOfBirth', 'pnc', 'cro', 'onlineIdentifiers', 'maxResults'], {
    names: () => listOf(r, LIMITS.names, name),
    onlineIdentifiers: () => listOf(r, LIMITS.onlineIdentifiers, online),
  });
}

/** A body as the API reads it: through JSON (what JSON.parse makes of the request). */
const asReceived = (b: unknown) =>
  b === undefined ? undefined : (JSON.parse(JSON.stringify(b)) as unknown);

describe('checkedSearchBody (the search body checked without zod)', () => {
  it("given the page's usual search, then it gives zod's output", () => {
    const b = asReceived({
      names: [{ given: 'Ann Marie', family: 'Smith' }],
      dateOfBirth: '1980-04-09',
      maxResults: 10,
    });
    expect(checkedSearchBody(b)).toEqual(searchBody.parse(b));
    expect(checkedSearchBody(b)).toBeDefined();
  });

  it('given 20,000 generated bodies, right and wrong, then it answers only for bodies zod accepts, with the same value', () => {
    const r = rng(20261207);
    let answered = 0;
    let refusedByZod = 0;
    for (let i = 0; i < 20_000; i++) {
      const b = asReceived(body(r));
      const zod = searchBody.safeParse(b);
      const quick = checkedSearchBody(b);
      if (!zod.success) refusedByZod++;
      if (quick === undefined) continue;
      answered++;
      expect({ body: b, accepted: zod.success }).toEqual({ body: b, accepted: true });
      expect(quick).toEqual(zod.data);
    }
    // Both kinds were generated, and the check answered for every body zod accepted.
    expect(refusedByZod).toBeGreaterThan(1000);
    expect(answered).toBeGreaterThan(400);
    expect(answered).toBe(20_000 - refusedByZod);
  });

  it('given a body with an own __proto__ key or a non-plain object, then it leaves it to zod', () => {
    expect(checkedSearchBody(JSON.parse('{"__proto__":{"names":[]}}'))).toBeUndefined();
    expect(checkedSearchBody(Object.create({ names: [] }))).toBeUndefined();
    expect(checkedSearchBody(new Date())).toBeUndefined();
  });
});
