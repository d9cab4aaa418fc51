import { Disclosure, FlagType, MatchBand, type Match } from '@intel/contracts';
import { matchesTable } from './answer-table';

const match = (over: Partial<Match>): Match => ({
  nationalPersonId: 'NP-1',
  score: 21.34,
  band: MatchBand.MATCH_BAND_CERTAIN,
  flags: [],
  holdings: [],
  explanation: undefined,
  ...over,
});

describe('matchesTable', () => {
  it('shows one row per person with band, score, flags and holders', () => {
    const lines = matchesTable([
      match({
        flags: [FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER, FlagType.FLAG_TYPE_CROSS_FORCE].map(
          (type) => ({ type, reason: '', evidence: [], raisedAt: undefined }),
        ),
        holdings: [
          {
            forceCode: '36',
            nominalId: 'N-9',
            disclosure: Disclosure.DISCLOSURE_FULL,
            details: undefined,
            contact: '',
          },
          {
            forceCode: '46',
            nominalId: 'N-secret',
            disclosure: Disclosure.DISCLOSURE_HIT_ONLY,
            details: undefined,
            contact: 'Kent FIB 01622 000000',
          },
        ],
      }),
    ]);
    expect(lines[0]).toBe(
      'person | band    | score | flags                                | held by',
    );
    expect(lines[2]).toContain('NP-1   | certain | 21.3  | registered sex offender, cross force |');
    expect(lines[2]).toContain('Norfolk (36) N-9');
    // A restricted holder: that it exists and whom to call, never its record's id.
    expect(lines[2]).toContain('Kent (46): restricted record, contact Kent FIB 01622 000000');
    expect(lines.join('\n')).not.toContain('N-secret');
  });

  it('says so when nothing matched', () => {
    expect(matchesTable([])).toEqual(['no match']);
  });
});
