import { newElements, nodeElement } from './network-model';

describe('network chart elements', () => {
  const net = {
    nodes: [
      { id: 'person:p1', type: 'person' as const, label: 'William Hendry' },
      { id: 'record:36/n1', type: 'record' as const, label: 'Norfolk n1', forceCode: '36' },
      {
        id: 'record:01/x',
        type: 'record' as const,
        label: 'Metropolitan Police',
        hitOnly: true,
        forceCode: '01',
      },
    ],
    edges: [
      { source: 'person:p1', target: 'record:36/n1', type: 'holds' },
      { source: 'person:p1', target: 'record:01/x', type: 'holds' },
      { source: 'person:p1', target: 'nowhere', type: 'holds' },
    ],
  };

  it('types nodes by class; a hit-only node says only who holds it', () => {
    expect(nodeElement(net.nodes[2]!)).toMatchObject({
      classes: 'record hit-only',
      data: { label: 'held by Metropolitan Police', hitOnly: true },
    });
    expect(nodeElement(net.nodes[0]!).data.personId).toBe('p1');
  });

  it('adds only what is new, and no edge to a node not shown', () => {
    const shown = { nodes: new Set<string>(), edges: new Set<string>() };
    const first = newElements(shown, net);
    expect(first.filter((e) => e.group === 'nodes')).toHaveLength(3);
    expect(first.filter((e) => e.group === 'edges')).toHaveLength(2);
    for (const e of first) (e.group === 'nodes' ? shown.nodes : shown.edges).add(String(e.data.id));
    expect(newElements(shown, net)).toEqual([]);
  });
});
