// The dossier of a national person: holdings per force (3x5x2 grading, handling code),
// identifiers, incidents (paged), flags with reason, evidence and when raised, merge history,
// and the links between its records (each with its explanation).
import { get } from './api.js';
import { dl, h, fill } from './dom.js';
import {
  flagLabel,
  gradingText,
  handlingLetter,
  humanise,
  identifierText,
  nameText,
  personTitle,
  score,
  stripPrefix,
} from './format.js';
import { loadPaged } from './pager.js';
import { href } from './router.js';
import type {
  LinkEnd,
  Dossier,
  DossierHolding,
  Flag,
  FlagEvidence,
  Incident,
  Link,
  Page,
} from './types.js';
import { bandBadge, errorBox, heading, hitOnlyLine, loading, when } from './ui.js';

export async function renderDossier(main: HTMLElement, personId: string): Promise<void> {
  fill(main, heading('Dossier'), loading('Loading the dossier'));
  let d: Dossier;
  try {
    d = await get<Dossier>(`/persons/${encodeURIComponent(personId)}`);
  } catch (err) {
    fill(main, heading('Dossier'), errorBox(err));
    return;
  }
  const full = d.holdings.filter((x) => x.disclosure === 'FULL');
  const name = personTitle(full.flatMap((x) => x.names ?? []).map(nameText)) ?? 'Restricted person';
  const incidents = h('section', {
    class: 'card',
    attrs: { 'aria-labelledby': 'incidents-title' },
  });
  const links = h('section', { class: 'card', attrs: { 'aria-labelledby': 'links-title' } });
  fill(
    main,
    heading(name, h('span', { class: 'person-id' }, ` ${d.nationalPersonId}`)),
    h(
      'nav',
      { class: 'actions', attrs: { 'aria-label': 'Person actions' } },
      h(
        'a',
        { class: 'button', attrs: { href: href('network', [d.nationalPersonId]) } },
        'Network chart',
      ),
      d.auditRef ? h('span', { class: 'muted' }, `Audit entry ${d.auditRef}`) : null,
    ),
    flagsSection(d.flags),
    h(
      'section',
      { class: 'card', attrs: { 'aria-labelledby': 'holdings-title' } },
      h('h2', { id: 'holdings-title' }, 'Holdings by force'),
      h('div', { class: 'holding-grid' }, ...d.holdings.map(holdingCard)),
    ),
    identifiersSection(d),
    links,
    incidents,
    historySection(d),
  );
  void renderIncidents(incidents, personId);
  void renderLinks(links, personId);
}

function flagsSection(flags: Flag[]): HTMLElement {
  return h(
    'section',
    { class: 'card', attrs: { 'aria-labelledby': 'flags-title' } },
    h('h2', { id: 'flags-title' }, 'Flags'),
    flags.length === 0
      ? h('p', { class: 'empty' }, 'No flags.')
      : h(
          'ul',
          { class: 'flag-list' },
          ...flags.map((f) =>
            h(
              'li',
              { class: `flag-item flag-${stripPrefix(f.type, 'FLAG_TYPE_').toLowerCase()}` },
              h('strong', {}, flagLabel(f.type)),
              f.raisedAt ? h('span', { class: 'muted' }, ' raised ', when(f.raisedAt)) : null,
              f.reason ? h('p', {}, f.reason) : null,
              f.evidence && f.evidence.length > 0
                ? h(
                    'ul',
                    { class: 'evidence', attrs: { 'aria-label': 'Evidence' } },
                    ...f.evidence.map(evidenceItem),
                  )
                : null,
            ),
          ),
        ),
  );
}

function evidenceItem(e: FlagEvidence): HTMLElement {
  return h('li', {}, `${humanise(e.entity)} held by force ${e.forceCode} `, h('code', {}, e.id));
}

