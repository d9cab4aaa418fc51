import {
  FlagType,
  HandlingCode,
  NameType,
  IdentifierScheme,
  NominalState,
  OnlineIdentifierKind,
  Sex,
  type OnlineIdentifier,
  type PersonQuery,
} from '@intel/contracts';
import { MatchEngine, tokenCount, type QueryCandidate } from '@intel/matching';
import { isRestrictedRecord } from '@intel/disclosure';
import { handlingP } from '@intel/testing';
import type { MemberView } from '../flags/derive-flags';
import type { ViewFlag } from '../flags/view-flags.repository';
import { memberKey, type MemberKey } from './member-key';
import { EXACT_ONLINE_HOLDERS, exactIdentifierFloor, NationalIndex } from './national-index';
import { RestrictionColumn } from './restriction-column';

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

  it('given flags set in some view, then the person is flagged until every view is empty again', () => {
    index.setMembership('p1', 1, a);
    expect(index.isFlagged('p1')).toBe(false);
    expect(index.isFlagged('nobody')).toBe(false);
    const flag: ViewFlag = {
      type: FlagType.FLAG_TYPE_REPEAT_OFFENDER,
      reason: 'two incidents',
      evidence: [],
      raisedAt: new Date(0),
    };
    index.setFlags(
      'p1',
      new Map([
        ['', []],
        ['36', [flag]],
      ]),
    );
    expect(index.isFlagged('p1')).toBe(true);
    expect(index.flagsFor('p1', '36')).toEqual([flag]);
    index.setFlags('p1', new Map([['', []]]));
    expect(index.isFlagged('p1')).toBe(false);
    expect(index.flagsFor('p1', '36')).toEqual([]);
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

// CheckPerson answers exact holders of the query's identifiers whatever the learned weights make
// of a sparse query (docs/hub.md "Exact identifiers in a query").
describe('NationalIndex.check: exact identifiers in a query', () => {
  const bits = { possible: -4.25, link: 0 };
  const candidate = (over: Partial<QueryCandidate>): QueryCandidate => ({
    id: '36:n',
    clusterId: '36:n',
    score: -10,
    probability: 0.001,
    band: undefined,
    namesSwapped: false,
    explanation: [{ field: 'custodyId', level: 'exact', weight: 3, tfAdjusted: false }],
    exactCustodyId: false,
    contradicts: false,
    ...over,
  });

  it('given an exact valid custody id and nothing against it, then at least PROBABLE, at the link threshold', () => {
    const c = exactIdentifierFloor(candidate({ exactCustodyId: true }), false, bits);
    expect(c).toEqual({
      id: '36:n',
      clusterId: '36:n',
      score: 0,
      probability: 0.5,
      band: 'MATCH_BAND_PROBABLE',
      namesSwapped: false,
      explanation: candidate({}).explanation,
    });
    const possible = candidate({ exactCustodyId: true, score: -2, band: 'MATCH_BAND_POSSIBLE' });
    expect(exactIdentifierFloor(possible, false, bits)).toMatchObject({
      score: 0,
      band: 'MATCH_BAND_PROBABLE',
    });
  });

  it('given an exact custody id contradicted, or an exact online identifier, then at least POSSIBLE', () => {
    const contradicted = candidate({ exactCustodyId: true, contradicts: true });
    expect(exactIdentifierFloor(contradicted, false, bits)).toMatchObject({
      score: -4.25,
      band: 'MATCH_BAND_POSSIBLE',
    });
    expect(exactIdentifierFloor(candidate({}), true, bits)).toMatchObject({
      score: -4.25,
      band: 'MATCH_BAND_POSSIBLE',
    });
    // Already scored above the floor: the engine's POSSIBLE stands.
    const scored = candidate({ score: -1, band: 'MATCH_BAND_POSSIBLE' });
    expect(exactIdentifierFloor(scored, true, bits)).toMatchObject({ score: -1 });
  });

  it('given no exact identifier, or a score above the floor, then the engine’s score and band', () => {
    expect(exactIdentifierFloor(candidate({}), false, bits)).toMatchObject({
      score: -10,
      band: undefined,
    });
    const certain = candidate({ exactCustodyId: true, score: 12, band: 'MATCH_BAND_CERTAIN' });
    expect(exactIdentifierFloor(certain, false, bits)).toMatchObject({
      score: 12,
      band: 'MATCH_BAND_CERTAIN',
    });
  });

  const email = (value: string): OnlineIdentifier => ({
    kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
    platform: '',
    value,
    observedAt: undefined,
  });
  const pnc = '1979/0163001B';
  /** A query with nothing but what `over` gives. */
  const query = (over: Partial<PersonQuery>): PersonQuery => ({
    names: [],
    dateOfBirth: undefined,
    sex: Sex.SEX_UNSPECIFIED,
    identifiers: [],
    onlineIdentifiers: [],
    addresses: [],
    ...over,
  });

  it('given a sparse query, then the exact holders are answered and the engine’s others as scored', () => {
    const index = new NationalIndex(MatchEngine.withPriors());
    const holder = memberKey('36', 'pnc');
    index.upsertNominal(holder, {
      ...state('pnc', 'William', 'Hendry'),
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
    });
    const owner = memberKey('01', 'mail');
    index.upsertNominal(owner, {
      ...state('mail', 'Mary', 'Jones'),
      onlineIdentifiers: [email('mary@example.org')],
    });
    // Shared by more than EXACT_ONLINE_HOLDERS: it singles no one out.
    const wide = Array.from({ length: EXACT_ONLINE_HOLDERS + 1 }, (_, i) => {
      const k = memberKey('46', `w${i}`);
      index.upsertNominal(k, {
        ...state(`w${i}`, `Given${i}`, `Family${i}`),
        onlineIdentifiers: [email('info@example.org')],
      });
      return k;
    });
    const byPnc = query({
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: '79/163001B' }],
    });
    // Priors and a small index: the engine alone finds nothing at POSSIBLE.
    expect(index.match(byPnc, 10)).toEqual([]);
    expect(index.check(byPnc, 10)).toEqual([
      expect.objectContaining({ id: holder, band: 'MATCH_BAND_PROBABLE' }),
    ]);
    const byMail = query({ onlineIdentifiers: [email('Mary@Example.org')] });
    expect(index.check(byMail, 10)).toEqual([
      expect.objectContaining({ id: owner, band: 'MATCH_BAND_POSSIBLE' }),
    ]);
    const byWide = query({ onlineIdentifiers: [email('info@example.org')] });
    expect(index.check(byWide, 100).map((c) => c.id)).toEqual(
      index.match(byWide, 100).map((c) => c.id),
    );
    expect(index.check(byWide, 100).map((c) => c.id)).not.toContain(wide[0]);
    // Both identifiers: both holders, the PNC's first; cut to the most asked for.
    const both = query({
      identifiers: byPnc.identifiers,
      onlineIdentifiers: byMail.onlineIdentifiers,
    });
    expect(index.check(both, 10).map((c) => c.id)).toEqual([holder, owner]);
    expect(index.check(both, 1).map((c) => c.id)).toEqual([holder]);
  });

  it('given queries carrying texts no nominal holds, then the token table does not grow and a misspelt name still finds its nominal', () => {
    const index = new NationalIndex(MatchEngine.withPriors());
    const held = memberKey('36', 'held');
    index.upsertNominal(held, {
      ...state('held', 'William', 'Featherstone'),
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
    });
    const tokens = tokenCount();
    for (let i = 0; i < 200; i++) {
      const novel = query({
        names: [
          { given: [`Wxq${i}liam`], family: `Featherstxn${i}`, type: NameType.NAME_TYPE_BIRTH },
        ],
        dateOfBirth: { year: 1979, month: 3, day: 14 },
        identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_CRO, value: `${i}/79Q` }],
        onlineIdentifiers: [email(`someone${i}@novel${i}.example`)],
        addresses: [{ line: `${i} Novel${i} Road`, town: `Town${i}`, postcode: 'ZZ9 9ZZ' }],
      });
      index.check(novel, 10);
      index.match(novel, 10);
    }
    expect(tokenCount()).toBe(tokens);
    // One letter wrong in the family name, by Jaro-Winkler on its text; still nothing kept.
    const misspelt = query({
      names: [{ given: ['William'], family: 'Featherstine', type: NameType.NAME_TYPE_BIRTH }],
      dateOfBirth: { year: 1979, month: 3, day: 14 },
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC, value: pnc }],
    });
    const [hit] = index.check(misspelt, 10);
    expect(hit?.id).toBe(held);
    expect(hit?.explanation.find((e) => e.field === 'family')?.level).toMatch(/^jaro-winkler/);
    expect(tokenCount()).toBe(tokens);
  });
});

