import { generatePersons } from '@intel/synthetic';
import type { MatchInput } from '../model/match-input';
import { MatchEngine } from './match-engine';
import type { MatchIndex } from './match-index';

const rec = (
  given: string,
  family: string,
  dob: [number, number, number],
  pnc?: string,
  email?: string,
): MatchInput => ({
  names: [{ given: [given], family }],
  dateOfBirth: { year: dob[0], month: dob[1], day: dob[2] },
  sex: 'SEX_MALE',
  identifiers: pnc ? [{ scheme: 'IDENTIFIER_SCHEME_PNC', value: pnc }] : [],
  onlineIdentifiers: email
    ? [{ kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', platform: '', value: email }]
    : [],
});

describe('MatchIndex (incremental)', () => {
  // Parameters learned on a generated population, and an index that holds that population, so
  // term frequencies are those of a realistic set rather than of three records.
  const background = generatePersons({ persons: 300, seed: 5 }).map((g) => g.record);
  const engine = MatchEngine.train(background);
  const newIndex = (): MatchIndex => {
    const index = engine.createIndex();
    background.forEach((r, i) => index.add(`bg${i}`, r));
    return index;
  };

  it('links a new record to its person and reports the cluster change', () => {
    const index = newIndex();
    index.add('a1', rec('William', 'Featherstone', [1980, 3, 7], '1979/0163001B'));
    index.add('x1', rec('Mary', 'Jones', [1975, 1, 1]));
    const r = index.add('a2', rec('Bill', 'Featherstone', [1980, 7, 3], '79/163001B'));
    expect(r.links.map((l) => l.id)).toContain('a1');
    expect(r.clusterId).toBe('a1');
    expect(index.clusterOf('a2')).toBe('a1');
    expect(index.membersOf('a1').sort()).toEqual(['a1', 'a2']);
    expect(index.candidates(rec('William', 'Featherstone', [1980, 3, 7]))).toContain('a1');
    expect(index.match(rec('William', 'Featherstone', [1980, 3, 7]))[0]?.clusterId).toBe('a1');
  });

  it('scores a query against named records whatever their block size (matchAmong)', () => {
    // One e-mail shared by more records than a block may hold: match() skips its block,
    // matchAmong scores each record named, as match() scores a candidate.
    const index = engine.createIndex({ maxBlockSize: 5 });
    const ids = Array.from({ length: 8 }, (_, i) => `s${i}`);
    ids.forEach((id, i) =>
      index.add(id, rec(`Name${i}`, `Family${i}`, [1970 + i, 1, 1], undefined, 'shared@x.org')),
    );
    const query = rec('Name3', 'Family3', [1973, 1, 1], undefined, 'shared@x.org');
    expect(index.match(query, 100).map((c) => c.id)).not.toContain('s1');
    const among = index.matchAmong(query, [...ids, 'unknown', 's3']);
    expect(among[0]?.id).toBe('s3');
    expect(among.filter((c) => c.id === 's3')).toHaveLength(1);
    expect(among.map((c) => c.id)).not.toContain('unknown');
    const all = engine.createIndex();
    ids.forEach((id, i) =>
      all.add(id, rec(`Name${i}`, `Family${i}`, [1970 + i, 1, 1], undefined, 'shared@x.org')),
    );
    // The same scores and explanations match() gives when the block is not skipped (clusters
    // aside: the two indexes linked their records from different candidates).
    const scores = (cs: typeof among) =>
      cs.map(({ clusterId: _, ...c }) => c).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(scores(among)).toEqual(scores(all.match(query, 100)));
    expect(among.length).toBeGreaterThan(1);
  });

  it('a query finds the exact holders of its valid custody ids and the records named, whatever they score (query)', () => {
    // A block size of 1 skips every block a second record joins: only the exact look-ups find.
    const index = engine.createIndex({ maxBlockSize: 1 });
    background.forEach((r, i) => index.add(`bg${i}`, r));
    index.add('p1', rec('William', 'Featherstone', [1980, 3, 7], '1979/0163001B'));
    index.add('p2', rec('Bill', 'Featherstone', [1980, 3, 7], '1979/0163001B'));
    // A keying error failing the check letter: never an exact custody id.
    index.add('typo', rec('Will', 'Featherstone', [1980, 3, 7], '1979/0163002B'));
    index.add('named', rec('Mary', 'Jones', [1975, 1, 1], undefined, 'mj@example.org'));
    const pncOnly: MatchInput = {
      names: [],
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC', value: '79/163001B' }],
    };
    expect(index.match(pncOnly, 100).map((c) => c.id)).not.toContain('p1');
    const found = index.query(pncOnly, ['named', 'unknown']);
    expect(found.map((c) => c.id).sort()).toEqual(['named', 'p1', 'p2']);
    for (const id of ['p1', 'p2'])
      expect(found.find((c) => c.id === id)).toMatchObject({
        exactCustodyId: true,
        contradicts: false,
        explanation: expect.arrayContaining([
          expect.objectContaining({ field: 'custodyId', level: 'exact' }),
        ]),
      });
    // Named, held, and scored as it comes (below POSSIBLE here: nothing agrees).
    expect(found.find((c) => c.id === 'named')).toMatchObject({
      exactCustodyId: false,
      band: undefined,
    });
    // Another date of birth contradicts the holder; the holder is still found.
    const contradicted = index.query({
      ...pncOnly,
      dateOfBirth: { year: 1961, month: 11, day: 2 },
    });
    expect(contradicted.find((c) => c.id === 'p1')).toMatchObject({
      exactCustodyId: true,
      contradicts: true,
    });
    // Candidates found by blocks only are returned at POSSIBLE or better, as match gives them.
    const full = newIndex();
    full.add('p1', rec('William', 'Featherstone', [1980, 3, 7], '1979/0163001B'));
    const byName = rec('William', 'Featherstone', [1980, 3, 7]);
    const scores = (cs: { id: string; score: number; band?: string }[]) =>
      cs.map((c) => [c.id, c.score, c.band]);
    expect(scores(full.query(byName))).toEqual(scores(full.match(byName, 1000)));
  });

  it('given explain false, then query and matchAmong give the same candidates, scores and bands with no explanation', () => {
    const index = newIndex();
    background.forEach((r, i) => index.add(`bg${i}`, r));
    index.add('p1', rec('William', 'Featherstone', [1980, 3, 7], '1979/0163001B'));
    index.add('p2', rec('Bill', 'Featherstone', [1980, 3, 7], '1979/0163001B', 'wf@example.org'));
    const q = rec('William', 'Featherstone', [1980, 3, 7], '1979/0163001B', 'wf@example.org');
    const without = ({ explanation: _, ...c }: { explanation: unknown }) => c;
    const explained = index.query(q, ['p2']);
    const bare = index.query(q, ['p2'], false);
    expect(explained.length).toBeGreaterThan(1);
    expect(explained.every((c) => c.explanation.length > 0)).toBe(true);
    expect(bare.every((c) => c.explanation.length === 0)).toBe(true);
    expect(bare.map(without)).toEqual(explained.map(without));
    const among = index.matchAmong(q, ['p1', 'p2']);
    expect(index.matchAmong(q, ['p1', 'p2'], false).map(without)).toEqual(among.map(without));
  });

  it('splits a cluster when the record holding it together is removed', () => {
    const index = newIndex();
    index.add('p1', rec('John', 'Ashworth', [1970, 1, 2], undefined, 'j@example.com'));
    index.add('p2', rec('Mark', 'Keeling', [1985, 6, 7], '2002/0073319Z'));
    index.add('bridge', rec('John', 'Ashworth', [1970, 1, 2], '2002/0073319Z', 'j@example.com'));
    // An analyst's decisions tie the bridge to both.
    index.addMustLink('p1', 'bridge');
    index.addMustLink('bridge', 'p2');
    expect(index.clusterOf('p2')).toBe('p1');
    const changes = index.remove('bridge');
    expect(index.has('bridge')).toBe(false);
    expect(index.clusterOf('p1')).toBe('p1');
    expect(index.clusterOf('p2')).toBe('p2');
    expect(changes.clusters.find((c) => c.clusterId === 'p2')?.members).toEqual(['p2']);
  });

  it('renames a cluster when its earliest record is withdrawn', () => {
    const index = newIndex();
    index.add('a1', rec('Peter', 'Oakleigh', [1960, 5, 5], '1979/0163001B'));
    index.add('a2', rec('Pete', 'Oakleigh', [1960, 5, 5], '1979/0163001B'));
    expect(index.clusterOf('a2')).toBe('a1');
    const changes = index.remove('a1');
    expect(index.clusterOf('a2')).toBe('a2');
    expect(changes.clusters).toEqual(
      expect.arrayContaining([
        { clusterId: 'a1', members: [] },
        { clusterId: 'a2', members: ['a2'] },
      ]),
    );
  });

  it('honours analysts’ cannot-link and must-link decisions', () => {
    const index = newIndex();
    index.add('a', rec('Peter', 'Oakley', [1960, 5, 5]));
    index.add('b', rec('Peter', 'Oakley', [1960, 5, 5]));
    expect(index.clusterOf('b')).toBe('a');
    index.addCannotLink('a', 'b');
    expect(index.clusterOf('b')).not.toBe(index.clusterOf('a'));
    index.addMustLink('a', 'b');
    expect(index.clusterOf('b')).toBe(index.clusterOf('a'));
    expect(index.compare('a', 'b')?.band).toBeDefined();
  });

  it('given queries, then match returns exactly the candidates scored POSSIBLE or better, each with its full score and explanation', () => {
    const index = newIndex();
    let returned = 0;
    let leftOut = 0;
    // Records of the indexed population, the same with names and year of birth only (weaker
    // evidence), and other people (whose candidates mostly fail).
    const known = background.slice(0, 30);
    const vague = known.map((r) => ({
      names: r.names,
      dateOfBirth: { year: r.dateOfBirth?.year ?? 0, month: 0, day: 0 },
    }));
    const strangers = generatePersons({ persons: 200, seed: 77 }).map((g) => g.record);
    const queries: MatchInput[] = [...known, ...vague, ...strangers];
    for (const [i, query] of queries.entries()) {
      // Indexed under another id as well, so compare() scores the query against each candidate
      // with the same term frequencies that match() uses.
      index.add(`q${i}`, query);
      const matched = new Map(index.match(query, 10_000).map((c) => [c.id, c]));
      for (const id of index.candidates(query)) {
        const expected = index.compare(`q${i}`, id);
        const got = matched.get(id);
        if (expected?.band === undefined) {
          expect(got).toBeUndefined();
          leftOut++;
        } else {
          expect(got).toEqual({ ...expected, id, clusterId: index.clusterOf(id) });
          returned++;
        }
      }
      index.remove(`q${i}`);
    }
    // The filter was exercised both ways.
    expect(returned).toBeGreaterThan(40);
    expect(leftOut).toBeGreaterThan(40);
  });

  it('with corroboratedLinks, links on more than a name only: a name alone is POSSIBLE', () => {
    const sparse = (given: string, phone: string): MatchInput => ({
      names: [{ given: [given], family: 'Quorrington' }],
      identifiers: [],
      onlineIdentifiers: [{ kind: 'ONLINE_IDENTIFIER_KIND_PHONE', platform: '', value: phone }],
    });
    const build = (corroboratedLinks: boolean) => {
      const index = engine.createIndex({ corroboratedLinks });
      background.forEach((r, i) => index.add(`bg${i}`, r));
      index.add('a', sparse('Will', '+447700900001'));
      return index;
    };
    // The same rare name and different phones: a link on the name alone by default...
    const plain = build(false).add('b', sparse('Will', '+447700900002'));
    expect(plain.links.map((l) => l.id)).toEqual(['a']);
    // ...held back for review when a link needs corroboration.
    const strict = build(true);
    const b = strict.add('b', sparse('Will', '+447700900002'));
    expect(b.links).toEqual([]);
    expect(b.possibles).toEqual([
      expect.objectContaining({ id: 'a', band: 'MATCH_BAND_POSSIBLE' }),
    ]);
    expect(strict.clusterOf('b')).toBe('b');
    // A shared phone corroborates the name: linked.
    const c = strict.add('c', sparse('Will', '+447700900001'));
    expect(c.links.map((l) => l.id)).toContain('a');
    expect(strict.clusterOf('c')).toBe('a');
  });
});

describe('MatchIndex: analysts’ decisions', () => {
  const background = generatePersons({ persons: 300, seed: 5 }).map((g) => g.record);
  const engine = MatchEngine.train(background);
  const newIndex = (): MatchIndex => {
    const index = engine.createIndex({ corroboratedLinks: true });
    background.forEach((r, i) => index.add(`bg${i}`, r));
    return index;
  };
  const together = (index: MatchIndex, a: string, b: string) =>
    index.clusterOf(a) !== undefined && index.clusterOf(a) === index.clusterOf(b);
  // A record and a damaged copy of it: the same rare name, nothing else to corroborate it, so
  // the engine leaves the pair POSSIBLE.
  const full = rec('Ambrose', 'Quillfeather', [1971, 4, 9], '1979/0163001B');
  const damaged: MatchInput = { names: [{ given: ['Ambrose'], family: 'Quillfeather' }] };

  it('a must-link joins a pair the engine left POSSIBLE, and holds when a record is updated', () => {
    const index = newIndex();
    index.add('a', full);
    const b = index.add('b', damaged);
    expect(b.links).toEqual([]);
    expect(b.possibles.map((p) => p.id)).toContain('a');
    expect(together(index, 'a', 'b')).toBe(false);
    const changes = index.addMustLink('a', 'b');
    expect(together(index, 'a', 'b')).toBe(true);
    expect(changes.clusters.find((c) => c.members.length === 2)?.members.sort()).toEqual([
      'a',
      'b',
    ]);
    // The force updates the damaged record: it is scored again, and the decision still holds.
    const again = index.add('b', { ...damaged, sex: 'SEX_MALE' });
    expect(again.links).toEqual([]);
    expect(together(index, 'a', 'b')).toBe(true);
    expect(
      again.clusters.find((c) => c.clusterId === index.clusterOf('a'))?.members.sort(),
    ).toEqual(['a', 'b']);
  });

  it('decisions set before the records are added (a rebuild) are honoured whatever the order', () => {
    for (const order of [
      ['a', 'b', 'x', 'y'],
      ['y', 'b', 'x', 'a'],
    ]) {
      const index = newIndex();
      index.setConstraint('a', 'b', 'must');
      index.setConstraint('x', 'y', 'cannot');
      const records: Record<string, MatchInput> = {
        a: full,
        b: damaged,
        x: rec('Peter', 'Oakley', [1960, 5, 5]),
        y: rec('Peter', 'Oakley', [1960, 5, 5]),
      };
      for (const id of order) index.add(id, records[id] as MatchInput);
      expect(together(index, 'a', 'b')).toBe(true);
      expect(together(index, 'x', 'y')).toBe(false);
    }
  });

  it('a cannot-link cuts the weakest link on the path: a bridging record stays with its stronger side', () => {
    const index = newIndex();
    const x = rec('Peter', 'Oakley', [1960, 5, 5], '1979/0163001B');
    index.add('x', x);
    index.add('y', rec('Peter', 'Oakley', [1960, 5, 5]));
    expect(together(index, 'x', 'y')).toBe(true);
    index.addCannotLink('x', 'y');
    expect(together(index, 'x', 'y')).toBe(false);
    // A record sharing x's PNC ID (a strong link) and y's name and date (a weaker one).
    const bridge = index.add('bridge', x);
    const strongest = bridge.links[0]?.id;
    expect(strongest).toBe('x');
    expect(together(index, 'bridge', 'x')).toBe(true);
    expect(together(index, 'bridge', 'y')).toBe(false);
    // Removing the decision lets the links join all three again.
    index.removeConstraint('x', 'y');
    expect(together(index, 'x', 'y')).toBe(true);
    expect(together(index, 'bridge', 'y')).toBe(true);
  });

  it('a cannot-link on a new record splits the cluster it links into at its weakest link', () => {
    const index = newIndex();
    index.add('x', rec('Peter', 'Oakley', [1960, 5, 5], '1979/0163001B'));
    index.add('y', rec('Peter', 'Oakley', [1960, 5, 5]));
    expect(together(index, 'x', 'y')).toBe(true);
    index.setConstraint('new', 'y', 'cannot');
    index.add('new', rec('Peter', 'Oakley', [1960, 5, 5], '1979/0163001B'));
    expect(together(index, 'new', 'y')).toBe(false);
    expect(together(index, 'new', 'x')).toBe(true);
  });

  it('previews a decision without changing anything, as the decision then comes out', () => {
    const index = newIndex();
    index.add('a', full);
    index.add('b', damaged);
    const before = [index.clusterOf('a'), index.clusterOf('b')];
    const sorted = (p: { groups: string[][] }) => p.groups.map((g) => [...g].sort());
    const preview = index.previewConstraint('a', 'b', 'must');
    expect([index.clusterOf('a'), index.clusterOf('b')]).toEqual(before);
    expect(index.constraintOf('a', 'b')).toBeUndefined();
    expect(sorted(preview)).toEqual([['a', 'b']]);
    expect(preview.consistent).toBe(true);
    expect(sorted(index.previewConstraint('a', 'b', 'cannot'))).toEqual([['a'], ['b']]);
    index.addMustLink('a', 'b');
    expect(index.constraintOf('b', 'a')).toBe('must');
    expect(sorted(index.previewConstraint('a', 'b', undefined))).toEqual([['a'], ['b']]);
    expect(index.constraintOf('a', 'b')).toBe('must');
    expect(index.previewConstraint('a', 'missing', 'must')).toEqual({
      groups: [],
      consistent: true,
    });
  });

  it('a preview tells when decisions would contradict each other (cannot-links win)', () => {
    const index = newIndex();
    index.add('a', full);
    index.add('b', damaged);
    index.add('c', { names: [{ given: ['Ambrose'], family: 'Quillfeather' }], sex: 'SEX_MALE' });
    index.addMustLink('a', 'c');
    index.addCannotLink('c', 'b');
    // a is c; c is not b: so a cannot be b.
    const same = index.previewConstraint('a', 'b', 'must');
    expect(same.consistent).toBe(false);
    expect(index.previewConstraint('a', 'b', 'cannot').consistent).toBe(true);
    expect(index.clusterOf('a')).toBe(index.clusterOf('c'));
    expect(index.clusterOf('b')).not.toBe(index.clusterOf('a'));
  });

  it('a must-link keeps the persons it joins whole: their members stay on their own links (the demo)', () => {
    // deploy/local/demo: Norfolk's William James Hendry, linked by his date of birth to the Met's
    // "Bill Hendrie"; Kent's damaged "Wiliam Hendry"
    // (another phone, no date of birth) is POSSIBLE against him, judged SAME. The Met's London
    // namesake is POSSIBLE only. Joining the damaged record must not cut the Met's record out:
    // the analyst's decision adds a record to the person, it takes no evidence away.
    const index = newIndex();
    const phone = (value: string) => ({ kind: 'ONLINE_IDENTIFIER_KIND_PHONE', value });
    index.add('nf', {
      names: [{ given: ['William', 'James'], family: 'Hendry' }],
      dateOfBirth: { year: 1979, month: 3, day: 14 },
      sex: 'SEX_MALE',
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC', value: '1979/0123456T' }],
      onlineIdentifiers: [
        phone('+447911100123'),
        { kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'snapchat', value: 'wj_hendry' },
      ],
      addresses: [{ line: '12 Mill Lane', town: 'Norwich', postcode: 'NR1 3AB' }],
    });
    index.add('met', {
      names: [{ given: ['Bill'], family: 'Hendrie' }],
      dateOfBirth: { year: 1979, month: 3, day: 14 },
      sex: 'SEX_MALE',
      onlineIdentifiers: [
        { kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'discord', value: 'billy_h79' },
      ],
    });
    index.add('met2', {
      names: [{ given: ['William'], family: 'Hendry' }],
      sex: 'SEX_MALE',
      onlineIdentifiers: [phone('+447700900462')],
      addresses: [{ line: 'Flat 3, 41 Marrowby Lane', town: 'London', postcode: 'SE22 9ZZ' }],
    });
    index.add('kent2', {
      names: [{ given: ['Wiliam'], family: 'Hendry' }],
      sex: 'SEX_MALE',
      onlineIdentifiers: [phone('+447700900461')],
    });
    const person = () => index.membersOf(index.clusterOf('nf') ?? '').sort();
    expect(person()).toEqual(['met', 'nf']);
    // The damaged record and the Met's weigh against each other (the names disagree).
    expect(index.compare('met', 'kent2')?.score).toBeLessThan(0);
    expect(together(index, 'nf', 'kent2')).toBe(false);
    const preview = index.previewConstraint('nf', 'kent2', 'must');
    expect(preview.groups.map((g) => [...g].sort())).toEqual([['kent2', 'met', 'nf']]);
    index.addMustLink('nf', 'kent2');
    expect(person()).toEqual(['kent2', 'met', 'nf']);
    expect(together(index, 'met2', 'nf')).toBe(false);
    // Re-scoring the judged record (a force update) comes out the same.
    index.add('kent2', {
      names: [{ given: ['Wiliam'], family: 'Hendry' }],
      sex: 'SEX_MALE',
      onlineIdentifiers: [phone('+447700900461')],
    });
    expect(person()).toEqual(['kent2', 'met', 'nf']);
  });

  it('a must-link survives the removal of records around it, and is forgotten when removed', () => {
    const index = newIndex();
    index.add('a', full);
    index.add('a2', { ...full, sex: 'SEX_MALE' });
    index.add('b', damaged);
    index.addMustLink('a', 'b');
    index.remove('a2');
    expect(together(index, 'a', 'b')).toBe(true);
    index.removeConstraint('a', 'b');
    expect(together(index, 'a', 'b')).toBe(false);
    expect(index.constraintOf('a', 'b')).toBeUndefined();
  });
});