function holdingCard(x: DossierHolding): HTMLElement {
  const head = h('h3', {}, `${x.forceName} (${x.forceCode})`);
  if (x.disclosure === 'HIT_ONLY') {
    return h(
      'article',
      { class: 'holding hit-only-card', attrs: { 'data-force': x.forceCode } },
      head,
      h(
        'p',
        { class: 'hit-only' },
        h('span', { class: 'hit-only-badge' }, 'Hit only'),
        ' This force holds something under handling code C. Ask them: ',
        h('strong', {}, x.contact),
      ),
    );
  }
  const g = x.grading ? gradingText(x.grading) : undefined;
  const code = handlingLetter(x.handlingCode ?? x.grading?.handling);
  return h(
    'article',
    { class: 'holding', attrs: { 'data-force': x.forceCode } },
    head,
    dl([
      ['Record', x.nominalId ?? ''],
      ['Grading', g ? h('abbr', { class: 'grading', attrs: { title: g.long } }, g.short) : ''],
      [
        'Handling',
        code ? h('span', { class: `handling handling-${code.toLowerCase()}` }, code) : '',
      ],
      [
        'Names',
        (x.names ?? []).map((n) =>
          h(
            'span',
            { class: 'value' },
            nameText(n),
            n.type && stripPrefix(n.type, 'NAME_TYPE_') === 'ALIAS' ? ' (alias)' : '',
          ),
        ),
      ],
      [
        'Born',
        x.datesOfBirth && x.datesOfBirth.length > 1
          ? x.datesOfBirth.join('; ')
          : (x.dateOfBirth ?? ''),
      ],
      ['Sex', x.sex ? humanise(stripPrefix(x.sex, 'SEX_')) : ''],
      [
        'Category',
        (x.subjectCategories ?? [])
          .map((c) => humanise(stripPrefix(c, 'SUBJECT_CATEGORY_')))
          .join(', '),
      ],
      [
        'Registration',
        (x.registrations ?? []).map((r) =>
          h(
            'span',
            { class: 'value' },
            `${r.active ? 'Active' : 'Ended'}, managed by force ${r.managingForce}`,
            r.startDate ? ` since ${r.startDate}` : '',
            r.endDate ? ` until ${r.endDate}` : '',
            r.visorRef ? ` (ViSOR ${r.visorRef})` : '',
          ),
        ),
      ],
      [
        'Identifiers',
        (x.identifiers ?? []).map((i) => h('span', { class: 'value' }, identifierText(i))),
      ],
      [
        'Online',
        (x.onlineIdentifiers ?? []).map((i) => h('span', { class: 'value' }, identifierText(i))),
      ],
      [
        'Addresses',
        (x.addresses ?? []).map((a) =>
          h('span', { class: 'value' }, [a.line, a.town, a.postcode].filter(Boolean).join(', ')),
        ),
      ],
      ['Conditions', x.handlingConditions ?? ''],
      ['Contact', x.contact],
      ['Updated', x.updatedAt ? when(x.updatedAt) : ''],
    ]),
  );
}

function identifiersSection(d: Dossier): HTMLElement {
  return h(
    'section',
    { class: 'card', attrs: { 'aria-labelledby': 'ids-title' } },
    h('h2', { id: 'ids-title' }, 'Identifiers'),
    d.identifiers.length === 0
      ? h('p', { class: 'empty' }, 'None disclosed.')
      : h(
          'ul',
          { class: 'identifier-list' },
          ...d.identifiers.map((i) =>
            h(
              'li',
              {},
              identifierText({ kind: i.type, value: i.value, platform: i.platform }),
              h('span', { class: 'muted' }, ` held by ${i.forces.join(', ')}`),
            ),
          ),
        ),
  );
}

function historySection(d: Dossier): HTMLElement {
  const merged = d.history?.mergedFrom ?? [];
  return h(
    'section',
    { class: 'card', attrs: { 'aria-labelledby': 'history-title' } },
    h('h2', { id: 'history-title' }, 'History'),
    dl([['Created', d.history?.createdAt ? when(d.history.createdAt) : '']]),
    merged.length === 0
      ? h('p', { class: 'empty' }, 'No merges.')
      : h('ul', {}, ...merged.map((m) => h('li', {}, 'Merged from ', h('code', {}, m)))),
  );
}

