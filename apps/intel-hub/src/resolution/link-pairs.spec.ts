import { uniqueLinks, type StoredLink } from './link-pairs';

const link = (a: string, b: string, score: number): StoredLink => ({
  a,
  b,
  score,
  band: 'MATCH_BAND_CERTAIN',
  explanation: [],
});

describe('uniqueLinks', () => {
  it('writes a pair reported from both ends once, in canonical order, the later report winning', () => {
    const out = uniqueLinks([link('36:a', '01:b', 10), link('01:b', '36:a', 12)]);
    expect(out).toEqual([link('01:b', '36:a', 12)]);
  });

  it('keeps distinct pairs and puts every pair in canonical order', () => {
    const out = uniqueLinks([link('z', 'y', 1), link('x', 'y', 2), link('y', 'z', 3)]);
    expect(out.map((l) => [l.a, l.b, l.score])).toEqual([
      ['x', 'y', 2],
      ['y', 'z', 3],
    ]);
  });

  it('leaves nothing to write twice, whatever the reports', () => {
    const keys = ['01:a', '01:b', '36:c', '46:d'];
    const links: StoredLink[] = [];
    for (let i = 0; i < 50; i++)
      links.push(link(keys[i % 4] as string, keys[(i * 7 + 1) % 4] as string, i));
    const out = uniqueLinks(links.filter((l) => l.a !== l.b));
    const pairs = out.map((l) => `${l.a}|${l.b}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const l of out) expect(l.a < l.b).toBe(true);
  });
});
