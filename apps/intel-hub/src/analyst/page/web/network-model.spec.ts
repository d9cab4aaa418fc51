import { edgeElement, newElements, nodeElement } from './network-model';
import type { Network } from './types';

describe('network chart elements', () => {
  const hidden =
    'record held by Metropolitan Police — contact Metropolitan Police Force Intelligence Bureau';
  const net: Network = {
    nodes: [
      { id: 'person:p1', type: 'person', label: 'William Hendry' },
      { id: 'record:36:n1', type: 'record', label: 'Norfolk n1' },
      { id: 'hit:p1:01', type: 'record', label: hidden, hitOnly: true },
    ],
    edges: [
      { source: 'person:p1', target: 'record:36:n1', type: 'has_record' },
      { source: 'person:p1', target: 'hit:p1:01', type: 'has_record' },
      { source: 'person:p1', target: 'nowhere', type: 'has_record' },
    ],
  };

  it("types nodes by class; a hit-only node keeps the hub's words on who holds it", () => {
    expect(nodeElement(net.nodes[2]!)).toMatchObject({
      classes: 'record hit-only',
      data: {
        label: 'record held by Metropolitan Police',
        fullLabel: hidden,
        hitOnly: true,
        forceCode: '01',
      },
    });
    expect(nodeElement(net.nodes[0]!).data.personId).toBe('p1');
    expect(nodeElement(net.nodes[1]!).data.forceCode).toBe('36');
  });

  it('labels edges by their role, else their type in words', () => {
    const role = { source: 'a', target: 'b', type: 'subject_of', label: 'suspect' };
    expect(edgeElement(role).data.label).toBe('suspect');
    expect(edgeElement({ source: 'a', target: 'b', type: 'held_by' }).data.label).toBe('held by');
  });

  it('adds only what is new, and no edge to a node not shown', () => {
    const shown = { nodes: new Set<string>(), edges: new Set<string>() };
    const first = newElements(shown, net);
    expect(first.filter((e) => e.group === 'nodes')).toHaveLength(3);
    expect(first.filter((e) => e.group === 'edges')).toHaveLength(2);
    for (const e of first) {
      (e.group === 'nodes' ? shown.nodes : shown.edges).add(String(e.data.id));
    }
    expect(newElements(shown, net)).toEqual([]);
  });
});
