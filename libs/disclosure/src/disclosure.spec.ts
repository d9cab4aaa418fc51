import { HandlingCode, MatchBand } from '@intel/contracts';
import {
  HIT_ONLY_BAND,
  HIT_ONLY_SCORE,
  PUBLIC_VIEW,
  ProbeLimiter,
  deriveByView,
  discloseScore,
  historyDisclosed,
  maySee,
  orderForRecipient,
  probeReturns,
  recipientsByView,
  recordsInView,
  viewOf,
  viewsOf,
  visibilityFor,
  type IncidentLike,
  type NominalLike,
} from './index';

const code = (c: 'P' | 'C') => ({
  handlingCode: c === 'C' ? HandlingCode.HANDLING_CODE_C : HandlingCode.HANDLING_CODE_P,
});
const nominal = (forceCode: string, nominalId: string, c: 'P' | 'C' = 'P'): NominalLike => ({
  forceCode,
  nominalId,
  state: { handling: code(c) },
});
const incident = (forceCode: string, incidentId: string, c: 'P' | 'C' = 'P'): IncidentLike => ({
  forceCode,
  incidentId,
  state: { handling: code(c) },
});

describe('visibility', () => {
  it.each([
    ['own P', '36', nominal('36', 'n', 'P'), true],
    ['own C', '36', nominal('36', 'n', 'C'), true],
    ['other P', '01', nominal('36', 'n', 'P'), true],
    ['other C', '01', nominal('36', 'n', 'C'), false],
    ['no handling given', '01', { forceCode: '36', nominalId: 'n', state: {} }, true],
  ])('%s: recipient %s sees it: %s', (_what, recipient, record, seen) => {
    expect(maySee(recipient, record)).toBe(seen);
  });

  it('by reference: a C incident is its owner’s alone', () => {
    const visible = visibilityFor([nominal('36', 'n', 'C')], [incident('36', 'i', 'C')]);
    expect(visible('01', { forceCode: '36', entity: 'incident', id: 'i' })).toBe(false);
    expect(visible('36', { forceCode: '36', entity: 'incident', id: 'i' })).toBe(true);
    expect(visible('01', { forceCode: '36', entity: 'nominal', id: 'n' })).toBe(false);
    expect(visible('01', { forceCode: '36', entity: 'nominal', id: 'other' })).toBe(true);
  });
});

describe('views', () => {
  const members = [nominal('36', 'a', 'C'), nominal('01', 'b'), nominal('46', 'c')];
  const incidents = [incident('46', 'i1', 'C'), incident('01', 'i2')];

  it('a person has the public view and one per C owner', () => {
    expect(viewsOf(members, incidents)).toEqual([PUBLIC_VIEW, '36', '46']);
    expect(viewsOf([nominal('01', 'b')], [])).toEqual([PUBLIC_VIEW]);
  });

  it('each view holds its own records and every non-C record', () => {
    const ids = (v: { members: NominalLike[]; incidents: IncidentLike[] }) => [
      v.members.map((m) => m.nominalId),
      v.incidents.map((i) => i.incidentId),
    ];
    expect(ids(recordsInView(PUBLIC_VIEW, members, incidents))).toEqual([['b', 'c'], ['i2']]);
    expect(ids(recordsInView('01', members, incidents))).toEqual([['b', 'c'], ['i2']]);
    expect(ids(recordsInView('36', members, incidents))).toEqual([['a', 'b', 'c'], ['i2']]);
    expect(ids(recordsInView('46', members, incidents))).toEqual([
      ['b', 'c'],
      ['i1', 'i2'],
    ]);
  });

  it('a recipient is answered from its own view when it has one, else the public one', () => {
    const views = new Map([
      [PUBLIC_VIEW, 1],
      ['36', 2],
    ]);
    expect(viewOf('36', views)).toBe('36');
    expect(viewOf('01', views)).toBe(PUBLIC_VIEW);
    expect(viewOf(PUBLIC_VIEW, views)).toBe(PUBLIC_VIEW);
  });

  it('derives per view from that view only', () => {
    const count = deriveByView(members, incidents, (m, i) => m.length + i.length);
    expect([...count]).toEqual([
      [PUBLIC_VIEW, 3],
      ['36', 4],
      ['46', 4],
    ]);
  });

  it('a force concerned only through a record it may not see is not told', () => {
    // 01 manages the registration held on 36's C record: only 36 names it.
    const concerned = (ms: NominalLike[]) =>
      [...new Set(ms.flatMap((m) => (m.nominalId === 'a' ? ['36', '01'] : [m.forceCode])))].sort();
    expect(recipientsByView([nominal('36', 'a', 'C'), nominal('46', 'c')], [], concerned)).toEqual([
      '36',
      '46',
    ]);
    expect(recipientsByView([nominal('36', 'a', 'P'), nominal('46', 'c')], [], concerned)).toEqual([
      '01',
      '36',
      '46',
    ]);
  });
});