// Ranking an answer reads whether each candidate is handling code C from a byte per nominal
// (`handled`) instead of its state: it must say what the state as stored says, through every
// change of the state, or a C record would be ranked (and its score shown) as shareable.
describe('NationalIndex.handled: handling code C without decoding the state', () => {
  const a = memberKey('36', 'n-a');
  const b = memberKey('01', 'n-b');
  const withCode = (s: NominalState, code: HandlingCode): NominalState => ({
    ...s,
    handling: { ...handlingP(), handlingCode: code },
  });
  const restricted = (index: NationalIndex, k: MemberKey) => isRestrictedRecord(index.handled(k));
  /** What the stored state says (as the ranking read it before). */
  const decoded = (index: NationalIndex, k: MemberKey) => {
    const v = index.facts([k]).get(k);
    return v === undefined || isRestrictedRecord(v);
  };
  let index: NationalIndex;

  beforeEach(() => {
    index = new NationalIndex(MatchEngine.withPriors());
  });

  it('given nominals upserted as C or not, then changed either way, then each says what its stored state says', () => {
    const c = HandlingCode.HANDLING_CODE_C;
    const p = HandlingCode.HANDLING_CODE_P;
    index.upsertNominal(a, withCode(state('n-a', 'William', 'Hendry'), c));
    const b1 = withCode(state('n-b', 'Bill', 'Hendrie'), p);
    index.upsertNominal(b, b1, NominalState.encode(b1).finish());
    expect([restricted(index, a), restricted(index, b)]).toEqual([true, false]);
    expect(index.handled(a).forceCode).toBe('36');

    index.upsertNominal(a, withCode(state('n-a', 'William', 'Hendry', 2), p));
    index.upsertNominal(b, withCode(state('n-b', 'Bill', 'Hendrie', 2), c));
    expect([restricted(index, a), restricted(index, b)]).toEqual([false, true]);
    for (const k of [a, b]) expect(restricted(index, k)).toBe(decoded(index, k));
  });

  it('given a nominal withdrawn or never seen, then it is restricted (nothing says it may be shared)', () => {
    index.upsertNominal(a, state('n-a', 'William', 'Hendry'));
    expect(restricted(index, a)).toBe(false);
    index.removeNominal(a);
    expect(restricted(index, a)).toBe(true);
    expect(restricted(index, memberKey('46', 'unknown'))).toBe(true);
    // Its handle given to another nominal: that one's own state decides.
    index.upsertNominal(b, state('n-b', 'Bill', 'Hendrie'));
    expect(restricted(index, b)).toBe(false);
  });

  it('given nominals restored as stored, then replaced in place, then each says what its stored state says', () => {
    const sa = withCode(state('n-a', 'William', 'Hendry'), HandlingCode.HANDLING_CODE_C);
    const sb = state('n-b', 'Bill', 'Hendrie');
    index.restore(
      [
        { key: a, state: sa, encoded: NominalState.encode(sa).finish(), personId: 'p-a' },
        { key: b, state: sb, encoded: NominalState.encode(sb).finish(), personId: 'p-b' },
      ],
      [],
    );
    expect([restricted(index, a), restricted(index, b)]).toEqual([true, false]);
    const sb2 = withCode(state('n-b', 'Bill', 'Hendrie', 2), HandlingCode.HANDLING_CODE_C);
    index.replacePersons({
      gone: [a],
      records: [
        { key: b, state: sb2, encoded: NominalState.encode(sb2).finish(), personId: 'p-b' },
      ],
      links: [],
      persons: [{ personId: 'p-b', seq: 2, key: b }],
      concerned: ['p-a', 'p-b'],
      flags: new Map(),
    });
    expect([restricted(index, a), restricted(index, b)]).toEqual([true, true]);
    for (const k of [a, b]) expect(restricted(index, k)).toBe(decoded(index, k));
  });
});

describe('RestrictionColumn', () => {
  const bytes = (code: HandlingCode) =>
    NominalState.encode({
      ...state('n', 'William', 'Hendry'),
      handling: { ...handlingP(), handlingCode: code },
    }).finish();

  it('given a state not at hand when held, then it is read from the stored bytes when asked, and kept', () => {
    const column = new RestrictionColumn();
    column.held(3, undefined);
    expect(column.restricted(3, bytes(HandlingCode.HANDLING_CODE_C))).toBe(true);
    // Kept: the same handle is answered from the column until its state changes.
    expect(column.restricted(3, bytes(HandlingCode.HANDLING_CODE_P))).toBe(true);
    column.dropped(3);
    expect(column.restricted(3, bytes(HandlingCode.HANDLING_CODE_P))).toBe(false);
    expect(column.restricted(3, undefined)).toBe(true);
    // A handle never held (a snapshot's): read from its bytes.
    expect(column.restricted(70_000, bytes(HandlingCode.HANDLING_CODE_C))).toBe(true);
  });
});
