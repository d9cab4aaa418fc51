import type { HeldLink } from '@intel/matching';
import { member } from '../../../test/explain.fixture';
import type { MemberView } from '../../flags/derive-flags';
import { linksFor } from './link-list';

const records = new Map<string, MemberView>([
  ['46:a', member('46', 'a')],
  ['01:b', member('01', 'b')],
  ['36:c', member('36', 'c', { code: 'C' })],
  ['36:d', member('36', 'd', { code: 'C' })],
]);
const link = (a: string, b: string, score: number): HeldLink => ({
  a,
  b,
  score,
  band: score > 10 ? 'MATCH_BAND_CERTAIN' : 'MATCH_BAND_PROBABLE',
});
const links = [
  link('46:a', '01:b', 12),
  link('01:b', '36:c', 8),
  link('36:c', '36:d', 20),
  link('46:a', '36:d', 3),
];

describe('links of a person: records × recipients', () => {
  it('another force gets links between records it may see, and one hit per holding force', () => {
    expect(linksFor('46', links, (k) => records.get(k))).toEqual([
      {
        a: { forceCode: '46', nominalId: 'a' },
        b: { forceCode: '01', nominalId: 'b' },
        score: 12,
        band: 'CERTAIN',
      },
      {
        a: {
          hitOnly: true,
          forceCode: '36',
          forceName: expect.any(String) as string,
          contact: expect.stringContaining('Force Intelligence Bureau') as string,
        },
        b: null,
        score: null,
        band: null,
      },
    ]);
    const text = JSON.stringify(linksFor('01', links, (k) => records.get(k)));
    expect(text).not.toMatch(/"c"|"d"|\b8\b|\b20\b|\b3\b/);
  });

  it('the owner of the C records gets every link with its score', () => {
    const all = linksFor('36', links, (k) => records.get(k));
    expect(all.map((l) => [l.score, l.band])).toEqual([
      [12, 'CERTAIN'],
      [8, 'PROBABLE'],
      [20, 'CERTAIN'],
      [3, 'PROBABLE'],
    ]);
    expect(all.some((l) => 'hitOnly' in l.a)).toBe(false);
  });

  it('treats a record whose state is not at hand as restricted', () => {
    const l = linksFor('46', [link('46:a', '01:gone', 9)], (k) => records.get(k));
    expect(l).toEqual([expect.objectContaining({ b: null, score: null, band: null })]);
  });
});
