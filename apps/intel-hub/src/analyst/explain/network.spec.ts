import { incidentOn, member } from '../../../test/explain.fixture';
import type { MemberView } from '../../flags/derive-flags';
import { buildNetwork, NETWORK_BOUNDS, type Network, type SharedHolder } from './network';
import type { RecordIdentifier } from './record-identifiers';

const PERSON = '6f1c2a7e-0000-4000-8000-000000000001';
const OTHER = '6f1c2a7e-0000-4000-8000-000000000002';

// A person held by 46 (P), 01 (P) and 36 (C). The C record alone holds a Discord username and
// an incident; it shares the phone with 46's record.
const p46 = member('46', 'n46', { phone: '+447911100123', pncSerial: 163001 });
const p01 = member('01', 'n01', { given: 'Bill' });
const c36 = member('36', 'n36', {
  code: 'C',
  given: 'Wilhelm',
  phone: '+447911100123',
  username: 'SecretHandle',
});
const incidents = [
  incidentOn(p46, '46', 'i46'),
  incidentOn(c36, '36', 'i36'),
  incidentOn(p01, '46', 'i46c', 'C'),
];
const network = (recipient: string, depth: 1 | 2 = 1, holders: SharedHolder[] = []) =>
  buildNetwork(recipient, {
    personId: PERSON,
    members: [p46, p01, c36],
    incidents,
    depth,
    holdersOf: (id: RecordIdentifier) =>
      holders.filter((h) =>
        h.member.state.onlineIdentifiers.some((o) => `phone:${o.value}` === id.key),
      ),
  });
const ids = (n: Network) => n.nodes.map((x) => x.id).sort();

describe('network: records × recipients', () => {
  it('another force sees the C record as one hit-only node and nothing reached through it', () => {
    const n = network('01');
    expect(ids(n)).toEqual(
      [
        `person:${PERSON}`,
        'record:46:n46',
        'record:01:n01',
        `hit:${PERSON}:36`,
        'force:46',
        'force:01',
        'force:36',
        'identifier:phone:+447911100123',
        'identifier:pnc:1979/0163001B',
        'incident:46:i46',
      ].sort(),
    );
    const hit = n.nodes.find((x) => x.id === `hit:${PERSON}:36`);
    expect(hit).toEqual({
      id: `hit:${PERSON}:36`,
      type: 'record',
      label: expect.stringMatching(
        /^record held by .+ — contact .+ Force Intelligence Bureau$/,
      ) as string,
      hitOnly: true,
    });
    // Its only edges: the person holds it, its force holds it. Not which phone it shares.
    expect(n.edges.filter((e) => e.source === hit?.id || e.target === hit?.id)).toEqual([
      { source: `person:${PERSON}`, target: hit?.id, type: 'has_record' },
      { source: hit?.id, target: 'force:36', type: 'held_by' },
    ]);
    const text = JSON.stringify(n);
    for (const secret of ['n36', 'Wilhelm', 'secrethandle', 'i36', 'i46c'])
      expect(text).not.toContain(secret);
  });

  it('the owner of the C record sees it in full, and what it holds', () => {
    const n = network('36');
    expect(ids(n)).toContain('record:36:n36');
    expect(ids(n)).toContain('identifier:username:discord:secrethandle');
    expect(ids(n)).toContain('incident:36:i36');
    expect(n.nodes.some((x) => x.hitOnly)).toBe(false);
    expect(n.edges).toContainEqual({
      source: 'record:36:n36',
      target: 'identifier:phone:+447911100123',
      type: 'has_identifier',
    });
    // 46's C incident is still 46's alone.
    expect(ids(n)).not.toContain('incident:46:i46c');
  });

  it.each([
    ['46', ['incident:46:i46', 'incident:46:i46c'], true],
    ['01', ['incident:46:i46'], true],
    ['36', ['incident:46:i46', 'incident:36:i36'], false],
  ])('recipient %s: incidents %j, a hit-only node: %s', (recipient, shown, hit) => {
    const n = network(recipient);
    expect(
      n.nodes
        .filter((x) => x.type === 'incident')
        .map((x) => x.id)
        .sort(),
    ).toEqual([...shown].sort());
    expect(n.nodes.some((x) => x.hitOnly === true)).toBe(hit);
  });

  it('reaches a visible incident only through a record the caller may see', () => {
    // A P incident naming only the C record: the caller may see the incident, not the path.
    const n = buildNetwork('01', {
      personId: PERSON,
      members: [p46, c36],
      incidents: [incidentOn(c36, '36', 'i-p-on-c')],
      depth: 1,
    });
    expect(ids(n)).not.toContain('incident:36:i-p-on-c');
  });

  it('treats a record whose state is not at hand as restricted', () => {
    const n = buildNetwork('01', {
      personId: PERSON,
      members: [p46, { forceCode: '36', nominalId: 'gone' }],
      incidents: [],
      depth: 1,
    });
    expect(ids(n)).toContain(`hit:${PERSON}:36`);
    expect(JSON.stringify(n)).not.toContain('gone');
  });
});

