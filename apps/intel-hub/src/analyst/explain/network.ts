import { forceName } from '@intel/config';
import { timestampToDate } from '@intel/contracts';
import { maySee } from '@intel/disclosure';
import type { IncidentView, MemberView } from '../../flags/derive-flags';
import { hitOnlyHolder } from './hit-only';
import { recordIdentifiers, type RecordIdentifier } from './record-identifiers';

/**
 * A POLE-style typed graph around one national person (person, record, identifier, incident,
 * force), for the link chart and its exports. Pure.
 *
 * Handling code C: another force's C record is one hit-only node per holding force ("record
 * held by <force> — contact <its Force Intelligence Bureau>") with no name, date of birth,
 * identifier, incident or nominal id; nothing is reached through it, so no identifier or
 * incident node, and no edge, says what it holds or shares. An incident the caller may not see
 * is left out, and identifiers are expanded (depth 2) only to records the caller may see, so
 * neither what is shown nor where the graph is cut depends on a hidden record.
 */
export type NodeType = 'person' | 'record' | 'identifier' | 'incident' | 'force';
export type EdgeType = 'has_record' | 'held_by' | 'has_identifier' | 'subject_of' | 'recorded_by';

export interface NetworkNode {
  /** Stable: the same thing has the same id in every graph and export. */
  id: string;
  type: NodeType;
  label: string;
  hitOnly?: true;
}

export interface NetworkEdge {
  source: string;
  target: string;
  type: EdgeType;
  /** A subject's role in an incident (`suspect`, `offender` …). */
  label?: string;
}

export interface Network {
  nationalPersonId: string;
  depth: 1 | 2;
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  /** Depth 2 stopped at its bounds: more persons share these identifiers than are shown. */
  truncated: boolean;
}

/** A record of another person holding one of the person's identifiers (depth 2). */
export interface SharedHolder {
  personId: string;
  member: MemberView;
}

export interface NetworkInput {
  personId: string;
  /** The person's records; `undefined` state: not at hand (treated as restricted). */
  members: readonly (MemberView | { forceCode: string; nominalId: string; state?: undefined })[];
  /** Incidents naming the person's records: `subject` is the member key it names. */
  incidents: readonly (IncidentView & { subject: { forceCode: string; nominalId: string } })[];
  depth: 1 | 2;
  /** Records (of any person) holding this identifier exactly; only called at depth 2. */
  holdersOf?: (identifier: RecordIdentifier) => readonly SharedHolder[];
}

/** Bounds of depth 2: other persons in all, and records shown per identifier. */
export const NETWORK_BOUNDS = { persons: 25, holdersPerIdentifier: 10, labelLength: 48 } as const;

export function buildNetwork(recipient: string, input: NetworkInput): Network {
  const g = new GraphBuilder();
  const person = personNode(input.personId);
  const visible = [...input.members]
    .filter((m): m is MemberView => m.state !== undefined && maySee(recipient, m))
    .sort(byKey);
  const hidden = input.members.filter((m) => m.state === undefined || !maySee(recipient, m));
  g.node(person, personLabel(input.personId, visible[0]));
  const identifiers = new Map<string, RecordIdentifier>();
  for (const m of visible) {
    const rec = recordNode(m);
    g.node(rec, recordLabel(m), 'record');
    g.edge(person, rec, 'has_record');
    g.edge(rec, g.force(m.forceCode), 'held_by');
    for (const id of recordIdentifiers(m.state)) {
      identifiers.set(id.key, id);
      g.edge(rec, g.identifier(id), 'has_identifier');
    }
  }
  for (const f of [...new Set(hidden.map((m) => m.forceCode))].sort()) {
    const hit = `hit:${input.personId}:${f}`;
    const h = hitOnlyHolder(f);
    g.node(hit, `record held by ${h.forceName} — contact ${h.contact}`, 'record', true);
    g.edge(person, hit, 'has_record');
    g.edge(hit, g.force(f), 'held_by');
  }
  // Incidents only through records the caller may see, and only those it may see itself.
  const shown = new Set(visible.map(memberId));
  for (const i of [...input.incidents].sort(byIncident)) {
    if (!shown.has(memberId(i.subject)) || !maySee(recipient, i)) continue;
    const inc = `incident:${i.forceCode}:${i.incidentId}`;
    g.node(inc, incidentLabel(i), 'incident');
    g.edge(`record:${memberId(i.subject)}`, inc, 'subject_of', roles(i));
    g.edge(inc, g.force(i.forceCode), 'recorded_by');
  }
  let truncated = false;
  if (input.depth === 2 && input.holdersOf)
    truncated = expand(g, recipient, input, shown, identifiers, input.holdersOf);
  return {
    nationalPersonId: input.personId,
    depth: input.depth,
    nodes: g.nodes(),
    edges: g.edges(),
    truncated,
  };
}

