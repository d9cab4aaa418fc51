import { entryContent } from './audit-entry-content';
import { viewEntry, viewNamesPerson, type StoredAuditEntry } from './audit-entry-view';
import { auditScopeOf, entryView } from './audit-scope';

const P = '11111111-1111-4111-8111-111111111111';
const Q = '22222222-2222-4222-8222-222222222222';
const NATIONAL = new Set(['99']);

/** 46's analyst checks a person: 36 holds a C record (hit only), 01 a record shown in full. */
function checkBy46(): StoredAuditEntry {
  return {
    seq: 7,
    at: new Date('2026-01-05T09:00:00.000Z'),
    callerForce: '46',
    callerName: 'analyst:u-46',
    action: 'Analyst.searchPersons',
    purposeCode: 'PREVENTING_OFFENCES',
    reason: 'Operation Larch: subject seen near a school',
    operationRef: 'OP-LARCH',
    request: {
      analyst: { sub: 'u-46', name: 'DC Ada Jones', roles: ['analyst'], consultationId: 'c-1' },
      names: [{ given: 'William', family: 'Hendry' }],
    },
    response: {
      matches: [
        {
          nationalPersonId: P,
          holdings: [
            { forceCode: '01', nominalId: 'n-01', disclosure: 'DISCLOSURE_FULL' },
            { forceCode: '36', nominalId: '', disclosure: 'DISCLOSURE_HIT_ONLY' },
          ],
          hiddenScore: { score: 14.2, band: 'MATCH_BAND_CERTAIN' },
        },
      ],
      withheld: { rateLimited: [{ personId: Q, forces: ['36'] }] },
    },
    recipients: ['36', '46', '80'],
  };
}

describe('audit scope', () => {
  it('given an auditor of a national auditor force, then every entry is seen nationally', () => {
    const s = auditScopeOf('99', NATIONAL);
    expect(entryView(s, { callerForce: '', recipients: [] })).toBe('national');
  });

  it("given a force auditor, then its own force's entries are own, entries told to it are told, others unseen", () => {
    const s = auditScopeOf('36', NATIONAL);
    expect(entryView(s, { callerForce: '36', recipients: ['36'] })).toBe('own');
    expect(entryView(s, { callerForce: '46', recipients: ['36', '46'] })).toBe('told');
    expect(entryView(s, { callerForce: '46', recipients: ['46'] })).toBeUndefined();
    expect(entryView(s, { callerForce: '', recipients: [] })).toBeUndefined();
  });
});

describe('entry content', () => {
  it('given a response, then persons come with the records under them, withheld parts only on request', () => {
    const e = checkBy46();
    const visible = entryContent([e.request, e.response], false);
    expect([...visible.persons.keys()]).toEqual([P]);
    expect(visible.persons.get(P)?.map((r) => r.forceCode)).toEqual(['01', '36']);
    const all = entryContent([e.request, e.response], true);
    expect([...all.persons.keys()]).toEqual([P, Q]);
  });

  it('given record refs (alerts, incidents) and hostile shapes, then they are read and bounded', () => {
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 1000; i++) {
      const next: Record<string, unknown> = {};
      cur['x'] = next;
      cur = next;
    }
    cur['nationalPersonId'] = P;
    const c = entryContent(
      [
        {
          delivered: [
            { nationalPersonId: Q, records: [{ forceCode: '36', entity: 'incident', id: 'i1' }] },
          ],
        },
        deep,
        { nationalPersonId: 5, personId: '', forceCode: 7 },
      ],
      false,
    );
    expect([...c.persons.keys()]).toEqual([Q]);
    expect(c.records).toEqual([{ forceCode: '36', entity: 'incident', id: 'i1' }]);
  });
});

describe('viewEntry', () => {
  it('given a national auditor, then everything is shown, with what the caller was not told', () => {
    const v = viewEntry(checkBy46(), auditScopeOf('99', NATIONAL));
    expect(v).toMatchObject({
      view: 'national',
      reason: 'Operation Larch: subject seen near a school',
      operationRef: 'OP-LARCH',
      recipients: ['36', '46', '80'],
      persons: [P, Q],
      withheld: [],
      caller: { kind: 'analyst', sub: 'u-46', displayName: 'DC Ada Jones', roles: ['analyst'] },
    });
    expect(v?.detail?.response).toEqual(checkBy46().response);
  });

  it("given the caller's force auditor, then the entry is as its user was answered: no hidden score, no withheld person", () => {
    const v = viewEntry(checkBy46(), auditScopeOf('46', NATIONAL));
    expect(v).toMatchObject({
      view: 'own',
      reason: 'Operation Larch: subject seen near a school',
      persons: [P],
      caller: { kind: 'analyst', consultationId: 'c-1' },
    });
    expect(v?.detail).toBeUndefined();
    expect(JSON.stringify(v)).not.toContain(Q);
    expect(JSON.stringify(v)).not.toContain('14.2');
    // 80 was told from what 46 was not shown: not named to 46.
    expect(v?.recipients).toEqual(['36', '46']);
  });

  it("given the auditor of the force holding the C record, then only what its alert said: no user, reason, search or other force's record", () => {
    const v = viewEntry(checkBy46(), auditScopeOf('36', NATIONAL));
    expect(v).toMatchObject({
      view: 'told',
      action: 'Analyst.searchPersons',
      caller: { force: '46', kind: 'analyst' },
      persons: [P],
      records: [{ forceCode: '36', entity: 'nominal', id: '', disclosure: 'DISCLOSURE_HIT_ONLY' }],
      recipients: ['36', '46'],
    });
    const text = JSON.stringify(v);
    for (const secret of ['u-46', 'Ada', 'Larch', 'LARCH', 'Hendry', 'n-01', Q, '14.2'])
      expect(text).not.toContain(secret);
    expect(v?.purposeCode).toBeUndefined();
  });

  it('given a force that was not told and did not ask, then nothing', () => {
    expect(viewEntry(checkBy46(), auditScopeOf('01', NATIONAL))).toBeUndefined();
  });

  it("given a person filter, then a force auditor's view matches only persons it may see named", () => {
    const own = viewEntry(checkBy46(), auditScopeOf('46', NATIONAL))!;
    const national = viewEntry(checkBy46(), auditScopeOf('99', NATIONAL))!;
    expect(viewNamesPerson(own, new Set([Q]))).toBe(false);
    expect(viewNamesPerson(national, new Set([Q]))).toBe(true);
    expect(viewNamesPerson(own, new Set([P]))).toBe(true);
  });

  it('given a refusal and a gRPC system caller, then the outcome names the status and fields', () => {
    const v = viewEntry(
      {
        ...checkBy46(),
        callerForce: '46',
        callerName: 'PNC-bridge',
        request: { refused: { json: '{}', sha256: 'x', bytes: 2, truncated: false } },
        response: {
          refused: {
            code: 'INVALID_ARGUMENT',
            errors: [{ field: 'justification.reason', message: 'required' }],
          },
        },
      },
      auditScopeOf('46', NATIONAL),
    );
    expect(v).toMatchObject({
      caller: { kind: 'system', name: 'PNC-bridge', force: '46' },
      outcome: { status: 'refused', code: 'INVALID_ARGUMENT', fields: ['justification.reason'] },
    });
  });
});
