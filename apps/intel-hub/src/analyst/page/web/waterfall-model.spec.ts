import { scaleX, ticks, waterfallModel } from './waterfall-model';

describe('the explanation waterfall', () => {
  const e = {
    prior: -6,
    steps: [
      {
        field: 'given',
        level: 'exact',
        levelWeight: 8,
        tfAdjustment: 0.5,
        weight: 8.5,
        running: 2.5,
      },
      {
        field: 'dob',
        level: 'different',
        levelWeight: -4,
        tfAdjustment: 0,
        weight: -4,
        running: -1.5,
      },
      {
        field: 'online',
        level: 'exact',
        levelWeight: 12,
        tfAdjustment: 0,
        weight: 12,
        running: 10.5,
      },
    ],
    total: 10.5,
    thresholds: { link: 8, possible: 3 },
    band: 'PROBABLE' as const,
  };

  it('runs from the prior through each field to the total', () => {
    const m = waterfallModel(e);
    expect(m.rows.map((r) => [r.kind, r.label, r.from, r.to])).toEqual([
      ['prior', 'Prior', 0, -6],
      ['field', 'given', -6, 2.5],
      ['field', 'dob', 2.5, -1.5],
      ['field', 'online', -1.5, 10.5],
      ['total', 'Total', 0, 10.5],
    ]);
    expect(m.rows[1]).toMatchObject({ weight: 8.5, levelWeight: 8, tfAdjustment: 0.5 });
    expect(m.total).toBe(10.5);
  });

  it('its scale holds every bar, zero and both thresholds', () => {
    const m = waterfallModel(e);
    expect(m.min).toBeLessThanOrEqual(-6);
    expect(m.max).toBeGreaterThanOrEqual(10.5);
    const x = scaleX(m, 500);
    expect(x(m.min)).toBe(0);
    expect(x(m.max)).toBe(500);
    expect(ticks(m)).toContain(0);
  });

  it('computes the running total when the server leaves it out', () => {
    const m = waterfallModel({
      prior: 1,
      steps: [{ field: 'given', level: 'x', levelWeight: 1.5, tfAdjustment: 0.5 } as never],
      total: undefined as never,
      thresholds: undefined as never,
    });
    expect(m.rows[1]).toMatchObject({ from: 1, to: 3 });
    expect(m.total).toBe(3);
  });
});
