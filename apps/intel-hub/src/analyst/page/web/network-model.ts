// The network answer as chart elements, and the merge of an expansion into what is shown.
// Pure (no DOM, no cytoscape): unit-tested.
import type { Network, NetworkEdge, NetworkNode } from './types.js';

export interface ChartElement {
  group: 'nodes' | 'edges';
  data: Record<string, string | boolean | undefined>;
  classes: string;
}

export const edgeId = (e: NetworkEdge): string => `${e.source}|${e.type}|${e.target}`;

export function nodeElement(n: NetworkNode): ChartElement {
  return {
    group: 'nodes',
    data: {
      id: n.id,
      label: n.hitOnly ? hitOnlyLabel(n) : n.label,
      type: n.type,
      hitOnly: n.hitOnly === true,
      forceCode: n.forceCode,
      personId: n.personId ?? (n.type === 'person' ? personIdOf(n.id) : undefined),
    },
    classes: [n.type, n.hitOnly ? 'hit-only' : ''].filter(Boolean).join(' '),
  };
}

/** A hit-only record says only which force holds something. */
function hitOnlyLabel(n: NetworkNode): string {
  return n.label.startsWith('held by') ? n.label : `held by ${n.label}`;
}

/** Person node ids are "person:<nationalPersonId>" or the bare id. */
export function personIdOf(nodeId: string): string {
  return nodeId.startsWith('person:') ? nodeId.slice('person:'.length) : nodeId;
}

export function edgeElement(e: NetworkEdge): ChartElement {
  return {
    group: 'edges',
    data: { id: edgeId(e), source: e.source, target: e.target, type: e.type, label: e.type },
    classes: e.type,
  };
}

/** Elements of `next` not yet in `shown` (node ids and edge ids), edges only between known nodes. */
export function newElements(
  shown: { nodes: Set<string>; edges: Set<string> },
  next: Network,
): ChartElement[] {
  const out: ChartElement[] = [];
  const nodes = new Set(shown.nodes);
  for (const n of next.nodes) {
    if (nodes.has(n.id)) continue;
    nodes.add(n.id);
    out.push(nodeElement(n));
  }
  const edges = new Set(shown.edges);
  for (const e of next.edges) {
    const id = edgeId(e);
    if (edges.has(id) || !nodes.has(e.source) || !nodes.has(e.target)) continue;
    edges.add(id);
    out.push(edgeElement(e));
  }
  return out;
}

export const NODE_TYPE_LABELS: Record<NetworkNode['type'], string> = {
  person: 'Person',
  record: 'Force record',
  identifier: 'Identifier',
  incident: 'Incident',
  force: 'Force',
};
