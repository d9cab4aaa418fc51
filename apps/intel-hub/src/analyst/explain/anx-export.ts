import type { EdgeType, Network, NetworkNode } from './network';

/**
 * The network as an i2 Analyst's Notebook chart (ANX: the XML chart format Analyst's Notebook
 * opens), produced item by item:
 *
 *   Chart
 *     StrengthCollection / EntityTypeCollection / LinkTypeCollection  (the types used below)
 *     Summary  (title, and the handling note in the comments)
 *     ChartItemCollection
 *       ChartItem Label Description > End X Y > Entity EntityId Identity > Icon > IconStyle Type
 *       ChartItem Label > Link End1Id End2Id > LinkStyle Type Strength ArrowStyle
 *
 * A node's `Identity` is its graph id (stable: Analyst's Notebook merges entities with one
 * identity when charts are combined), its `EntityId` a number within the document that links
 * name as their ends. docs/analyst.md has the mapping. Every attribute value is escaped, and
 * characters XML 1.0 cannot carry are replaced (U+FFFD), so a hostile username cannot break
 * the document or add to it.
 */
interface EntityTypeDef {
  name: string;
  icon: string;
}

const ENTITY_TYPES = {
  person: { name: 'Person', icon: 'Person' },
  record: { name: 'Force record', icon: 'Document' },
  hit: { name: 'Restricted record', icon: 'Document' },
  phone: { name: 'Phone', icon: 'Telephone' },
  email: { name: 'E-mail', icon: 'Email' },
  online: { name: 'Online account', icon: 'Internet' },
  identifier: { name: 'Identifier', icon: 'Document' },
  incident: { name: 'Incident', icon: 'Event' },
  force: { name: 'Police force', icon: 'Police' },
} as const satisfies Record<string, EntityTypeDef>;

const LINK_TYPES: Readonly<Record<EdgeType, string>> = {
  has_record: 'Has record',
  held_by: 'Held by',
  has_identifier: 'Has identifier',
  subject_of: 'Subject of',
  recorded_by: 'Recorded by',
};

/** The i2 entity type of a node. */
export function entityTypeOf(node: NetworkNode): EntityTypeDef {
  if (node.type === 'record') return node.hitOnly ? ENTITY_TYPES.hit : ENTITY_TYPES.record;
  if (node.type !== 'identifier') return ENTITY_TYPES[node.type];
  const kind = node.id.split(':')[1] ?? '';
  if (kind === 'phone') return ENTITY_TYPES.phone;
  if (kind === 'email') return ENTITY_TYPES.email;
  if (['username', 'profile_url', 'platform_user_id', 'device_id'].includes(kind))
    return ENTITY_TYPES.online;
  return ENTITY_TYPES.identifier;
}

export interface AnxMeta {
  title: string;
  /** Handling and provenance, shown in the chart's summary. */
  comments: string;
}

export function* networkAnx(n: Network, meta: AnxMeta): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield '<Chart Rigorous="true" IdReferenceLinking="false">\n';
  yield '  <StrengthCollection>\n';
  yield `    ${el('Strength', { Id: 'Solid', Name: 'Confirmed', DotStyle: 'DotStyleSolid' })}\n`;
  yield '  </StrengthCollection>\n';
  yield '  <EntityTypeCollection>\n';
  for (const t of Object.values(ENTITY_TYPES))
    yield `    ${el('EntityType', { Name: t.name, IconFile: t.icon, PreferredRepresentation: 'RepresentAsIcon' })}\n`;
  yield '  </EntityTypeCollection>\n';
  yield '  <LinkTypeCollection>\n';
  for (const name of Object.values(LINK_TYPES))
    yield `    ${el('LinkType', { Name: name, Colour: '0' })}\n`;
  yield '  </LinkTypeCollection>\n';
  yield '  <Summary>\n    <FieldCollection>\n';
  yield `      ${el('Field', { Field: meta.title, Type: 'SummaryFieldTitle' })}\n`;
  yield `      ${el('Field', { Field: meta.comments, Type: 'SummaryFieldComments' })}\n`;
  yield '    </FieldCollection>\n  </Summary>\n';
  yield '  <ChartItemCollection>\n';
  const entityIds = new Map<string, number>();
  const at = layout(n.nodes);
  for (const node of n.nodes) {
    const id = entityIds.size + 1;
    entityIds.set(node.id, id);
    const [x, y] = at.get(node.id) ?? [0, 0];
    yield `    <ChartItem ${attrs({ Label: node.label, Description: node.hitOnly ? 'hit only: handling code C' : '' })}>\n`;
    yield `      <End ${attrs({ X: String(x), Y: String(y), Z: '0' })}>\n`;
    yield `        <Entity ${attrs({ EntityId: String(id), Identity: node.id, LabelIsIdentity: 'false' })}>\n`;
    yield `          <Icon>${el('IconStyle', { Type: entityTypeOf(node).name })}</Icon>\n`;
    yield '        </Entity>\n      </End>\n    </ChartItem>\n';
  }
  for (const e of n.edges) {
    const a = entityIds.get(e.source);
    const b = entityIds.get(e.target);
    if (a === undefined || b === undefined) continue;
    const label = e.label ? `${LINK_TYPES[e.type]} (${e.label})` : LINK_TYPES[e.type];
    yield `    <ChartItem ${attrs({ Label: label })}>\n`;
    yield `      <Link ${attrs({ End1Id: String(a), End2Id: String(b) })}>`;
    yield `${el('LinkStyle', { Type: LINK_TYPES[e.type], Strength: 'Confirmed', ArrowStyle: 'ArrowOnHead', LineWidth: '1' })}</Link>\n`;
    yield '    </ChartItem>\n';
  }
  yield '  </ChartItemCollection>\n</Chart>\n';
}

/** Rings around the centre by node type: the person, its records, then the rest. */
function layout(nodes: readonly NetworkNode[]): Map<string, [number, number]> {
  const rings = new Map<number, NetworkNode[]>();
  const ringOf = (n: NetworkNode, i: number) =>
    i === 0 ? 0 : n.type === 'record' ? 1 : n.type === 'force' ? 3 : 2;
  nodes.forEach((n, i) => {
    const r = ringOf(n, i);
    const ring = rings.get(r);
    if (ring) ring.push(n);
    else rings.set(r, [n]);
  });
  const out = new Map<string, [number, number]>();
  for (const [r, ns] of rings)
    ns.forEach((n, k) => {
      const angle = (2 * Math.PI * k) / ns.length;
      out.set(n.id, [
        Math.round(600 + 220 * r * Math.cos(angle)),
        Math.round(600 + 220 * r * Math.sin(angle)),
      ]);
    });
  return out;
}

function el(name: string, values: Record<string, string>): string {
  return `<${name} ${attrs(values)}/>`;
}

function attrs(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${escapeXmlAttribute(v)}"`)
    .join(' ');
}

/**
 * An attribute value: markup characters as entities, whitespace that attribute-value
 * normalisation would fold as character references, and what XML 1.0 cannot carry (C0 controls,
 * lone surrogates, U+FFFE/U+FFFF) as U+FFFD.
 */
export function escapeXmlAttribute(v: string): string {
  return v.replace(
    // eslint-disable-next-line no-control-regex
    /[&<>"'\t\n\r]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (c) => XML_ESCAPES[c] ?? '\uFFFD',
  );
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
