import fc from 'fast-check';
import { planLinks, type LinkGroup, type LinkItem } from './link-plan';

const item = (index: number, keys: string[], currentNominalId?: string): LinkItem => ({
  index,
  keys,
  currentNominalId,
});

const NO_NOMINALS = new Map<string, string[]>();
const NO_DATES = new Map<string, number>();

/** Groups as sorted item lists, order-insensitive, for comparing partitions. */
const partition = (groups: LinkGroup[]) => groups.map((g) => g.items).sort((a, b) => a[0]! - b[0]!);

describe('planLinks', () => {
  it('given no items, then there are no groups', () => {
    expect(planLinks([], NO_NOMINALS, NO_DATES)).toEqual([]);
  });

  it('given records with no keys, then each stays alone and touches no nominal', () => {
    expect(planLinks([item(0, []), item(1, []), item(2, [])], NO_NOMINALS, NO_DATES)).toEqual([
      { items: [0], nominals: [] },
      { items: [1], nominals: [] },
      { items: [2], nominals: [] },
    ]);
  });

  it('given two records sharing a key, then they form one new group', () => {
    expect(
      planLinks(
        [
          item(0, ['pnc:1979/0163001B']),
          item(1, ['email:a@b.com']),
          item(2, ['pnc:1979/0163001B']),
        ],
        NO_NOMINALS,
        NO_DATES,
      ),
    ).toEqual([
      { items: [0, 2], nominals: [] },
      { items: [1], nominals: [] },
    ]);
  });

  it('given a record whose key an existing nominal holds, then the group names that nominal', () => {
    const nominalsByKey = new Map([['email:a@b.com', ['N1']]]);

    expect(planLinks([item(0, ['email:a@b.com'])], nominalsByKey, new Map([['N1', 100]]))).toEqual([
      { items: [0], nominals: ['N1'] },
    ]);
  });

  it('given a group touching two existing nominals, then they are listed oldest first', () => {
    const nominalsByKey = new Map([
      ['pnc:X', ['N-new']],
      ['email:a@b.com', ['N-old']],
    ]);
    const createdAt = new Map([
      ['N-new', 2_000],
      ['N-old', 1_000],
    ]);

    const groups = planLinks([item(0, ['pnc:X', 'email:a@b.com'])], nominalsByKey, createdAt);

    expect(groups).toEqual([{ items: [0], nominals: ['N-old', 'N-new'] }]);
  });

  it('given one key held by several nominals, then all are listed oldest first', () => {
    const nominalsByKey = new Map([['phone:+447700900123', ['N3', 'N1', 'N2']]]);
    const createdAt = new Map([
      ['N1', 30],
      ['N2', 10],
      ['N3', 20],
    ]);

    expect(
      planLinks([item(0, ['phone:+447700900123'])], nominalsByKey, createdAt)[0]?.nominals,
    ).toEqual(['N2', 'N3', 'N1']);
  });

  it('given two nominals created at the same instant, then the order falls back to the id', () => {
    const nominalsByKey = new Map([['k', ['N-b', 'N-a']]]);
    const createdAt = new Map([
      ['N-a', 5],
      ['N-b', 5],
    ]);

    expect(planLinks([item(0, ['k'])], nominalsByKey, createdAt)[0]?.nominals).toEqual([
      'N-a',
      'N-b',
    ]);
  });

  it('given two records reaching the same nominal through different keys, then they join one group', () => {
    const nominalsByKey = new Map([
      ['k1', ['N1']],
      ['k2', ['N1']],
    ]);

    expect(
      planLinks([item(0, ['k1']), item(1, ['k2'])], nominalsByKey, new Map([['N1', 1]])),
    ).toEqual([{ items: [0, 1], nominals: ['N1'] }]);
  });

  describe('changed records', () => {
    it('given a changed record with no keys, then it stays with its current nominal', () => {
      expect(planLinks([item(0, [], 'N1')], NO_NOMINALS, new Map([['N1', 1]]))).toEqual([
        { items: [0], nominals: ['N1'] },
      ]);
    });

    it('given two changed records of one nominal sharing no key, then they stay together', () => {
      expect(
        planLinks(
          [item(0, ['k1'], 'N1'), item(1, ['k2'], 'N1')],
          NO_NOMINALS,
          new Map([['N1', 1]]),
        ),
      ).toEqual([{ items: [0, 1], nominals: ['N1'] }]);
    });

    it('given a changed record that now shares a key with an older nominal, then both nominals are listed, the older first', () => {
      const nominalsByKey = new Map([['pnc:X', ['N-old']]]);
      const createdAt = new Map([
        ['N-current', 2_000],
        ['N-old', 1_000],
      ]);

      expect(planLinks([item(0, ['pnc:X'], 'N-current')], nominalsByKey, createdAt)).toEqual([
        { items: [0], nominals: ['N-old', 'N-current'] },
      ]);
    });

    it("given a new record sharing a key with a changed record's nominal, then it joins that nominal", () => {
      const nominalsByKey = new Map([['email:a@b.com', ['N1']]]);

      expect(
        planLinks(
          [item(0, ['pnc:X'], 'N1'), item(1, ['email:a@b.com'])],
          nominalsByKey,
          new Map([['N1', 1]]),
        ),
      ).toEqual([{ items: [0, 1], nominals: ['N1'] }]);
    });
  });

  describe('transitive chains inside a chunk', () => {
    it('given A~B by one key and B~C by another, then A, B and C are one group', () => {
      const groups = planLinks(
        [
          item(0, ['k1']),
          item(1, ['k1', 'k2']),
          item(2, ['k2', 'k3']),
          item(3, ['k3']),
          item(4, ['k9']),
        ],
        NO_NOMINALS,
        NO_DATES,
      );

      expect(groups).toEqual([
        { items: [0, 1, 2, 3], nominals: [] },
        { items: [4], nominals: [] },
      ]);
    });

    it('given a chain whose ends were seen first, then the bridge still joins them', () => {
      // 0 and 1 share nothing until 2 arrives carrying both their keys.
      const groups = planLinks(
        [item(0, ['k1']), item(1, ['k2']), item(2, ['k2', 'k1'])],
        NO_NOMINALS,
        NO_DATES,
      );

      expect(partition(groups)).toEqual([[0, 1, 2]]);
    });

    it('given a chain through two nominals, then the group lists both, oldest first', () => {
      const nominalsByKey = new Map([
        ['k1', ['N2']],
        ['k3', ['N1']],
      ]);
      const createdAt = new Map([
        ['N1', 1],
        ['N2', 2],
      ]);

      expect(
        planLinks([item(0, ['k1', 'k2']), item(1, ['k2', 'k3'])], nominalsByKey, createdAt),
      ).toEqual([{ items: [0, 1], nominals: ['N1', 'N2'] }]);
    });
  });

  describe('properties', () => {
    const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
    const NOMINALS = ['N0', 'N1', 'N2', 'N3', 'N4'];

    const chunk = fc
      .array(
        fc.record({
          keys: fc.subarray(KEYS, { maxLength: 3 }),
          currentNominalId: fc.option(fc.constantFrom(...NOMINALS), { nil: undefined }),
        }),
        { maxLength: 12 },
      )
      .map((xs) => xs.map((x, index) => item(index, x.keys, x.currentNominalId)));
    const index = fc
      .array(
        fc.tuple(fc.constantFrom(...KEYS), fc.subarray(NOMINALS, { minLength: 1, maxLength: 2 })),
        { maxLength: 5 },
      )
      .map((entries) => new Map(entries));
    const dates = fc
      .array(fc.integer({ min: 0, max: 3 }), {
        minLength: NOMINALS.length,
        maxLength: NOMINALS.length,
      })
      .map((ts) => new Map(NOMINALS.map((n, i) => [n, ts[i]!])));

    /** The nominals an item touches directly. */
    const touched = (it: LinkItem, byKey: ReadonlyMap<string, readonly string[]>): string[] => [
      ...(it.currentNominalId ? [it.currentNominalId] : []),
      ...it.keys.flatMap((k) => byKey.get(k) ?? []),
    ];

    it('every item appears in exactly one group, and items sharing any key are in the same group', () => {
      fc.assert(
        fc.property(chunk, index, dates, (items, byKey, createdAt) => {
          const groups = planLinks(items, byKey, createdAt);
          const groupOf = new Map<number, number>();
          groups.forEach((g, gi) =>
            g.items.forEach((i) => {
              expect(groupOf.has(i)).toBe(false);
              groupOf.set(i, gi);
            }),
          );
          expect([...groupOf.keys()].sort((a, b) => a - b)).toEqual(items.map((i) => i.index));
          for (const a of items)
            for (const b of items)
              if (a.keys.some((k) => b.keys.includes(k)))
                expect(groupOf.get(a.index)).toBe(groupOf.get(b.index));
        }),
      );
    });

    it('groups are exactly the connected components over shared keys and shared nominals', () => {
      fc.assert(
        fc.property(chunk, index, dates, (items, byKey, createdAt) => {
          // Reference: naive flood fill, linking items that share a key or touch a common nominal.
          const linked = (a: LinkItem, b: LinkItem) =>
            a.keys.some((k) => b.keys.includes(k)) ||
            touched(a, byKey).some((n) => touched(b, byKey).includes(n));
          const seen = new Set<number>();
          const expected: number[][] = [];
          for (const start of items) {
            if (seen.has(start.index)) continue;
            const component: number[] = [];
            const queue = [start];
            seen.add(start.index);
            while (queue.length > 0) {
              const cur = queue.pop()!;
              component.push(cur.index);
              for (const next of items)
                if (!seen.has(next.index) && linked(cur, next)) {
                  seen.add(next.index);
                  queue.push(next);
                }
            }
            expected.push(component.sort((a, b) => a - b));
          }

          expect(partition(planLinks(items, byKey, createdAt))).toEqual(expected);
        }),
      );
    });

    it("each group lists exactly its items' nominals, once, oldest first, and items ascending", () => {
      fc.assert(
        fc.property(chunk, index, dates, (items, byKey, createdAt) => {
          const groups = planLinks(items, byKey, createdAt);
          const allListed = groups.flatMap((g) => g.nominals);
          expect(new Set(allListed).size).toBe(allListed.length);
          for (const g of groups) {
            expect(g.items).toEqual([...g.items].sort((a, b) => a - b));
            const expected = new Set(g.items.flatMap((i) => touched(items[i]!, byKey)));
            expect(new Set(g.nominals)).toEqual(expected);
            for (let i = 1; i < g.nominals.length; i++) {
              const prev = createdAt.get(g.nominals[i - 1]!)!;
              const cur = createdAt.get(g.nominals[i]!)!;
              expect(prev < cur || (prev === cur && g.nominals[i - 1]! < g.nominals[i]!)).toBe(
                true,
              );
            }
          }
        }),
      );
    });
  });
});
