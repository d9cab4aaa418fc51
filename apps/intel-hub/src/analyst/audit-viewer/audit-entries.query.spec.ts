import { auditEntriesQuery } from './audit-entries.query';

describe('auditEntriesQuery', () => {
  it('given no filter, then newest first on the primary key, limited', () => {
    const q = auditEntriesQuery({ limit: 51 });
    expect(q.text).toMatch(
      /FROM audit_log WHERE action NOT LIKE 'Deconfliction\.%' ORDER BY audit_log.seq DESC LIMIT \$1$/,
    );
    expect(q.values).toEqual([51]);
  });

  it('given every filter, then each is one bound condition, in the indexes’ own terms', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-02-01T00:00:00Z');
    const q = auditEntriesQuery({
      personIds: ['p1', 'p0'],
      callerName: "analyst:x' OR 1=1",
      callerForce: '36',
      visibleTo: '36',
      from,
      to,
      beforeSeq: '900',
      limit: 11,
    });
    expect(q.text).toContain('person_ids && $1::text[]');
    expect(q.text).not.toContain('audit_person_ids(');
    expect(q.text).toContain('caller_name = $2');
    expect(q.text).toContain('caller_force = $3');
    expect(q.text).toContain('(caller_force = $4 OR recipients @> ARRAY[$4::text])');
    expect(q.text).toContain('at >= $5 AND at < $6 AND seq < $7::bigint');
    expect(q.text).not.toContain('1=1');
    expect(q.values).toEqual([['p1', 'p0'], "analyst:x' OR 1=1", '36', '36', from, to, '900', 11]);
  });

  it('given a period in the past and no person or caller, then it is sorted from the BRIN index, not read along the key', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const past = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z') };
    expect(auditEntriesQuery({ ...past, limit: 5 }, now).text).toContain(
      'ORDER BY audit_log.seq + 0 DESC',
    );
    expect(
      auditEntriesQuery({ from: new Date('2027-01-01T00:00:00Z'), limit: 5 }, now).text,
    ).toContain('seq + 0');
    // Up to now, or with a person or caller, the key (or their index) is the way.
    expect(auditEntriesQuery({ from: past.from, limit: 5 }, now).text).toContain(
      'ORDER BY audit_log.seq DESC',
    );
    expect(auditEntriesQuery({ ...past, callerName: 'x', limit: 5 }, now).text).not.toContain(
      '+ 0',
    );
    expect(auditEntriesQuery({ ...past, personIds: ['p'], limit: 5 }, now).text).not.toContain(
      '+ 0',
    );
  });
});
