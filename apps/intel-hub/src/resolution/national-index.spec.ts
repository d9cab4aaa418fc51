import {
  NameType,
  NominalState,
  OnlineIdentifierKind,
  Sex,
  type OnlineIdentifier,
} from '@intel/contracts';
import { MatchEngine } from '@intel/matching';
import { handlingP } from '@intel/testing';
import type { MemberView } from '../flags/derive-flags';
import { memberKey, type MemberKey } from './member-key';
import { NationalIndex } from './national-index';

function state(id: string, given: string, family: string, version = 1): NominalState {
  return {
    nominalId: id,
    version,
    names: [{ given: [given], family, type: NameType.NAME_TYPE_BIRTH }],
    datesOfBirth: [{ year: 1979, month: 3, day: 14 }],
    sex: Sex.SEX_MALE,
    identifiers: [],
    onlineIdentifiers: [],
    addresses: [],
    registrations: [],
    handling: handlingP(),
    subjectCategories: [],
    sources: [],
    updatedAt: undefined,
  };
}

// Queries read nominal states from the index, not the database: the index must hold exactly the
// live nominals' current states.
describe('NationalIndex states', () => {
  const a = memberKey('36', 'n-a');
  const b = memberKey('01', 'n-b');
  let index: NationalIndex;

  beforeEach(() => {
    index = new NationalIndex(MatchEngine.withPriors());
  });

  it('given nominals upserted, then views decode each one’s latest state, once per key', () => {
    index.upsertNominal(a, state('n-a', 'William', 'Hendry'));
    const b1 = state('n-b', 'Bill', 'Hendrie');
    index.upsertNominal(b, b1, NominalState.encode(b1).finish());
    index.upsertNominal(a, state('n-a', 'William', 'Hendry', 2));

    const views = index.views([a, b, a]);
    expect([...views.keys()]).toEqual([a, b]);
    expect(views.get(a)).toMatchObject({ forceCode: '36', nominalId: 'n-a' });
    expect(views.get(a)?.state.version).toBe(2);
    expect(views.get(b)?.state.names[0]?.given).toEqual(['Bill']);
  });

  it('given a nominal removed or never seen, then views leave it out', () => {
    index.upsertNominal(a, state('n-a', 'William', 'Hendry'));
    index.upsertNominal(b, state('n-b', 'Bill', 'Hendrie'));
    index.removeNominal(a);
    const views = index.views([a, b, memberKey('46', 'unknown')]);
    expect([...views.keys()]).toEqual([b]);
    expect(index.matching.has(a)).toBe(false);
  });

  it('given states already decoded in the same call, then views reuse them and add the others', () => {
    index.upsertNominal(a, state('n-a', 'William', 'Hendry'));
    index.upsertNominal(b, state('n-b', 'Bill', 'Hendrie'));
    const decoded = new Map<MemberKey, MemberView>();
    const first = index.views([a], decoded);
    const second = index.views([a, b, memberKey('46', 'unknown')], decoded);
    expect(second.get(a)).toBe(first.get(a));
    expect(second.get(b)?.state.names[0]?.given).toEqual(['Bill']);
    expect([...decoded.keys()]).toEqual([a, b]);
    // A nominal withdrawn since is left out, even though its old state was decoded.
    index.removeNominal(a);
    expect([...index.views([a, b], decoded).keys()]).toEqual([b]);
  });
});

// CheckIdentifiers answers from the exact-identifier index: it must list exactly the live
// nominals holding each identifier, through updates, withdrawals and a restore.
describe('NationalIndex exact identifiers', () => {
  const a = memberKey('36', 'n-a');
  const b = memberKey('01', 'n-b');
  const email = (value: string): OnlineIdentifier => ({
    kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
    platform: '',
    value,
    observedAt: undefined,
  });
  const holding = (id: string, ...emails: string[]): NominalState => ({
    ...state(id, 'William', 'Hendry'),
    onlineIdentifiers: emails.map(email),
  });
  const holders = (index: NationalIndex, key: string) => [...index.holdersOf(key)].sort();
  let index: NationalIndex;

  beforeEach(() => {
    index = new NationalIndex(MatchEngine.withPriors());
  });

  it('given nominals upserted, then each canonical identifier lists its holders', () => {
    index.upsertNominal(a, holding('n-a', 'W.Hendry@Example.com', 'other@example.com'));
    index.upsertNominal(b, holding('n-b', 'w.hendry@example.com'));
    expect(holders(index, 'email:w.hendry@example.com')).toEqual([b, a].sort());
    expect(holders(index, 'email:other@example.com')).toEqual([a]);
  });

  it('given a nominal updated without an identifier, then it no longer holds it', () => {
    index.upsertNominal(a, holding('n-a', 'w.hendry@example.com', 'other@example.com'));
    index.upsertNominal(b, holding('n-b', 'w.hendry@example.com'));
    index.upsertNominal(a, holding('n-a', 'other@example.com', 'new@example.com'));
    expect(holders(index, 'email:w.hendry@example.com')).toEqual([b]);
    expect(holders(index, 'email:other@example.com')).toEqual([a]);
    expect(holders(index, 'email:new@example.com')).toEqual([a]);
  });

  it('given a nominal withdrawn, then it leaves every identifier it held', () => {
    index.upsertNominal(a, holding('n-a', 'w.hendry@example.com', 'other@example.com'));
    index.upsertNominal(b, holding('n-b', 'w.hendry@example.com'));
    index.removeNominal(a);
    expect(holders(index, 'email:w.hendry@example.com')).toEqual([b]);
    expect(holders(index, 'email:other@example.com')).toEqual([]);
    index.removeNominal(b);
    expect(holders(index, 'email:w.hendry@example.com')).toEqual([]);
  });

  it('given nominals restored as stored, then their identifiers are held, and later updates apply', () => {
    const stored = [
      { key: a, state: holding('n-a', 'w.hendry@example.com'), personId: 'p-1' },
      { key: b, state: holding('n-b', 'w.hendry@example.com'), personId: 'p-1' },
    ].map((n) => ({ ...n, encoded: NominalState.encode(n.state).finish() }));
    index.restore(stored, []);
    expect(holders(index, 'email:w.hendry@example.com')).toEqual([b, a].sort());
    index.upsertNominal(b, holding('n-b'));
    expect(holders(index, 'email:w.hendry@example.com')).toEqual([a]);
  });
});
