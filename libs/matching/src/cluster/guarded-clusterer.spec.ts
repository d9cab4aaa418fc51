import { GuardedClusterer, type CrossPair } from './guarded-clusterer';

/** Two groups {0..4} and {5..9}: strong within, strongly against across — except one edge. */
const score = (a: number, b: number): CrossPair =>
  a < 5 === b < 5 ? { score: 20, contradicts: false } : { score: -20, contradicts: true };

describe('guarded clusterer', () => {
  it('refuses the single wrong edge that connected components would chain on', () => {
    const c = new GuardedClusterer(10, { pair: score, linkBits: 0 });
    for (let i = 1; i < 5; i++) c.offer(0, i);
    for (let i = 6; i < 10; i++) c.offer(5, i);
    expect(c.offer(4, 5)).toBe(false);
    expect(c.find(4)).not.toBe(c.find(5));
    expect(c.refusals).toBe(1);
  });

  it('without the guard (threshold −∞) it chains, as plain components do', () => {
    const c = new GuardedClusterer(10, { pair: score, linkBits: -Infinity });
    for (let i = 1; i < 5; i++) c.offer(0, i);
    for (let i = 6; i < 10; i++) c.offer(5, i);
    expect(c.offer(4, 5)).toBe(true);
  });

  // A full cluster {0, 1, 2} and a sparse record 3 (a name and a phone number) linked to 0 by
  // the phone: against 1 and 2 it has nothing but the name to compare, so those pairs score
  // low — for want of evidence, not because anything conflicts.
  const sparse = (a: number, b: number): CrossPair => {
    const [x, y] = a < b ? [a, b] : [b, a];
    if (y < 3) return { score: 25, contradicts: false };
    return { score: x === 0 ? 2 : -10, contradicts: false };
  };

  it('accepts a sparse record whose low cross scores are missing evidence', () => {
    const c = new GuardedClusterer(4, { pair: sparse, linkBits: 0 });
    c.offer(0, 1);
    c.offer(0, 2);
    expect(c.offer(0, 3)).toBe(true);
    expect(c.membersOf(c.find(3))).toHaveLength(4);
    expect(c.refusals).toBe(0);
  });

  it('refuses the same merge when one cross pair contradicts and the mean is below the link', () => {
    const conflicting = (a: number, b: number): CrossPair => {
      const p = sparse(a, b);
      return Math.max(a, b) === 3 && Math.min(a, b) === 2 ? { ...p, contradicts: true } : p;
    };
    const c = new GuardedClusterer(4, { pair: conflicting, linkBits: 0 });
    c.offer(0, 1);
    c.offer(0, 2);
    expect(c.offer(0, 3)).toBe(false);
    expect(c.refusals).toBe(1);
  });

  it('accepts a contradicted merge when the cross pairs still agree on average', () => {
    const outweighed = (a: number, b: number): CrossPair => {
      const p = sparse(a, b);
      return Math.max(a, b) === 3 ? { score: Math.min(a, b) === 0 ? 30 : 5, contradicts: true } : p;
    };
    const c = new GuardedClusterer(4, { pair: outweighed, linkBits: 0 });
    c.offer(0, 1);
    c.offer(0, 2);
    expect(c.offer(0, 3)).toBe(true);
  });

  it('a must-link joins clusters, not evidence: the guard still tests links on the records links joined', () => {
    // 0 and 1 link; 2 is a damaged record an analyst joined to 0, and it conflicts with 1.
    const pair = (a: number, b: number): CrossPair =>
      (a === 1 && b === 2) || (a === 2 && b === 1)
        ? { score: -20, contradicts: true }
        : { score: 5, contradicts: false };
    const c = new GuardedClusterer(3, { pair, linkBits: 0 });
    expect(c.forceLink(0, 2)).toBe(true);
    expect(c.offer(0, 1)).toBe(true);
    expect(c.find(1)).toBe(c.find(2));
    expect([...c.membersOf(c.find(0))].sort()).toEqual([0, 1, 2]);
    // A cannot-link still holds across a must-link: 3 may not join 0's cluster through 2.
    const d = new GuardedClusterer(4, { pair, linkBits: 0 });
    d.addCannotLink(0, 3);
    d.forceLink(0, 2);
    expect(d.offer(2, 3)).toBe(false);
    expect(d.find(3)).not.toBe(d.find(0));
  });

  it('honours must-link and cannot-link decisions', () => {
    const c = new GuardedClusterer(4, {
      pair: () => ({ score: 10, contradicts: false }),
      linkBits: 0,
    });
    c.addCannotLink(0, 3);
    c.offer(0, 1);
    c.offer(2, 3);
    expect(c.offer(1, 2)).toBe(false);
    expect(c.forceLink(0, 3)).toBe(false);
    const d = new GuardedClusterer(2, {
      pair: () => ({ score: -50, contradicts: true }),
      linkBits: 0,
    });
    expect(d.forceLink(0, 1)).toBe(true);
    expect(d.find(0)).toBe(d.find(1));
  });
});
