import { F } from '../compare/fields';
import { newComparison, RecordComparator } from '../compare/record.comparator';
import { normaliseRecord } from '../normalise/record.normaliser';
import { tokenId } from '../normalise/token-ids';
import { FellegiSunterScorer, logitBits, probabilityOf } from './fellegi-sunter.scorer';
import { priorParameters } from './match-parameters';
import { TermFrequencies } from './term-frequencies';

describe('Fellegi-Sunter scorer', () => {
  const params = priorParameters();

  it('reads parameters learned before a level was added: it weighs 0, the rest as learned', () => {
    const legacy = {
      ...params,
      fields: {
        ...params.fields,
        address: { m: [0.7, 0.2, 0.03, 0.07], u: [1e-3, 1e-3, 0.05, 0.948] },
      },
    };
    const scorer = new FellegiSunterScorer(legacy);
    const weight = (level: number): number => {
      const c = newComparison();
      c.levels[F.address] = level;
      return scorer.score(c) - scorer.priorBits;
    };
    expect(weight(0)).toBeCloseTo(Math.log2(0.7 / 1e-3), 9);
    expect(weight(1)).toBeCloseTo(Math.log2(0.2 / 1e-3), 9);
    expect(weight(2)).toBe(0);
    expect(weight(3)).toBeCloseTo(Math.log2(0.03 / 0.05), 9);
    expect(weight(4)).toBeCloseTo(Math.log2(0.07 / 0.948), 9);
    expect(scorer.parameters.fields.address.m).toHaveLength(5);
    // Date of birth "near" likewise (six levels before).
    const dob = { m: [0.9, 0.01, 0.02, 0.01, 0.01, 0.05], u: [1e-3, 1e-5, 1e-3, 1e-3, 1e-3, 0.99] };
    const oldDob = new FellegiSunterScorer({ ...legacy, fields: { ...legacy.fields, dob } });
    const dobWeight = (level: number): number => {
      const c = newComparison();
      c.levels[F.dob] = level;
      return oldDob.score(c) - oldDob.priorBits;
    };
    expect(dobWeight(5)).toBe(0);
    expect(dobWeight(6)).toBeCloseTo(Math.log2(0.05 / 0.99), 9);
    // Online "similar" likewise.
    const online = { m: [0.8, 0.2], u: [1e-3, 0.999] };
    const old = new FellegiSunterScorer({ ...legacy, fields: { ...legacy.fields, online } });
    const onlineWeight = (level: number): number => {
      const c = newComparison();
      c.levels[F.online] = level;
      return old.score(c) - old.priorBits;
    };
    expect(onlineWeight(0)).toBeCloseTo(Math.log2(0.8 / 1e-3), 9);
    expect(onlineWeight(1)).toBe(0);
    expect(onlineWeight(2)).toBeCloseTo(Math.log2(0.2 / 0.999), 9);
    // Current parameters are used as they are.
    expect(new FellegiSunterScorer(params).parameters).toBe(params);
  });

  it('weighs each level log2(m/u), nulls nothing, and adds the prior', () => {
    const scorer = new FellegiSunterScorer(params);
    const c = newComparison();
    expect(scorer.score(c)).toBeCloseTo(logitBits(params.lambda), 12);
    c.levels[F.sex] = 1;
    const { m, u } = params.fields.sex;
    expect(scorer.score(c) - scorer.priorBits).toBeCloseTo(
      Math.log2((m[1] ?? 0) / (u[1] ?? 1)),
      12,
    );
    const explained = scorer.explain(c);
    expect(explained.explanation.find((e) => e.field === 'sex')).toMatchObject({
      level: 'different',
    });
    expect(explained.explanation.find((e) => e.field === 'dob')).toMatchObject({
      level: 'null',
      weight: 0,
    });
  });

  it('never weighs better agreement below worse, nor agreement below zero', () => {
    const p = priorParameters();
    // A perverse estimate: the second level looks better than the first.
    p.fields.given.m = [0.01, 0.9, 0.02, 0.02, 0.02, 0.02, 0.01];
    const scorer = new FellegiSunterScorer(p);
    for (const w of scorer.weights) {
      for (let l = 1; l < w.length; l++) expect(w[l - 1]).toBeGreaterThanOrEqual(w[l] ?? 0);
      expect(w[0]).toBeGreaterThanOrEqual(0);
    }
  });

  it('counts agreement on a common surname for less than on a rare one (term frequencies)', () => {
    const tf = new TermFrequencies();
    for (let i = 0; i < 200; i++)
      tf.add(normaliseRecord({ names: [{ given: ['A'], family: 'Smith' }] }));
    tf.add(normaliseRecord({ names: [{ given: ['A'], family: 'Featherstonehaugh' }] }));
    tf.add(normaliseRecord({ names: [{ given: ['A'], family: 'Featherstonehaugh' }] }));
    for (let i = 0; i < 800; i++)
      tf.add(normaliseRecord({ names: [{ given: ['A'], family: `Other${i}` }] }));
    const scorer = new FellegiSunterScorer(params, tf);
    const weightOf = (family: string): number => {
      const c = newComparison();
      c.levels[F.family] = 0;
      c.tfValues[F.family] = tokenId(family);
      return scorer.fieldWeight(c, F.family);
    };
    expect(weightOf('featherstonehaugh')).toBeGreaterThan(weightOf('smith') + 5);
    // Still agreement: never below the next level's weight.
    expect(weightOf('smith')).toBeGreaterThanOrEqual(scorer.weights[F.family]?.[1] ?? 0);
  });

  it('weighs a lone name in the other slot by how common the name is, in either slot', () => {
    const tf = new TermFrequencies();
    // "Moore" is a common family name and given name; "Quennell" is held by one record.
    for (let i = 0; i < 350; i++)
      tf.add(normaliseRecord({ names: [{ given: [`G${i}`], family: 'Moore' }] }));
    for (let i = 0; i < 150; i++)
      tf.add(normaliseRecord({ names: [{ given: ['Moore'], family: `F${i}` }] }));
    tf.add(normaliseRecord({ names: [{ given: ['Ada'], family: 'Quennell' }] }));
    for (let i = 0; i < 500; i++)
      tf.add(normaliseRecord({ names: [{ given: [`H${i}`], family: `Other${i}` }] }));
    const scorer = new FellegiSunterScorer(params, tf);
    const comparator = new RecordComparator();
    const crossWeight = (name: string, family: string): number => {
      const c = comparator.compare(
        normaliseRecord({ names: [{ given: [name], family: '' }] }),
        normaliseRecord({ names: [{ given: ['Zed'], family }] }),
      );
      expect(c.levels[F.family]).toBe(0);
      expect(c.crossSlot).toBe(true);
      return scorer.fieldWeight(c, F.family);
    };
    const common = crossWeight('Moore', 'Moore');
    const rare = crossWeight('Quennell', 'Quennell');
    // log2(m / (500 / 1001)) against log2(m / (1 / 1001)).
    expect(rare - common).toBeCloseTo(Math.log2(500), 6);
    // Not held up by the next level's weight: a common name alone is weak evidence.
    expect(common).toBeLessThan(scorer.weights[F.family]?.[1] ?? 0);
    expect(common).toBeGreaterThanOrEqual(0);
  });

  it('weighs a town shared by many records for less than a small one, between its neighbours', () => {
    const tf = new TermFrequencies();
    const at = (town: string): Parameters<typeof normaliseRecord>[0] => ({
      names: [{ given: ['A'], family: 'B' }],
      addresses: [{ line: '', town, postcode: '' }],
    });
    for (let i = 0; i < 300; i++) tf.add(normaliseRecord(at('London')));
    tf.add(normaliseRecord(at('Wymondham')));
    for (let i = 0; i < 700; i++) tf.add(normaliseRecord(at(`Town${i % 100}`)));
    const p = priorParameters();
    p.fields.address.m = [0.6, 0.2, 0.1, 0.05, 0.05];
    p.fields.address.u = [1e-4, 1e-4, 1e-3, 1e-2, 0.9889];
    const scorer = new FellegiSunterScorer(p, tf);
    const comparator = new RecordComparator();
    const townWeight = (town: string): number => {
      const c = comparator.compare(
        normaliseRecord(at(town)),
        normaliseRecord({
          ...at(town),
          addresses: [{ line: '12 High Street', town, postcode: '' }],
        }),
      );
      expect(c.levels[F.address]).toBe(2);
      return scorer.fieldWeight(c, F.address);
    };
    const w = scorer.weights[F.address] as Float64Array;
    const [london, village, average] = [
      townWeight('London'),
      townWeight('Wymondham'),
      townWeight('Town7'),
    ];
    expect(london).toBeLessThan(w[2] ?? 0);
    expect(village).toBeGreaterThan(london);
    for (const x of [london, village, average]) {
      expect(x).toBeLessThanOrEqual(w[1] ?? 0);
      expect(x).toBeGreaterThanOrEqual(w[3] ?? 0);
    }
    // log2(Σp² / p): London (p = 0.3) against a town of 7 records.
    expect(average - london).toBeCloseTo(Math.log2(300 / 7), 6);
  });

  it('bands by posterior probability', () => {
    const scorer = new FellegiSunterScorer(params);
    expect(scorer.band(logitBits(0.9999))).toBe('MATCH_BAND_CERTAIN');
    expect(scorer.band(logitBits(0.9))).toBe('MATCH_BAND_PROBABLE');
    expect(scorer.band(logitBits(0.2))).toBe('MATCH_BAND_POSSIBLE');
    expect(scorer.band(logitBits(0.01))).toBeUndefined();
    expect(probabilityOf(0)).toBeCloseTo(0.5, 12);
  });
});
