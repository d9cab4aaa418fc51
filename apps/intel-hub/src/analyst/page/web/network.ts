// The link chart: a person–record–identifier–incident–force graph drawn with cytoscape
// (loaded on first use from /analyst/vendor/cytoscape.min.js), typed node styles, a person
// expanded on click, and exports to i2 ANX and CSV, each under its own justification.
import type cytoscape from 'cytoscape';
import { get } from './api.js';
import { button, dl, h, fill, type Child } from './dom.js';
import { openExportDialog } from './export.js';
import { href } from './router.js';
import type { Network } from './types.js';
import { errorBox, heading, loading } from './ui.js';
import { NODE_TYPE_LABELS, newElements, personIdOf, type ChartElement } from './network-model.js';

declare global {
  interface Window {
    cytoscape?: typeof cytoscape;
  }
}

let loadingLib: Promise<typeof cytoscape> | undefined;

/** The library as a classic script from the page's own origin (CSP script-src 'self'). */
function loadCytoscape(): Promise<typeof cytoscape> {
  loadingLib ??= new Promise((resolve, reject) => {
    if (window.cytoscape) return resolve(window.cytoscape);
    const s = document.createElement('script');
    s.src = 'vendor/cytoscape.min.js';
    s.onload = () =>
      window.cytoscape ? resolve(window.cytoscape) : reject(new Error('cytoscape did not load'));
    s.onerror = () => {
      loadingLib = undefined;
      reject(new Error('The chart library could not be loaded'));
    };
    document.head.append(s);
  });
  return loadingLib;
}

const COLOURS = {
  person: '#1d3557',
  record: '#2f6690',
  identifier: '#2a7f62',
  incident: '#b5482a',
  force: '#5c636a',
  hitOnly: '#d9d9d9',
};

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 12,
      'font-family': 'system-ui, sans-serif',
      color: '#1b1b1b',
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-wrap': 'wrap',
      'text-max-width': '96px',
      'border-width': 1,
      'border-color': '#fff',
      width: 30,
      height: 30,
    },
  },
  {
    selector: 'node.person',
    style: {
      shape: 'ellipse',
      'background-color': COLOURS.person,
      width: 48,
      height: 48,
      'font-weight': 'bold',
      'font-size': 16,
    },
  },
  {
    selector: 'node.record',
    style: { shape: 'round-rectangle', 'background-color': COLOURS.record, width: 40, height: 28 },
  },
  {
    selector: 'node.identifier',
    style: { shape: 'diamond', 'background-color': COLOURS.identifier },
  },
  {
    selector: 'node.incident',
    style: { shape: 'triangle', 'background-color': COLOURS.incident, width: 30, height: 28 },
  },
  {
    selector: 'node.force',
    style: { shape: 'hexagon', 'background-color': COLOURS.force, width: 32, height: 30 },
  },
  {
    selector: 'node.hit-only',
    style: {
      'background-color': COLOURS.hitOnly,
      'border-style': 'dashed',
      'border-width': 2,
      'border-color': '#6c757d',
      color: '#444',
      'font-style': 'italic',
    },
  },
  { selector: 'node.expanded', style: { 'border-width': 3, 'border-color': '#f4a261' } },
  {
    selector: 'node:selected',
    style: { 'overlay-color': '#f4a261', 'overlay-opacity': 0.25, 'overlay-padding': 6 },
  },
  {
    selector: 'edge',
    style: {
      width: 1.5,
      'line-color': '#9aa5b1',
      'curve-style': 'bezier',
      'target-arrow-shape': 'none',
      label: 'data(label)',
      'font-size': 10,
      color: '#5c636a',
      'text-rotation': 'autorotate',
      'text-background-color': '#fff',
      'text-background-opacity': 0.8,
      'text-background-padding': '1px',
    },
  },
];