describe('scores and bands', () => {
  const records: Record<string, NominalLike> = {
    own: nominal('46', 'own'),
    hidden: nominal('36', 'h', 'C'),
    shared: nominal('01', 's'),
  };
  const cand = (id: string, score: number) => ({ id, score });
  const band = (c: { score: number }) =>
    c.score > 10 ? MatchBand.MATCH_BAND_CERTAIN : MatchBand.MATCH_BAND_POSSIBLE;
  const disclose = (recipient: string, cs: { id: string; score: number }[]) =>
    discloseScore(recipient, cs, (c) => records[c.id]!, band);

  it('a person reached only through hidden records carries the constant marker', () => {
    for (const score of [3, 8, 25]) {
      const d = disclose('46', [cand('hidden', score)]);
      expect([d.hitOnly, d.score, d.band, d.shown]).toEqual([
        true,
        HIT_ONLY_SCORE,
        HIT_ONLY_BAND,
        undefined,
      ]);
      // What was withheld is kept for the audit entry, never for the answer.
      expect(d.withheld?.score).toBe(score);
    }
  });

  it('its owner gets the real score', () => {
    const d = disclose('36', [cand('hidden', 25)]);
    expect([d.hitOnly, d.score, d.band]).toEqual([false, 25, MatchBand.MATCH_BAND_CERTAIN]);
  });

  it('a mixed person is scored from the best record the recipient may see', () => {
    const d = disclose('46', [cand('hidden', 25), cand('shared', 4)]);
    expect([d.hitOnly, d.score, d.band, d.shown?.id]).toEqual([
      false,
      4,
      MatchBand.MATCH_BAND_POSSIBLE,
      'shared',
    ]);
  });

  it('a field probe returns a hit-only person only at a hidden link band', () => {
    expect(probeReturns(disclose('46', [cand('hidden', 25)]))).toBe(true);
    expect(probeReturns(disclose('46', [cand('hidden', 3)]))).toBe(false);
    expect(probeReturns(disclose('46', [cand('own', 3)]))).toBe(true);
    expect(probeReturns(disclose('46', [cand('hidden', 25), cand('shared', 1)]))).toBe(true);
  });

  it('orders scored answers first, hit-only ones by person id, whatever their hidden score', () => {
    const a = (personId: string, id: string, score: number) => ({
      personId,
      disclosed: disclose('46', [cand(id, score)]),
    });
    const order = (xs: ReturnType<typeof a>[]) => orderForRecipient(xs).map((x) => x.personId);
    expect(order([a('p2', 'hidden', 30), a('p3', 'own', 2), a('p1', 'hidden', 1)])).toEqual([
      'p3',
      'p1',
      'p2',
    ]);
    expect(order([a('p2', 'hidden', 1), a('p3', 'own', 2), a('p1', 'hidden', 30)])).toEqual([
      'p3',
      'p1',
      'p2',
    ]);
  });

  it('a person’s history is shown only to a recipient who may see all its records', () => {
    expect(historyDisclosed('46', [records.own!, records.shared!])).toBe(true);
    expect(historyDisclosed('46', [records.own!, records.hidden!])).toBe(false);
    expect(historyDisclosed('36', [records.hidden!])).toBe(true);
  });
});

describe('probe limiter (token bucket per caller)', () => {
  const hour = 3_600_000;

  it('allows a burst, then refuses until tokens are added back', () => {
    const l = new ProbeLimiter({ burst: 3, refillPerHour: 6 });
    const k = ProbeLimiter.callerKey('46', 'pnd');
    expect([l.take(k, 0), l.take(k, 0), l.take(k, 0), l.take(k, 0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(l.take(k, hour / 6 - 1)).toBe(false);
    expect(l.take(k, hour / 6)).toBe(true);
    expect(l.take(k, hour / 6)).toBe(false);
    // Never beyond the burst, however long the caller waits.
    expect(l.available(k, 100 * hour)).toBe(3);
  });

  it('keeps one bucket per force and system', () => {
    const l = new ProbeLimiter({ burst: 1, refillPerHour: 1 });
    expect(l.take(ProbeLimiter.callerKey('46', 'a'), 0)).toBe(true);
    expect(l.take(ProbeLimiter.callerKey('46', 'a'), 0)).toBe(false);
    expect(l.take(ProbeLimiter.callerKey('46', 'b'), 0)).toBe(true);
    expect(l.take(ProbeLimiter.callerKey('01', 'a'), 0)).toBe(true);
  });
});
