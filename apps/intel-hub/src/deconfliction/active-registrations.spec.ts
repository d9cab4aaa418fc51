import { ActiveRegistrations, type PersonaEntry, type TargetEntry } from './active-registrations';

const norfolk = { force: '36', unit: 'norfolk-uc' };
const kent = { force: '46', unit: 'kent-uc' };
const persona = (id: string, ref: string, u = norfolk): PersonaEntry => ({
  ...u,
  personaId: id,
  ref,
});
const target = (
  id: string,
  u: typeof norfolk,
  personId?: string,
  refs: string[] = [],
): TargetEntry => ({
  ...u,
  targetId: id,
  personId,
  refs,
});

describe('active registrations', () => {
  it('a record naming a persona under any key tells the persona’s unit, once per persona', () => {
    const a = new ActiveRegistrations();
    a.addPersona(persona('p1', 'k1:aa'));
    const hits = a.hitsForRecord({
      force: '46',
      entity: 'nominal',
      id: 'n1',
      identifiers: [
        ['k2:zz', 'k1:aa'],
        ['k2:aa2', 'k1:aa'],
      ],
    });
    expect(hits).toEqual([
      {
        kind: 'PERSONA_IN_RECORD',
        key: 'record:nominal:46:n1:p1',
        notices: [
          {
            recipient: persona('p1', 'k1:aa'),
            registrationId: 'p1',
            other: { force: '46', unit: '' },
          },
        ],
      },
    ]);
  });

  it('a record naming nothing registered makes no hit; a retired persona is no longer found', () => {
    const a = new ActiveRegistrations();
    a.addPersona(persona('p1', 'k1:aa'));
    expect(
      a.hitsForRecord({ force: '46', entity: 'incident', id: 'i', identifiers: [['k1:bb']] }),
    ).toEqual([]);
    a.retirePersona('p1');
    expect(
      a.hitsForRecord({ force: '46', entity: 'incident', id: 'i', identifiers: [['k1:aa']] }),
    ).toEqual([]);
    expect(a.size).toEqual({ personas: 0, targets: 0 });
  });

  it('two units’ personas in one incident are in contact: both are told of the other', () => {
    const a = new ActiveRegistrations();
    a.addPersona(persona('p1', 'k1:aa', norfolk));
    a.addPersona(persona('p2', 'k1:bb', kent));
    a.addPersona(persona('p3', 'k1:cc', norfolk));
    const hits = a.hitsForRecord({
      force: '01',
      entity: 'incident',
      id: 'i1',
      identifiers: [['k1:aa'], ['k1:bb'], ['k1:cc']],
    });
    const contact = hits.filter((h) => h.kind === 'PERSONAS_IN_CONTACT');
    // p1–p2 and p2–p3; p1 and p3 are the same unit's (it knows).
    expect(contact.map((h) => h.key).sort()).toEqual([
      'contact:01:i1:p1:p2',
      'contact:01:i1:p2:p3',
    ]);
    const p1p2 = contact.find((h) => h.key.endsWith('p1:p2'));
    expect(p1p2?.notices).toEqual([
      {
        recipient: expect.objectContaining({ personaId: 'p1' }),
        registrationId: 'p1',
        other: kent,
      },
      {
        recipient: expect.objectContaining({ personaId: 'p2' }),
        registrationId: 'p2',
        other: norfolk,
      },
    ]);
    // A person record naming both is not a contact (one person with two handles is not two).
    expect(
      a
        .hitsForRecord({
          force: '01',
          entity: 'nominal',
          id: 'n',
          identifiers: [['k1:aa'], ['k1:bb']],
        })
        .every((h) => h.kind === 'PERSONA_IN_RECORD'),
    ).toBe(true);
  });

  it('a query naming a persona tells the unit which force and system asked', () => {
    const a = new ActiveRegistrations();
    a.addPersona(persona('p1', 'k1:aa'));
    expect(a.hitsForQuery([['k1:aa']], { force: '46', system: 'kent-crimint' }, 'q1')).toEqual([
      {
        kind: 'PERSONA_QUERIED',
        key: 'query:q1:p1',
        notices: [
          {
            recipient: expect.objectContaining({ personaId: 'p1' }),
            registrationId: 'p1',
            other: { force: '46', unit: 'kent-crimint' },
          },
        ],
      },
    ]);
    expect(a.hitsForQuery([['k1:zz']], { force: '46', system: 'x' }, 'q2')).toEqual([]);
  });

  it('two units’ operations on the same person, a linked person or a shared identifier: both told', () => {
    const a = new ActiveRegistrations();
    a.addTarget(target('t1', norfolk, 'person-1'));
    a.addTarget(target('t2', norfolk, 'person-2', ['k1:ee']));
    const mine = target('t9', kent, 'person-1');
    const hits = a.hitsForTarget(mine);
    expect(hits).toEqual([
      {
        kind: 'SHARED_TARGET',
        key: 'target:t1:t9',
        notices: [
          { recipient: mine, registrationId: 't9', other: norfolk },
          { recipient: target('t1', norfolk, 'person-1'), registrationId: 't1', other: kent },
        ],
      },
    ]);
    expect(
      a.hitsForTarget(target('t8', kent, 'person-3'), new Set(['person-2'])).map((h) => h.key),
    ).toEqual(['target:t2:t8']);
    expect(a.hitsForTarget(target('t7', kent, undefined, ['k1:ee'])).map((h) => h.key)).toEqual([
      'target:t2:t7',
    ]);
    // The same unit's own operations, and retired targets, are not hits.
    expect(a.hitsForTarget(target('t6', norfolk, 'person-1'))).toEqual([]);
    a.retireTarget('t1');
    expect(a.hitsForTarget(target('t5', kent, 'person-1'))).toEqual([]);
  });

  it('an operation targeting another unit’s persona, either way round: both units told', () => {
    const a = new ActiveRegistrations();
    a.addPersona(persona('p1', 'k1:aa', norfolk));
    const t = target('t1', kent, undefined, ['k2:xx', 'k1:aa']);
    expect(a.hitsForTarget(t)).toEqual([
      {
        kind: 'TARGET_IS_PERSONA',
        key: 'target-persona:t1:p1',
        notices: [
          { recipient: t, registrationId: 't1', other: norfolk },
          { recipient: persona('p1', 'k1:aa', norfolk), registrationId: 'p1', other: kent },
        ],
      },
    ]);
    a.addTarget({ ...t, refs: ['k1:bb'] });
    const later = persona('p2', 'k1:bb', norfolk);
    expect(a.hitsForPersona(later, ['k2:yy', 'k1:bb']).map((h) => h.key)).toEqual([
      'target-persona:t1:p2',
    ]);
    // A unit's own operation on its own persona is not a hit.
    expect(a.hitsForPersona(persona('p3', 'k1:bb', kent), ['k1:bb'])).toEqual([]);
  });
});