export async function renderNetwork(main: HTMLElement, personId: string): Promise<() => void> {
  const title = heading('Network chart');
  const status = h(
    'div',
    { class: 'chart-status', attrs: { 'aria-live': 'polite' } },
    loading('Loading the network'),
  );
  const container = h('div', {
    class: 'chart',
    id: 'chart',
    attrs: { role: 'img', 'aria-label': 'Link chart; the table below lists the same nodes' },
  });
  const panel = h(
    'aside',
    { class: 'chart-panel', attrs: { 'aria-label': 'Selected node' } },
    h('p', { class: 'muted' }, 'Click a person to expand it; click any node for its details.'),
  );
  const nodeTable = h('tbody', {});
  const exportButtons = [
    button('Export i2 ANX', () => openExportDialog('anx', personId), { 'data-export': 'anx' }),
    button('Export CSV', () => openExportDialog('csv', personId), { 'data-export': 'csv' }),
    button(
      'Persons sharing its identifiers',
      (e) => {
        (e.currentTarget as HTMLButtonElement).disabled = true;
        void deepen().catch((err: unknown) => fill(status, errorBox(err)));
      },
      { 'data-depth': '2' },
    ),
  ];
  fill(
    main,
    title,
    h(
      'nav',
      { class: 'actions', attrs: { 'aria-label': 'Chart actions' } },
      h(
        'a',
        { class: 'button', attrs: { href: href('person', [personId]) } },
        'Back to the dossier',
      ),
      ...exportButtons,
    ),
    legend(),
    status,
    h('div', { class: 'chart-wrap' }, container, panel),
    h(
      'details',
      { class: 'card' },
      h('summary', {}, 'Nodes as a table'),
      h(
        'table',
        { class: 'table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Type', 'Label', 'Id', ''].map((t) => h('th', { attrs: { scope: 'col' } }, t)),
          ),
        ),
        nodeTable,
      ),
    ),
  );
  let cy: cytoscape.Core | undefined;
  const shown = { nodes: new Set<string>(), edges: new Set<string>() };
  const expanded = new Set<string>();
  let truncated = false;
  const summary = () =>
    h(
      'p',
      { class: 'muted' },
      `${shown.nodes.size} nodes, ${shown.edges.size} links`,
      truncated ? ' — more persons share these identifiers than are shown' : '',
    );

  // The canvas is for the eye; the table gives the same with a keyboard.
  const personActions = (el: ChartElement): Child[] => {
    const pid = el.data.personId;
    if (el.data.type !== 'person' || el.data.hitOnly || typeof pid !== 'string') return [];
    return [
      button(
        'Expand',
        (e) => {
          (e.currentTarget as HTMLButtonElement).disabled = true;
          void expand(pid, String(el.data.id)).catch((err: unknown) => fill(status, errorBox(err)));
        },
        expanded.has(pid) ? { disabled: true } : {},
      ),
      ' ',
      h('a', { attrs: { href: href('person', [pid]) } }, 'Dossier'),
    ];
  };

  const add = (net: Network) => {
    truncated ||= net.truncated === true;
    const els = newElements(shown, net);
    for (const el of els) {
      if (el.group === 'nodes') {
        shown.nodes.add(String(el.data.id));
        nodeTable.append(
          h(
            'tr',
            {},
            h(
              'td',
              {},
              NODE_TYPE_LABELS[el.data.type as keyof typeof NODE_TYPE_LABELS] ??
                String(el.data.type),
            ),
            h('td', {}, String(el.data.fullLabel ?? el.data.label ?? '')),
            h('td', {}, h('code', {}, String(el.data.id))),
            h('td', {}, ...personActions(el)),
          ),
        );
      } else shown.edges.add(String(el.data.id));
    }
    return els;
  };

  /** Depth 2 around the person: other persons' records holding its identifiers. */
  const deepen = async () => {
    fill(status, loading('Looking for persons sharing its identifiers'));
    const net = await get<Network>(`/persons/${encodeURIComponent(personId)}/network`, {
      query: { depth: 2 },
    });
    const els = add(net);
    if (cy) {
      cy.add(els);
      runLayout(cy);
    }
    fill(status, summary());
  };

  const expand = async (pid: string, nodeId?: string) => {
    if (expanded.has(pid)) return;
    fill(status, loading('Expanding'));
    const net = await get<Network>(`/persons/${encodeURIComponent(pid)}/network`, {
      query: { depth: 1 },
    });
    expanded.add(pid);
    const els = add(net);
    if (cy) {
      cy.add(els);
      if (nodeId) cy.getElementById(nodeId).addClass('expanded');
      runLayout(cy);
    }
    fill(status, summary());
  };

  try {
    const [lib, net] = await Promise.all([
      loadCytoscape(),
      get<Network>(`/persons/${encodeURIComponent(personId)}/network`, { query: { depth: 1 } }),
    ]);
    expanded.add(personId);
    const els = add(net);
    cy = lib({
      container,
      elements: els as cytoscape.ElementDefinition[],
      style: STYLE,
      minZoom: 0.2,
      maxZoom: 3,
    });
    cy.nodes('.person').forEach((n) => {
      if (expanded.has(String(n.data('personId') ?? personIdOf(n.id())))) n.addClass('expanded');
    });
    runLayout(cy);
    fill(status, summary());
    cy.on('tap', 'node', (evt) => {
      const n = evt.target as cytoscape.NodeSingular;
      fill(panel, nodePanel(n));
      if (n.data('type') === 'person' && !n.data('hitOnly')) {
        const pid = String(n.data('personId') ?? personIdOf(n.id()));
        void expand(pid, n.id()).catch((err: unknown) => fill(status, errorBox(err)));
      }
    });
  } catch (err) {
    fill(status, errorBox(err));
  }
  return () => cy?.destroy();
}

