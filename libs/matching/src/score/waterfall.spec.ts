import { generatePersons } from '@intel/synthetic';
import { FIELD_NAMES } from '../compare/fields';
import { MatchEngine } from '../engine/match-engine';
import type { MatchInput } from '../model/match-input';
import { logitBits } from './fellegi-sunter.scorer';

const person = (
  given: string,
  family: string,
  dob?: [number, number, number],
  extra: Partial<MatchInput> = {},
): MatchInput => ({
  names: [{ given: [given], family }],
  dateOfBirth: dob ? { year: dob[0], month: dob[1], day: dob[2] } : undefined,
  sex: 'SEX_MALE',
  ...extra,
});

// Learned on a generated population the indexes also hold: realistic term frequencies.
const background = generatePersons({ persons: 300, seed: 11 }).map((g) => g.record);
const engine = MatchEngine.train(background);

describe('match-weight waterfall', () => {
  const index = engine.createIndex({ corroboratedLinks: true });
  background.forEach((r, i) => index.add(`bg${i}`, r));
  index.add('a', person('William', 'Hendry', [1979, 3, 14], { addresses: [] }));
  index.add(
    'b',
    person('Bill', 'Hendry', [1979, 3, 14], {
      onlineIdentifiers: [{ kind: 'ONLINE_IDENTIFIER_KIND_PHONE', value: '+447911100123' }],
    }),
  );
  index.add('c', person('William', 'Hendry'));
  index.add('s1', person('John', 'Smith', [1980, 1, 1]));
  index.add('s2', person('John', 'Smith', [1980, 1, 1]));

  it('starts at the prior and its steps add up to the score the index gives the pair', () => {
    const w = index.waterfall('a', 'b');
    expect(w).toBeDefined();
    if (!w) return;
    expect(w.prior).toBeCloseTo(logitBits(engine.parameters.lambda), 12);
    expect(w.steps.map((s) => s.field)).toEqual(FIELD_NAMES);
    let running = w.prior;
    for (const s of w.steps) {
      expect(s.weight).toBeCloseTo(s.levelWeight + s.tfAdjustment, 12);
      running += s.weight;
      expect(s.running).toBe(running);
    }
    expect(w.score).toBe(running);
    // The same number the engine scores and explains the pair with.
    expect(w.score).toBe(index.compare('a', 'b')?.score);
    const explained = index.compare('a', 'b')?.explanation ?? [];
    expect(w.steps.map((s) => [s.field, s.level, s.weight])).toEqual(
      explained.map((e) => [e.field, e.level, e.weight]),
    );
  });

  it('agrees with the link the index made, while the term frequencies are those it used', () => {
    const fresh = engine.createIndex({ corroboratedLinks: true });
    background.forEach((r, i) => fresh.add(`bg${i}`, r));
    fresh.add('a', person('William', 'Hendry', [1979, 3, 14]));
    const added = fresh.add('b', person('Bill', 'Hendry', [1979, 3, 14]));
    const w = fresh.waterfall('a', 'b');
    const held = fresh.linksAmong(['a', 'b']);
    expect(held).toHaveLength(1);
    expect(added.links[0]?.score).toBe(held[0]?.score);
    expect(w?.decidedBand).toBe(held[0]?.band);
    expect(w?.score).toBe(held[0]?.score);
    // Records added later move the frequencies: the waterfall is the pair as scored now.
    fresh.add('c', person('William', 'Hendry'));
    expect(fresh.waterfall('a', 'b')?.score).not.toBe(held[0]?.score);
    expect(fresh.linksAmong(['a', 'b'])[0]?.score).toBe(held[0]?.score);
  });

  it('gives a null field no weight, no m/u and no adjustment', () => {
    const w = index.waterfall('a', 'c');
    const dob = w?.steps.find((s) => s.field === 'dob');
    expect(dob).toEqual({
      field: 'dob',
      level: 'null',
      levelWeight: 0,
      tfAdjustment: 0,
      weight: 0,
      running: expect.any(Number) as number,
    });
  });

  it('shows the term-frequency adjustment apart: a common exact name weighs less', () => {
    const rare = index.waterfall('a', 'c')?.steps.find((s) => s.field === 'family');
    const common = index.waterfall('s1', 's2')?.steps.find((s) => s.field === 'family');
    expect(rare?.level).toBe('exact');
    expect(common?.level).toBe('exact');
    // Same level, same level weight: the difference is the adjustment alone.
    expect(rare?.levelWeight).toBe(common?.levelWeight);
    expect(rare?.tfAdjustment).toBeGreaterThan(common?.tfAdjustment ?? Infinity);
    expect(rare?.m).toBe(engine.parameters.fields.family.m[0]);
    expect(rare?.u).toBe(engine.parameters.fields.family.u[0]);
  });

  it('states the thresholds as probabilities and bits', () => {
    const t = index.waterfall('a', 'b')?.thresholds;
    expect(t?.link).toEqual({
      probability: engine.parameters.linkThreshold,
      bits: logitBits(engine.parameters.linkThreshold),
    });
    expect(t?.possible.bits).toBeLessThan(t?.link.bits ?? -Infinity);
    expect(t?.certain.bits).toBeGreaterThan(t?.link.bits ?? Infinity);
  });

  it('decides a names-only link as POSSIBLE, as the index does with corroborated links', () => {
    const names = engine.createIndex({ corroboratedLinks: true });
    background.forEach((r, i) => names.add(`bg${i}`, r));
    names.add('x', person('Featherstonehaugh', 'Quixwell'));
    const added = names.add('y', person('Featherstonehaugh', 'Quixwell'));
    const w = names.waterfall('x', 'y');
    expect(w?.band).not.toBe('MATCH_BAND_POSSIBLE');
    expect(w?.namesOnly).toBe(true);
    expect(w?.decidedBand).toBe('MATCH_BAND_POSSIBLE');
    expect(added.possibles.find((p) => p.id === 'x')?.band).toBe(w?.decidedBand);
    expect(names.linksAmong(['x', 'y'])).toEqual([]);
  });

  it('is undefined for a record the index does not hold', () => {
    expect(index.waterfall('a', 'nobody')).toBeUndefined();
  });
});

describe('links among records', () => {
  it('lists each held link between the given records once, strongest first', () => {
    const index = engine.createIndex();
    background.forEach((x, i) => index.add(`bg${i}`, x));
    const r = person('Featherstone', 'Ashcombe', [1970, 5, 6], {
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC', value: '1979/0163001B' }],
    });
    index.add('p1', r);
    index.add('p2', r);
    index.add('p3', { ...r, dateOfBirth: undefined });
    index.add('q', person('Mary', 'Jones', [1975, 1, 1]));
    const links = index.linksAmong(['p3', 'p2', 'p1', 'q', 'unknown']);
    expect(links.map((l) => [l.a, l.b])).toEqual([
      ['p1', 'p2'],
      ['p1', 'p3'],
      ['p2', 'p3'],
    ]);
    expect(links[0]?.score).toBeGreaterThan(links[1]?.score ?? Infinity);
    // Only links between the records asked about.
    expect(index.linksAmong(['p1', 'q']).length).toBe(0);
    expect(index.linksAmong(['p1', 'p3']).map((l) => [l.a, l.b])).toEqual([['p1', 'p3']]);
  });
});
