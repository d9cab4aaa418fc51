import { createHash } from 'node:crypto';
import {
  generatePersons,
  generateScenario,
  HEAVY_PROFILE,
  SCENARIOS,
  streamPeople,
  type CorruptionProfile,
  type GeneratedRecord,
  type PersonRecordJson,
  type ScenarioName,
} from './person.generator';
import { RARE_TITLES, TITLES } from './uk-reference.data';

/** A person's clean (first) record and its variant records, per person. */
function people(profile: Partial<CorruptionProfile>, persons = 3000, seed = 11) {
  return [...streamPeople({ persons, seed, profile })].map((rs) => ({
    clean: (rs[0] as GeneratedRecord).record,
    variants: rs.slice(1).map((r) => r.record),
    count: rs.length,
  }));
}

const variantsOf = (ps: ReturnType<typeof people>): PersonRecordJson[] =>
  ps.flatMap((p) => p.variants);

const share = <T>(xs: readonly T[], test: (x: T) => boolean): number =>
  xs.filter(test).length / xs.length;

const name0 = (r: PersonRecordJson) =>
  r.names[0] ?? { given: [] as string[], family: '', type: '' };

describe('heavy-corruption profile', () => {
  it('is deterministic in its seed', () => {
    const a = generateScenario('heavy', { persons: 200, seed: 5 });
    expect(JSON.stringify(generateScenario('heavy', { persons: 200, seed: 5 }))).toBe(
      JSON.stringify(a),
    );
    expect(JSON.stringify(generateScenario('heavy', { persons: 200, seed: 6 }))).not.toBe(
      JSON.stringify(a),
    );
    expect(SCENARIOS.heavy).toBe(HEAVY_PROFILE);
  });

  it('leaves every other scenario record for record as before (its variations draw nothing at 0)', () => {
    // SHA-256 (first 16 hex digits) of each scenario's records, 200 persons, seed 1, as generated
    // before the heavy profile existed: eval-matching's figures for these sets stay comparable.
    const before: Record<string, string> = {
      baseline: '91302d11eb3589c3',
      'common-names': 'e5a79d79b8dce9bb',
      nicknames: 'd577f3440ee1552f',
      'swapped-names': '8a433b487189f45b',
      'missing-dob': 'fbc41bce23819561',
      'transposed-dates': '7670aabd4818ae77',
      chaining: 'acb8ec862957ed78',
    };
    for (const [name, hash] of Object.entries(before)) {
      const records = generateScenario(name as ScenarioName, { persons: 200, seed: 1 });
      const h = createHash('sha256').update(JSON.stringify(records)).digest('hex').slice(0, 16);
      expect([name, h]).toEqual([name, hash]);
    }
  });

  it('drops one of the two names at its rate, the other sometimes in the wrong slot', () => {
    const ps = people({ oneName: 0.3, oneNameOtherSlot: 0.5, nameTypo: 0, title: 0, nickname: 0 });
    const oneName = (r: PersonRecordJson) =>
      (name0(r).given.length === 0) !== (name0(r).family === '');
    expect(share(variantsOf(ps), oneName)).toBeCloseTo(0.3, 1);
    const wrongSlot = ps.flatMap((p) =>
      p.variants.filter(oneName).map((r) => {
        const n = name0(r);
        const c = name0(p.clean);
        return n.family === ''
          ? (n.given[0] ?? '').toLowerCase() === c.family.toLowerCase()
          : n.family.toLowerCase() === (c.given[0] ?? '').toLowerCase();
      }),
    );
    expect(share(wrongSlot, (x) => x)).toBeGreaterThan(0.42);
    expect(share(wrongSlot, (x) => x)).toBeLessThan(0.55);
  });

  it('damages two or three components of a date of birth at its rate', () => {
    const ps = people({
      dobMultiWrong: 0.2,
      dobMissing: 0,
      dobYearOnly: 0,
      dobTypo: 0,
      dobTransposed: 0,
    });
    const wrong = ps.flatMap((p) =>
      p.variants.map((r) => {
        const a = p.clean.dateOfBirth;
        const b = r.dateOfBirth;
        return [a?.year !== b?.year, a?.month !== b?.month, a?.day !== b?.day].filter((x) => x)
          .length;
      }),
    );
    expect(wrong.every((w) => w === 0 || w >= 2)).toBe(true);
    expect(share(wrong, (w) => w >= 2)).toBeGreaterThan(0.17);
    expect(share(wrong, (w) => w >= 2)).toBeLessThan(0.23);
    expect(share(wrong, (w) => w === 3)).toBeGreaterThan(0.03);
  });

  it('mistypes e-mails and usernames at its rate: l/1 and o/0 confusions, separators, domains', () => {
    const ps = people({ onlineTypo: 0.3, onlineShown: 1, separatedHandles: 0.5, onlineShared: 0 });
    const pairs = ps.flatMap((p) =>
      p.variants.flatMap((r) =>
        (r.onlineIdentifiers ?? [])
          .filter((o) => o.kind !== 'ONLINE_IDENTIFIER_KIND_PHONE')
          .map((o) => ({
            clean: p.clean.onlineIdentifiers?.find((c) => c.kind === o.kind)?.value ?? '',
            value: o.value,
          })),
      ),
    );
    const typos = pairs.filter((x) => x.value !== x.clean);
    expect(typos.length / pairs.length).toBeGreaterThan(0.27);
    expect(typos.length / pairs.length).toBeLessThan(0.33);
    const swapped = (from: string, to: string) =>
      typos.some(
        (t) =>
          t.value.length === t.clean.length &&
          [...t.value].some((c, i) => c === to && t.clean[i] === from),
      );
    expect(swapped('l', '1') && swapped('o', '0')).toBe(true);
    const strip = (s: string) => s.replace(/[._-]/g, '');
    expect(typos.some((t) => strip(t.value) === strip(t.clean))).toBe(true);
    const domain = (s: string) => s.slice(s.indexOf('@') + 1);
    expect(typos.some((t) => t.clean.includes('@') && domain(t.value) !== domain(t.clean))).toBe(
      true,
    );
  });

  it('mistypes towns and reduces addresses to a town at their rates', () => {
    const ps = people({ townTypo: 0.3, townOnly: 0.4, addressMissing: 0, addressMoved: 0 });
    const pairs = ps.flatMap((p) =>
      p.variants.map((r) => ({ clean: p.clean.addresses?.[0], a: r.addresses?.[0] })),
    );
    expect(share(pairs, (x) => x.a?.town !== x.clean?.town)).toBeGreaterThan(0.26);
    expect(share(pairs, (x) => x.a?.town !== x.clean?.town)).toBeLessThan(0.33);
    const townOnly = share(pairs, (x) => x.a?.line === '' && x.a.postcode === '');
    expect(townOnly).toBeGreaterThan(0.37);
    expect(townOnly).toBeLessThan(0.43);
  });

  it('gives a share of people 5–10 records', () => {
    const ps = people({ manyRecords: 0.2, extraRecords: 0 });
    expect(ps.every((p) => p.count === 1 || (p.count >= 5 && p.count <= 10))).toBe(true);
    expect(share(ps, (p) => p.count >= 5)).toBeGreaterThan(0.17);
    expect(share(ps, (p) => p.count >= 5)).toBeLessThan(0.23);
    expect(new Set(ps.map((p) => p.count)).size).toBe(7);
  });

  it('names a share of people by their middle name', () => {
    const ps = people({ knownByMiddle: 0.2, manyRecords: 1, nickname: 0, nameTypo: 0, title: 0 });
    const byMiddle = share(ps, (p) =>
      p.variants.some(
        (r) => (name0(r).given[0] ?? '?') === name0(p.clean).given[1] && name0(r).given.length < 2,
      ),
    );
    expect(byMiddle).toBeGreaterThan(0.16);
    expect(byMiddle).toBeLessThan(0.24);
  });

  it('uses rare titles for its share of titled records', () => {
    const records = generatePersons({
      persons: 3000,
      seed: 11,
      profile: { title: 0.3, rareTitle: 0.5 },
    });
    const titles = records
      .map((r) => name0(r.record).given[0] ?? '')
      .filter((g) => TITLES.includes(g) || RARE_TITLES.includes(g));
    expect(titles.length / records.length).toBeGreaterThan(0.27);
    expect(share(titles, (t) => RARE_TITLES.includes(t))).toBeGreaterThan(0.46);
    expect(share(titles, (t) => RARE_TITLES.includes(t))).toBeLessThan(0.54);
  });

  it('leaves a share of records with one name and at most one other field', () => {
    const ps = people({ sparse: 0.2 });
    const sparse = (r: PersonRecordJson) => {
      const oneName = name0(r).given.length === 0 || name0(r).family === '';
      const others = [r.dateOfBirth, r.addresses, r.onlineIdentifiers, r.identifiers].filter(
        (x) => x !== undefined,
      ).length;
      return oneName && r.names.length === 1 && others <= 1;
    };
    expect(share(variantsOf(ps), sparse)).toBeGreaterThan(0.17);
    expect(share(variantsOf(ps), sparse)).toBeLessThan(0.23);
    expect(ps.every((p) => !sparse(p.clean))).toBe(true);
  });

  it('mixes every pattern in the heavy set, keeping each person’s first record whole', () => {
    const ps = people(HEAVY_PROFILE, 2000, 7);
    const v = variantsOf(ps);
    // Most variants are damaged somewhere; the clean records carry both names and a full date.
    expect(ps.every((p) => name0(p.clean).family !== '' && p.clean.dateOfBirth?.day)).toBe(true);
    expect(share(v, (r) => !r.dateOfBirth)).toBeGreaterThan(0.25);
    expect(share(v, (r) => name0(r).given.length === 0 || name0(r).family === '')).toBeGreaterThan(
      0.25,
    );
    expect(share(ps, (p) => p.count >= 5)).toBeGreaterThan(0.15);
  });
});
