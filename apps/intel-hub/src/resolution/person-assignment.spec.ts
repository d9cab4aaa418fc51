import { assignPersons, type CurrentPersons } from './person-assignment';

function current(members: Record<string, string[]>): CurrentPersons {
  const personOf = new Map<string, string>();
  for (const [p, ms] of Object.entries(members)) for (const m of ms) personOf.set(m, p);
  const order = Object.keys(members);
  let n = 0;
  return {
    personOf: (m) => personOf.get(m),
    ageOf: (p) => order.indexOf(p),
    membersOf: (p) => members[p] ?? [],
    newId: () => `new${++n}`,
  };
}

describe('assignPersons (stable national person ids)', () => {
  it('gives a new cluster a new id', () => {
    const a = assignPersons([['36:a']], [], current({}));
    expect(a.created).toEqual([{ personId: 'new1', splitFrom: undefined }]);
    expect(a.assign.get('36:a')).toBe('new1');
  });

  it('a record joining a person takes its id and changes nothing else', () => {
    const a = assignPersons([['36:a', '01:b']], [], current({ P: ['36:a'] }));
    expect(a.created).toEqual([]);
    expect([...a.assign]).toEqual([['01:b', 'P']]);
  });

  it('a merge keeps the older id and records the merge', () => {
    const a = assignPersons([['36:a', '01:b']], [], current({ OLD: ['36:a'], YOUNG: ['01:b'] }));
    expect(a.merged).toEqual([{ from: 'YOUNG', into: 'OLD' }]);
    expect(a.assign.get('01:b')).toBe('OLD');
  });

  it('a split keeps the id on the larger part and records the other as split from it', () => {
    const a = assignPersons(
      [['36:a', '01:b'], ['46:c']],
      [],
      current({ P: ['36:a', '01:b', '46:c'] }),
    );
    expect(a.created).toEqual([{ personId: 'new1', splitFrom: 'P' }]);
    expect(a.assign.get('46:c')).toBe('new1');
    expect(a.assign.has('36:a')).toBe(false);
    expect(a.merged).toEqual([]);
  });

  it('withdrawing the last record retires the person; withdrawing one of several does not', () => {
    expect(assignPersons([], ['36:a'], current({ P: ['36:a'] })).retired).toEqual(['P']);
    const a = assignPersons([['01:b']], ['36:a'], current({ P: ['36:a', '01:b'] }));
    expect(a.retired).toEqual([]);
    expect(a.unassign).toEqual(['36:a']);
  });

  it('is unchanged when the clusters already match the persons', () => {
    const a = assignPersons([['36:a', '01:b']], [], current({ P: ['36:a', '01:b'] }));
    expect(a.assign.size + a.created.length + a.merged.length + a.retired.length).toBe(0);
  });
});
