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
      // A hit-only node's label is the hub's own text: who holds something, whom to ask. The
      // chart shows who; the side panel and the table the whole text.
      label: n.hitOnly ? (n.label.split(' — ')[0] ?? n.label) : n.label,
      fullLabel: n.label,
      type: n.type,
      hitOnly: n.hitOnly === true,
      forceCode: forceCodeOf(n.id),
      personId: n.type === 'person' ? personIdOf(n.id) : undefined,
    },
    classes: [n.type, n.hitOnly ? 'hit-only' : ''].filter(Boolean).join(' '),
  };
}

/** Record ids are "record:<force>:<nominal>", force ids "force:<force>", hits "hit:<person>:<force>". */
export function forceCodeOf(nodeId: string): string | undefined {
  const m = /^(?:record|force):(\d{2})\b/.exec(nodeId) ?? /^hit:.*:(\d{2})$/.exec(nodeId);
  return m?.[1];
}

/** Person node ids are "person:<nationalPersonId>" or the bare id. */
export function personIdOf(nodeId: string): string {
  return nodeId.startsWith('person:') ? nodeId.slice('person:'.length) : nodeId;
}

export function edgeElement(e: NetworkEdge): ChartElement {
  return {
    group: 'edges',
    data: {
      id: edgeId(e),
      source: e.source,
      target: e.target,
      type: e.type,
      label: e.label ?? e.type.replace(/_/g, ' '),
    },
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
