import { compareRecords } from './record-rows';
import type { ReviewRecord } from './types';

const rec = (over: Partial<ReviewRecord>): ReviewRecord => ({
  forceCode: '36',
  forceName: 'Norfolk Constabulary',
  nominalId: 'n1',
  flags: [],
  ...over,
});

describe('two records side by side', () => {
  it('marks what both have and differ on; leaves out what neither has', () => {
    const rows = compareRecords(
      rec({
        names: [{ given: ['Gary'], family: 'Mason', type: 'BIRTH' }],
        dateOfBirth: '1985-07-02',
        onlineIdentifiers: [{ kind: 'PHONE', value: '+447700900001' }],
      }),
      rec({
        forceCode: '46',
        names: [{ given: ['Garry'], family: 'Mason', type: 'BIRTH' }],
        dateOfBirth: '1985-07-02',
        flags: [{ type: 'REPEAT_OFFENDER', reason: 'x', evidence: [] }],
      }),
    );
    expect(rows.map((r) => [r.label, r.differs])).toEqual([
      ['Names', true],
      ['Date of birth', false],
      ['Online', false],
      ['Flags now', false],
    ]);
    expect(rows[2]).toMatchObject({ a: 'Phone: +447700900001', b: '' });
  });
});