describe('network: depth 2', () => {
  const holder = (personId: string, m: MemberView): SharedHolder => ({ personId, member: m });
  const shares = (force: string, id: string, code: 'P' | 'C' = 'P') =>
    member(force, id, { given: 'Other', family: 'Person', phone: '+447911100123', code });

  it('expands identifiers to other persons sharing them, through records the caller may see', () => {
    const n = network('01', 2, [
      holder(OTHER, shares('46', 'x1')),
      holder('hidden-person', shares('36', 'x2', 'C')),
      holder(PERSON, p46),
    ]);
    expect(ids(n)).toContain(`person:${OTHER}`);
    expect(ids(n)).toContain('record:46:x1');
    expect(n.edges).toContainEqual({
      source: 'record:46:x1',
      target: 'identifier:phone:+447911100123',
      type: 'has_identifier',
    });
    expect(JSON.stringify(n)).not.toContain('hidden-person');
    expect(JSON.stringify(n)).not.toContain('x2');
    expect(n.truncated).toBe(false);
    // Depth 1 does not look.
    expect(ids(network('01', 1, [holder(OTHER, shares('46', 'x1'))]))).not.toContain(
      `person:${OTHER}`,
    );
  });

  it('is cut at its bounds, and says so; hidden holders never count towards them', () => {
    const many = Array.from({ length: NETWORK_BOUNDS.holdersPerIdentifier + 1 }, (_, i) =>
      holder(`p${String(i).padStart(3, '0')}`, shares('46', `m${i}`)),
    );
    const n = network('01', 2, many);
    expect(n.truncated).toBe(true);
    expect(n.nodes.filter((x) => x.type === 'person')).toHaveLength(
      NETWORK_BOUNDS.holdersPerIdentifier + 1,
    );
    const hidden = Array.from({ length: 50 }, (_, i) =>
      holder(`h${i}`, shares('36', `c${i}`, 'C')),
    );
    const withHidden = network('01', 2, [holder(OTHER, shares('46', 'x1')), ...hidden]);
    expect(withHidden.truncated).toBe(false);
    expect(withHidden).toEqual(network('01', 2, [holder(OTHER, shares('46', 'x1'))]));
  });
});

describe('network: stable and short', () => {
  it('gives the same ids in the same order whatever order records come in', () => {
    const a = network('01');
    const b = buildNetwork('01', {
      personId: PERSON,
      members: [c36, p01, p46],
      incidents: [...incidents].reverse(),
      depth: 1,
    });
    expect(b).toEqual(a);
  });

  it('keeps labels short', () => {
    const long = member('46', 'long', { given: 'A'.repeat(200) });
    const n = buildNetwork('46', { personId: PERSON, members: [long], incidents: [], depth: 1 });
    for (const node of n.nodes)
      expect(node.label.length).toBeLessThanOrEqual(NETWORK_BOUNDS.labelLength);
  });
});