async function renderIncidents(section: HTMLElement, personId: string): Promise<void> {
  const body = h('tbody', {});
  const table = h(
    'table',
    { class: 'table' },
    h('caption', { class: 'visually-hidden' }, 'Incidents'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['When', 'Force', 'Category', 'Platforms', 'Outcome', 'Risk', 'Summary'].map((t) =>
          h('th', { attrs: { scope: 'col' } }, t),
        ),
      ),
    ),
    body,
  );
  const more = h('div', { class: 'more' });
  fill(section, h('h2', { id: 'incidents-title' }, 'Incidents'), table, more);
  await loadPaged({
    body,
    more,
    what: 'incidents',
    fetch: (cursor) =>
      get<Page<Incident>>(`/persons/${encodeURIComponent(personId)}/incidents`, {
        query: { cursor, limit: 10 },
      }),
    row: incidentRow,
  });
}

function incidentRow(i: Incident): HTMLElement {
  const force = `${i.forceName} (${i.forceCode})`;
  if (!i.available) {
    return h(
      'tr',
      { class: 'withdrawn' },
      h('td', {}),
      h('td', {}, force),
      h('td', { attrs: { colspan: 5 } }, `Withdrawn by the force (incident ${i.incidentId})`),
    );
  }
  const e = (v: string | undefined, p: string) => (v ? humanise(stripPrefix(v, p)) : '');
  return h(
    'tr',
    {},
    h('td', {}, when(i.occurredFrom ?? i.reportedAt)),
    h('td', {}, force),
    h(
      'td',
      {},
      e(i.category, 'INCIDENT_CATEGORY_'),
      i.offenceCodes?.length
        ? h('span', { class: 'muted' }, ` ${i.offenceCodes.join(', ')}`)
        : null,
    ),
    h('td', {}, (i.platforms ?? []).join(', ')),
    h('td', {}, e(i.outcome, 'INCIDENT_OUTCOME_')),
    h(
      'td',
      {},
      i.immediateRiskToChild ? h('strong', { class: 'risk' }, 'Immediate risk to a child') : '',
    ),
    h('td', {}, i.summary ?? ''),
  );
}

export const refText = (r: { forceCode: string; nominalId: string }): string =>
  `${r.forceCode}/${r.nominalId}`;

/** A record named on screen by its force and the start of its id (whole in the title). */
export function refCode(r: { forceCode: string; nominalId: string }): HTMLElement {
  return h('code', { attrs: { title: refText(r) } }, `${r.forceCode}/${r.nominalId.slice(0, 8)}…`);
}

const isRecord = (e: LinkEnd | null): e is { forceCode: string; nominalId: string } =>
  e !== null && !('hitOnly' in e);

function linkItem(l: Link): HTMLElement {
  const { a, b } = l;
  // A link touching another force's C record: one line per holding force, nothing else.
  if (!isRecord(a) || !isRecord(b)) {
    const holder = [a, b].find(
      (e): e is Extract<LinkEnd, { hitOnly: true }> => e !== null && 'hitOnly' in e,
    );
    return h(
      'li',
      { class: 'link-item' },
      holder ? hitOnlyLine(holder) : 'A link to a record held by another force',
    );
  }
  return h(
    'li',
    { class: 'link-item' },
    refCode(a),
    ' ↔ ',
    refCode(b),
    ' ',
    bandBadge(l.band),
    l.score !== null ? h('span', { class: 'score' }, ` ${score(l.score)}`) : null,
    ' ',
    h(
      'a',
      {
        class: 'button small',
        attrs: { href: href('explain', [], { a: refText(a), b: refText(b) }) },
      },
      'Explain',
    ),
  );
}

async function renderLinks(section: HTMLElement, personId: string): Promise<void> {
  fill(
    section,
    h('h2', { id: 'links-title' }, 'Links between its records'),
    loading('Loading links'),
  );
  try {
    const res = await get<{ links: Link[] }>(`/persons/${encodeURIComponent(personId)}/links`);
    const items = res.links.map(linkItem);
    fill(
      section,
      h('h2', { id: 'links-title' }, 'Links between its records'),
      items.length === 0
        ? h('p', { class: 'empty' }, 'One record: no links.')
        : h('ul', { class: 'link-list' }, ...items),
    );
  } catch (err) {
    fill(section, h('h2', { id: 'links-title' }, 'Links between its records'), errorBox(err));
  }
}