/** Depth 2: other persons' records the caller may see that hold the person's identifiers. */
function expand(
  g: GraphBuilder,
  recipient: string,
  input: NetworkInput,
  own: ReadonlySet<string>,
  identifiers: ReadonlyMap<string, RecordIdentifier>,
  holdersOf: (identifier: RecordIdentifier) => readonly SharedHolder[],
): boolean {
  const persons = new Set<string>();
  let truncated = false;
  for (const id of [...identifiers.values()].sort((x, y) => cmp(x.key, y.key))) {
    if (!id.expandable) continue;
    const holders = holdersOf(id)
      .filter(
        (h) =>
          h.personId !== input.personId &&
          !own.has(memberId(h.member)) &&
          maySee(recipient, h.member),
      )
      .sort((x, y) => cmp(x.personId, y.personId) || byKey(x.member, y.member));
    if (holders.length > NETWORK_BOUNDS.holdersPerIdentifier) truncated = true;
    for (const h of holders.slice(0, NETWORK_BOUNDS.holdersPerIdentifier)) {
      if (!persons.has(h.personId) && persons.size >= NETWORK_BOUNDS.persons) {
        truncated = true;
        continue;
      }
      persons.add(h.personId);
      const p = personNode(h.personId);
      const rec = recordNode(h.member);
      g.node(p, personLabel(h.personId, h.member));
      g.node(rec, recordLabel(h.member), 'record');
      g.edge(p, rec, 'has_record');
      g.edge(rec, g.force(h.member.forceCode), 'held_by');
      g.edge(rec, `identifier:${id.key}`, 'has_identifier');
    }
  }
  return truncated;
}

/** Nodes and edges once each, in the order first added. */
class GraphBuilder {
  private readonly nodeMap = new Map<string, NetworkNode>();
  private readonly edgeMap = new Map<string, NetworkEdge>();

  node(id: string, label: string, type?: NodeType, hitOnly?: true): string {
    if (!this.nodeMap.has(id))
      this.nodeMap.set(id, {
        id,
        type: type ?? (id.slice(0, id.indexOf(':')) as NodeType),
        // A hit-only node's label is the hub's own text (who holds it, whom to contact): whole.
        label: hitOnly ? label : short(label),
        ...(hitOnly ? { hitOnly } : {}),
      });
    return id;
  }

  edge(source: string, target: string, type: EdgeType, label?: string): void {
    const k = `${source}\u0000${target}\u0000${type}`;
    if (!this.edgeMap.has(k))
      this.edgeMap.set(k, { source, target, type, ...(label ? { label } : {}) });
  }

  force(code: string): string {
    return this.node(`force:${code}`, forceName(code), 'force');
  }

  identifier(id: RecordIdentifier): string {
    return this.node(`identifier:${id.key}`, id.label, 'identifier');
  }

  nodes(): NetworkNode[] {
    return [...this.nodeMap.values()];
  }

  edges(): NetworkEdge[] {
    return [...this.edgeMap.values()];
  }
}

const personNode = (personId: string) => `person:${personId}`;
const memberId = (m: { forceCode: string; nominalId: string }) => `${m.forceCode}:${m.nominalId}`;
const recordNode = (m: MemberView) => `record:${memberId(m)}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byKey = (a: { forceCode: string; nominalId: string }, b: typeof a) =>
  cmp(memberId(a), memberId(b));
const byIncident = (a: IncidentView, b: IncidentView) =>
  cmp(`${a.forceCode}:${a.incidentId}`, `${b.forceCode}:${b.incidentId}`);

/** A record's first name as recorded, and its force: `William Hendry (36)`. */
function recordLabel(m: MemberView): string {
  return `${nameOf(m) || 'unnamed'} (${m.forceCode})`;
}

/** A person by the first record the caller may see, else by its id. */
function personLabel(personId: string, m: MemberView | undefined): string {
  const name = m ? nameOf(m) : '';
  return name || `person ${personId.slice(0, 8)}`;
}

function nameOf(m: MemberView): string {
  const n = m.state.names[0];
  return n ? [...n.given, n.family].filter((x) => x.trim() !== '').join(' ') : '';
}

function incidentLabel(i: IncidentView): string {
  const category = i.state.category
    .replace(/^INCIDENT_CATEGORY_/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
  const when = timestampToDate(i.state.occurredFrom)?.toISOString().slice(0, 7) ?? '';
  return [category.charAt(0).toUpperCase() + category.slice(1), when].filter(Boolean).join(' ');
}

function roles(i: IncidentView): string {
  return i.roles.map((r) => r.replace(/^SUBJECT_ROLE_/, '').toLowerCase()).join(', ');
}

function short(label: string): string {
  const max = NETWORK_BOUNDS.labelLength;
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}