function runLayout(cy: cytoscape.Core): void {
  // A tree from the persons shown: their records, then what the records hold (identifiers,
  // incidents) and the forces holding them. Deterministic: the chart reads the same each time.
  const persons = cy.nodes('.person.expanded').nonempty()
    ? cy.nodes('.person.expanded')
    : cy.nodes('.person');
  cy.layout({
    name: 'breadthfirst',
    // A collection is what cytoscape takes (its typings say string[]).
    roots: persons as unknown as string[],
    directed: false,
    spacingFactor: 1,
    avoidOverlap: true,
    nodeDimensionsIncludeLabels: true,
    animate: false,
    fit: false,
  }).run();
  // The tree is as wide as its widest level and flat: stretch its levels apart to the
  // container's proportions (at most 3 times), then fit it.
  const bb = cy.elements().boundingBox();
  const aspect = cy.height() / Math.max(cy.width(), 1);
  const stretch = Math.min(3, Math.max(1, (bb.w * aspect) / Math.max(bb.h, 1)));
  const top = bb.y1;
  cy.nodes().positions((n) => ({
    x: n.position('x'),
    y: top + (n.position('y') - top) * stretch,
  }));
  cy.fit(undefined, 24);
}

function nodePanel(n: cytoscape.NodeSingular): HTMLElement {
  const type = String(n.data('type'));
  const pid = n.data('personId') as string | undefined;
  return h(
    'div',
    {},
    h('h2', {}, NODE_TYPE_LABELS[type as keyof typeof NODE_TYPE_LABELS] ?? type),
    dl([
      ['Label', String(n.data('fullLabel') ?? n.data('label') ?? '')],
      ['Force', String(n.data('forceCode') ?? '')],
      ['Id', h('code', {}, n.id())],
      ['Disclosure', n.data('hitOnly') ? 'Hit only: ask the holding force' : ''],
    ]),
    type === 'person' && pid && !n.data('hitOnly')
      ? h('a', { class: 'button', attrs: { href: href('person', [pid]) } }, 'Open dossier')
      : null,
  );
}

function legend(): HTMLElement {
  return h(
    'ul',
    { class: 'legend', attrs: { 'aria-label': 'Legend' } },
    ...(['person', 'record', 'identifier', 'incident', 'force'] as const).map((t) =>
      h(
        'li',
        {},
        h('span', { class: `swatch swatch-${t}`, attrs: { 'aria-hidden': 'true' } }),
        NODE_TYPE_LABELS[t],
      ),
    ),
    h(
      'li',
      {},
      h('span', { class: 'swatch swatch-hit-only', attrs: { 'aria-hidden': 'true' } }),
      'Hit only (another force\u2019s C record)',
    ),
  );
}
