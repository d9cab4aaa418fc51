import {
  FORCE_CODES,
  generatePersons,
  generateScenario,
  SCENARIOS,
  streamPeople,
} from './person.generator';

describe('synthetic person generator', () => {
  it('is deterministic in its seed', () => {
    const a = generatePersons({ persons: 50, seed: 3 });
    const b = generatePersons({ persons: 50, seed: 3 });
    const c = generatePersons({ persons: 50, seed: 4 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('spreads records over real PNC force codes, with ground truth and unique ids', () => {
    const records = generatePersons({ persons: 300, forces: 4, seed: 1 });
    const forces = new Set(records.map((r) => r.forceCode));
    expect([...forces].every((f) => FORCE_CODES.slice(0, 4).includes(f))).toBe(true);
    expect(forces.size).toBeGreaterThan(1);
    expect(new Set(records.map((r) => r.truthId)).size).toBe(300);
    expect(new Set(records.map((r) => r.record.sourceRecordId)).size).toBe(records.length);
    expect(records.length).toBeGreaterThan(300);
    // PNC IDs on some records only.
    const withPnc = records.filter((r) => r.record.identifiers?.length).length;
    expect(withPnc).toBeGreaterThan(0);
    expect(withPnc).toBeLessThan(records.length);
  });

  it('produces each messy variation in its scenario', () => {
    const missing = generateScenario('missing-dob', { persons: 300, seed: 2 });
    expect(missing.filter((r) => !r.record.dateOfBirth).length / missing.length).toBeGreaterThan(
      0.2,
    );
    const swapped = generateScenario('swapped-names', { persons: 300, seed: 2 });
    const byTruth = new Map<string, string[]>();
    for (const r of swapped)
      byTruth.set(r.truthId, [...(byTruth.get(r.truthId) ?? []), r.record.names[0]?.family ?? '']);
    const firstGiven = new Map(swapped.map((r) => [r.truthId, r.record.names[0]?.given[0]]));
    expect([...byTruth].some(([t, families]) => families.includes(firstGiven.get(t) ?? '?'))).toBe(
      true,
    );
    const common = generateScenario('common-names', { persons: 300, seed: 2 });
    const smiths = common.filter((r) =>
      ['Smith', 'SMITH'].includes(r.record.names[0]?.family ?? ''),
    ).length;
    expect(smiths / common.length).toBeGreaterThan(0.1);
    expect(Object.keys(SCENARIOS)).toEqual(
      expect.arrayContaining([
        'baseline',
        'common-names',
        'nicknames',
        'swapped-names',
        'missing-dob',
        'transposed-dates',
        'chaining',
      ]),
    );
  });
});

describe('streamed people', () => {
  it('given the same options, then the stream is generatePersons, one array per person', () => {
    const opts = { persons: 300, forces: 4, seed: 9, profile: { extraRecords: 0.5 } };
    const people = [...streamPeople(opts)];
    expect(people.flat()).toEqual(generatePersons(opts));
    expect(people).toHaveLength(300);
    expect(people.every((p) => p.every((g) => g.truthId === p[0]?.truthId))).toBe(true);
  });
});
