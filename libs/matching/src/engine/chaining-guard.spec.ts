import { generatePersons } from '@intel/synthetic';
import type { MatchInput } from '../model/match-input';
import { MatchEngine } from './match-engine';

/**
 * The chaining guard refuses merges that cross pairs contradict, not merges that they merely
 * lack evidence for. Parameters are learned as the hub learns them at a cold start (EM on a
 * generated reference population), so the weights are realistic: a shared phone number weighs
 * little (phones are reused), a name alone does not make a link.
 */
describe('chaining guard: contradiction, not missing evidence', () => {
  const engine = MatchEngine.train(
    generatePersons({ persons: 20_000, forces: 5, seed: 20_261_128 }).map((g) => g.record),
  );
  const phone = (value: string) => ({ kind: 'ONLINE_IDENTIFIER_KIND_PHONE', platform: '', value });
  const username = (platform: string, value: string) => ({
    kind: 'ONLINE_IDENTIFIER_KIND_USERNAME',
    platform,
    value,
  });
  const pnc = (value: string) => [{ scheme: 'IDENTIFIER_SCHEME_PNC', value }];

  // The pilot story: a custody record and a ViSOR registration (one man, one PNC ID); the same
  // man under a nickname and a misspelt surname with a new username; and a sparse record — a
  // name and a phone number only — linked to the custody record by the phone.
  const dob = { year: 1979, month: 3, day: 14 };
  const custody: MatchInput = {
    names: [{ given: ['William', 'James'], family: 'Hendry' }],
    dateOfBirth: dob,
    sex: 'SEX_MALE',
    identifiers: pnc('1979/0163001B'),
    onlineIdentifiers: [phone('+447911123456'), username('snapchat', 'wj_hendry_79')],
    addresses: [{ line: '12 Mill Lane', town: 'Norwich', postcode: 'NR1 3AB' }],
  };
  const registration: MatchInput = {
    names: [{ given: ['William'], family: 'Hendry' }],
    dateOfBirth: dob,
    sex: 'SEX_MALE',
    identifiers: pnc('1979/0163001B'),
  };
  const alias: MatchInput = {
    names: [{ given: ['Bill'], family: 'Hendrie' }],
    dateOfBirth: dob,
    sex: 'SEX_MALE',
    onlineIdentifiers: [username('discord', 'billy_h79')],
  };
  const sparse: MatchInput = {
    names: [{ given: ['Will'], family: 'Hendry' }],
    onlineIdentifiers: [phone('+447911123456')],
  };

  it('a sparse record linked to one member by its phone joins the cluster (incremental)', () => {
    const index = engine.createIndex();
    index.add('custody', custody);
    index.add('registration', registration);
    index.add('alias', alias);
    expect(index.membersOf('custody').sort()).toEqual(['alias', 'custody', 'registration']);
    const r = index.add('sparse', sparse);
    // Linked to the custody record alone: against the others its evidence is missing (no date
    // of birth, no PNC ID) or an unshared online identifier — nothing contradicts.
    expect(r.links.map((l) => l.id)).toEqual(['custody']);
    expect(index.clusterOf('sparse')).toBe('custody');
  });

  it('the batch applies the same rule', () => {
    const { clusterOf } = MatchEngine.resolve([custody, registration, alias, sparse], {
      parameters: engine.parameters,
    });
    expect(Array.from(clusterOf)).toEqual([0, 0, 0, 0]);
  });

  // A man known by his middle name on one record: a record under another form of his first name
  // disagrees with it on the given name alone. Names are the field most often damaged within one
  // person's records, so a name on its own is not a conflict for the guard.
  it('a record whose only disagreement with a member is a name joins the cluster', () => {
    const byMiddleName: MatchInput = { ...alias, names: [{ given: ['James'], family: 'Hendry' }] };
    const will: MatchInput = {
      names: [{ given: ['Will'], family: 'Hendry' }],
      onlineIdentifiers: [phone('+447911123456')],
    };
    // Against the member known by his middle name the score is well below the link: before names
    // stopped counting as a conflict, that pair refused the merge.
    expect(engine.compare(will, byMiddleName).score).toBeLessThan(-10);
    const index = engine.createIndex();
    index.add('custody', custody);
    index.add('registration', registration);
    index.add('middle', byMiddleName);
    expect(index.membersOf('custody').sort()).toEqual(['custody', 'middle', 'registration']);
    index.add('will', will);
    expect(index.clusterOf('will')).toBe('custody');
    const { clusterOf } = MatchEngine.resolve([custody, registration, byMiddleName, will], {
      parameters: engine.parameters,
    });
    expect(Array.from(clusterOf)).toEqual([0, 0, 0, 0]);
  });

  // Two men of the same name and birth year, each with a cluster of records, and one record
  // that links strongly to both: the first's PNC ID and phone number, the second's date of birth
  // and address.
  const lookAlike = (given: string, second: boolean): MatchInput => ({
    names: [{ given: [given], family: 'Oakleigh' }],
    dateOfBirth: second ? { year: 1975, month: 10, day: 21 } : { year: 1975, month: 2, day: 9 },
    sex: 'SEX_MALE',
    identifiers: pnc(second ? '2001/0654321K' : '1993/0012345A'),
    onlineIdentifiers: second ? [] : [phone('+447700900123')],
    addresses: second
      ? [{ line: '21 Station Road', town: 'Leeds', postcode: 'LS9 7QT' }]
      : [{ line: '2 Mill Street', town: 'Leeds', postcode: 'LS1 4AP' }],
  });
  const first = ['Peter', 'Pete', 'Peter'].map((g) => lookAlike(g, false));
  const second = ['Peter', 'Peter', 'Pete'].map((g) => lookAlike(g, true));
  const bridge: MatchInput = {
    names: [{ given: ['Peter'], family: 'Oakleigh' }],
    dateOfBirth: { year: 1975, month: 10, day: 21 },
    sex: 'SEX_MALE',
    identifiers: pnc('1993/0012345A'),
    onlineIdentifiers: [phone('+447700900123')],
    addresses: [{ line: '21 Station Road', town: 'Leeds', postcode: 'LS9 7QT' }],
  };

  it('still refuses a strong link between two clusters whose dates of birth conflict', () => {
    const index = engine.createIndex();
    first.forEach((r, i) => index.add(`a${i}`, r));
    second.forEach((r, i) => index.add(`b${i}`, r));
    expect(index.membersOf('a0').sort()).toEqual(['a0', 'a1', 'a2']);
    expect(index.membersOf('b0').sort()).toEqual(['b0', 'b1', 'b2']);
    const r = index.add('bridge', bridge);
    expect(r.links.map((l) => l.id)).toEqual(expect.arrayContaining(['a0', 'b0']));
    expect(index.clusterOf('a0')).not.toBe(index.clusterOf('b0'));

    const { clusterOf } = MatchEngine.resolve([...first, ...second, bridge], {
      parameters: engine.parameters,
    });
    expect(Array.from(clusterOf.slice(0, 6))).toEqual([0, 0, 0, 3, 3, 3]);
    // Without the guard the bridge's two links chain the clusters: the test exercises it.
    const plain = MatchEngine.resolve([...first, ...second, bridge], {
      parameters: engine.parameters,
      chainingGuard: false,
    });
    expect(new Set(plain.clusterOf).size).toBe(1);
  });
});
