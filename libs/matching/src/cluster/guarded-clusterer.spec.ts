import { GuardedClusterer } from './guarded-clusterer';

/** Two groups {0..4} and {5..9}: strong within, strongly against across — except one edge. */
const score = (a: number, b: number): number => (a < 5 === b < 5 ? 20 : -20);

describe('guarded clusterer', () => {
  it('refuses the single wrong edge that connected components would chain on', () => {
    const c = new GuardedClusterer(10, { pairScore: score, linkBits: 0 });
    for (let i = 1; i < 5; i++) c.offer(0, i);
    for (let i = 6; i < 10; i++) c.offer(5, i);
    expect(c.offer(4, 5)).toBe(false);
    expect(c.find(4)).not.toBe(c.find(5));
    expect(c.refusals).toBe(1);
  });

  it('without the guard (threshold −∞) it chains, as plain components do', () => {
    const c = new GuardedClusterer(10, { pairScore: score, linkBits: -Infinity });
    for (let i = 1; i < 5; i++) c.offer(0, i);
    for (let i = 6; i < 10; i++) c.offer(5, i);
    expect(c.offer(4, 5)).toBe(true);
  });

  it('honours must-link and cannot-link decisions', () => {
    const c = new GuardedClusterer(4, { pairScore: () => 10, linkBits: 0 });
    c.addCannotLink(0, 3);
    c.offer(0, 1);
    c.offer(2, 3);
    expect(c.offer(1, 2)).toBe(false);
    expect(c.forceLink(0, 3)).toBe(false);
    const d = new GuardedClusterer(2, { pairScore: () => -50, linkBits: 0 });
    expect(d.forceLink(0, 1)).toBe(true);
    expect(d.find(0)).toBe(d.find(1));
  });
});
