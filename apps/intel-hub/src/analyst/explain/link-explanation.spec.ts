import { HandlingCode } from '@intel/contracts';
import { MatchEngine } from '@intel/matching';
import { member } from '../../../test/explain.fixture';
import type { MemberView } from '../../flags/derive-flags';
import { memberKey } from '../../resolution/member-key';
import { nominalAsMatchInput } from '../../resolution/nominal-input';
import { differences, explainLink } from './link-explanation';

// Records × recipients: P and C records of force 46, a P record of 01 and a C record of 36,
// compared pairwise for recipients 46, 01 and 36. A comparison touching a record the recipient
// may not see is refused with a hit-only answer: the holding force and whom to contact.
const records: Record<string, MemberView> = {
  'P 46': member('46', 'own-p', { phone: '+447911100123' }),
  'C 46': member('46', 'own-c', { code: 'C', given: 'Bill' }),
  'P 01': member('01', 'other-p', { dob: { year: 1979, month: 3, day: 15 } }),
  'C 36': member('36', 'other-c', { code: 'C', given: 'Wilhelm', username: 'hendry79' }),
};
const names = Object.keys(records);
const index = MatchEngine.withPriors().createIndex({ corroboratedLinks: true });
for (const r of Object.values(records))
  index.add(memberKey(r.forceCode, r.nominalId), nominalAsMatchInput(r.state));
const key = (r: MemberView) => memberKey(r.forceCode, r.nominalId);
const must = <T>(x: T | undefined): T => {
  if (x === undefined) throw new Error('expected a value');
  return x;
};

const cases = ['46', '01', '36'].flatMap((recipient) =>
  names.flatMap((a) => names.filter((b) => b !== a).map((b) => [recipient, a, b] as const)),
);

describe('link explanation: records × recipients', () => {
  it.each(cases)('recipient %s, %s | %s', (recipient, an, bn) => {
    const a = records[an] as MemberView;
    const b = records[bn] as MemberView;
    const hidden = [a, b].filter(
      (r) =>
        r.state.handling?.handlingCode === HandlingCode.HANDLING_CODE_C &&
        r.forceCode !== recipient,
    );
    const score = jest.fn(() => must(index.waterfall(key(a), key(b))));
    const answer = explainLink(recipient, a, b, score, undefined);
    if (hidden.length === 0) {
      expect(answer.disclosure).toBe('FULL');
      expect(score).toHaveBeenCalledTimes(1);
      return;
    }
    // Which force holds something and whom to contact: nothing else, nothing computed.
    expect(score).not.toHaveBeenCalled();
    expect(answer).toEqual({
      disclosure: 'HIT_ONLY',
      hitOnly: [...new Set(hidden.map((h) => h.forceCode))].sort().map((f) => ({
        forceCode: f,
        forceName: expect.any(String) as string,
        contact: expect.stringMatching(/Force Intelligence Bureau$/) as string,
      })),
    });
    const text = JSON.stringify(answer);
    for (const h of hidden) {
      expect(text).not.toContain(h.nominalId);
      expect(text).not.toContain(h.state.names[0]?.given[0] ?? '?');
    }
    // Not the visible record's content either: a weight is a statement about both records.
    expect(text).not.toMatch(/Hendry|1979|weight|score|band/i);
  });
});

describe('link explanation: what it shows', () => {
  const a = records['P 46'] as MemberView;
  const b = records['P 01'] as MemberView;
  const w = index.waterfall(key(a), key(b));
  const answer = explainLink('46', a, b, () => must(w), {
    a: key(a),
    b: key(b),
    score: 9.5,
    band: 'MATCH_BAND_PROBABLE',
  });

  it('gives the waterfall as the engine scores the pair, and the link it holds', () => {
    if (answer.disclosure !== 'FULL' || !w) throw new Error('expected a full answer');
    expect(answer.prior).toBe(w.prior);
    expect(answer.total).toBe(w.score);
    expect(answer.steps.reduce((s, x) => s + x.weight, answer.prior)).toBeCloseTo(answer.total, 9);
    expect(answer.steps.at(-1)?.running).toBe(answer.total);
    expect(answer.thresholds.link).toBe(w.thresholds.link.bits);
    expect(answer.band).toBe(w.decidedBand?.replace('MATCH_BAND_', '') ?? null);
    expect(answer.link).toEqual({ score: 9.5, band: 'PROBABLE' });
  });

  it('puts the records side by side, normalised, with their differences', () => {
    if (answer.disclosure !== 'FULL') throw new Error('expected a full answer');
    expect(answer.records.a).toMatchObject({ forceCode: '46', nominalId: 'own-p' });
    expect(answer.records.a.fields.dob).toEqual(['1979-03-14']);
    expect(answer.records.b.fields.dob).toEqual(['1979-03-15']);
    expect(answer.records.a.fields.online).toEqual(['phone +447911100123']);
    // Dates differ; the phone is on one side only, which is not a difference.
    expect(answer.differences).toEqual(['dob']);
  });

  it('marks a field as differing only when both hold it with other values', () => {
    const base = { given: ['bill'], family: ['hendry'], dob: [], custodyId: [], nationalId: [] };
    const rest = { online: [], address: [], region: [], sex: ['M'] };
    expect(
      differences({ ...base, ...rest }, { ...base, ...rest, given: ['william'], dob: ['1979'] }),
    ).toEqual(['given']);
  });
});
