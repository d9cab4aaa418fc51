import { changesSince, ReplayRefused } from './index-replay';

const commit = (seq: number, over: Partial<Parameters<typeof changesSince>[0][number]> = {}) => ({
  seq,
  full: false,
  constraints: false,
  members: [],
  persons: [],
  ...over,
});

describe('changesSince', () => {
  it('given the commits after the watermark, then what they changed, in one', () => {
    const c = changesSince(
      [
        commit(8, { members: ['36:a', '01:b'], persons: ['p1'] }),
        commit(9, { members: ['36:a', '46:c'], constraints: true }),
      ],
      7,
    );
    expect([...c.members].sort()).toEqual(['01:b', '36:a', '46:c']);
    expect([...c.persons]).toEqual(['p1']);
    expect(c.constraints).toBe(true);
    expect(changesSince([], 7)).toEqual({
      members: new Set(),
      persons: new Set(),
      constraints: false,
    });
  });

  it('given a rebuild among them, or commits no longer listed, then the replay is refused', () => {
    expect(() => changesSince([commit(8), commit(9, { full: true })], 7)).toThrow(ReplayRefused);
    expect(() => changesSince([commit(9), commit(10)], 7)).toThrow(/commit 8 is no longer listed/);
  });
});
