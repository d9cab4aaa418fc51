// Search: names, date of birth, PNC/CRO, an online identifier. Ranked results with their band,
// flags and holding forces; another force's C record only as "held by <force> — contact ...".
import { post } from './api.js';
import { field, h, input, select, fill } from './dom.js';
import { nameText, personTitle, score } from './format.js';
import { href } from './router.js';
import { ONLINE_KINDS, buildSearch, type SearchForm } from './search-query.js';
import type { Holding, PersonMatch, SearchResponse } from './types.js';
import { bandBadge, errorBox, flagChips, heading, hitOnlyLine, loading } from './ui.js';

/** The last search and its answer: coming back to the screen shows them again. */
let last: { form: SearchForm; response?: SearchResponse } | undefined;

export function renderSearch(main: HTMLElement): void {
  const given = input('given', { autocomplete: 'off' });
  const family = input('family');
  const dob = input('dob', { placeholder: 'YYYY-MM-DD', inputmode: 'numeric' });
  const pnc = input('pnc', { placeholder: 'YYYY/NNNNNNNX' });
  const cro = input('cro', { placeholder: 'NNNNNN/YYX' });
  const kind = select('online-kind', ONLINE_KINDS);
  const platform = input('platform', { placeholder: 'e.g. discord' });
  const online = input('online', { placeholder: 'username, e-mail, phone…' });
  const results = h('section', {
    class: 'results',
    attrs: { 'aria-live': 'polite', 'aria-label': 'Results' },
  });
  if (last) {
    given.value = last.form.given;
    family.value = last.form.family;
    dob.value = last.form.dateOfBirth;
    pnc.value = last.form.pnc;
    cro.value = last.form.cro;
    kind.value = last.form.onlineKind || 'USERNAME';
    platform.value = last.form.platform;
    online.value = last.form.onlineValue;
    if (last.response) results.append(resultList(last.response));
  }
  const readForm = (): SearchForm => ({
    given: given.value,
    family: family.value,
    dateOfBirth: dob.value,
    pnc: pnc.value,
    cro: cro.value,
    onlineKind: kind.value,
    onlineValue: online.value,
    platform: platform.value,
  });
  const form = h(
    'form',
    {
      class: 'search-form',
      attrs: { role: 'search', 'aria-label': 'Search persons' },
      on: {
        submit: (e) => {
          e.preventDefault();
          const f = readForm();
          const built = buildSearch(f);
          if (!built.ok) {
            fill(results, errorBox(new Error(built.message)));
            return;
          }
          last = { form: f };
          fill(results, loading('Searching'));
          void post<SearchResponse>('/persons/search', built.body)
            .then((r) => {
              last = { form: f, response: r };
              fill(results, resultList(r));
            })
            .catch((err: unknown) => fill(results, errorBox(err)));
        },
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Person'),
      field('Given name', given),
      field('Family name', family),
      field('Date of birth', dob, 'YYYY, YYYY-MM or YYYY-MM-DD'),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Reference numbers'),
      field('PNC ID', pnc),
      field('CRO number', cro),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Online identifier'),
      field('Kind', kind),
      field('Platform', platform),
      field('Value', online),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Search'),
    ),
  );
  fill(main, heading('Search the national index'), form, results);
}

function resultList(r: SearchResponse): HTMLElement {
  if (r.results.length === 0) {
    return h(
      'p',
      { class: 'empty' },
      'No national person matches. The search is recorded in the audit',
      r.auditRef ? ` (entry ${r.auditRef}).` : '.',
    );
  }
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'result-count' },
      `${r.results.length} result${r.results.length === 1 ? '' : 's'}, best first`,
      r.auditRef ? ` · audit entry ${r.auditRef}` : '',
    ),
    h('ol', { class: 'result-list' }, ...r.results.map(resultItem)),
  );
}

function resultItem(m: PersonMatch, i: number): HTMLElement {
  const full = m.holdings.filter((x) => x.disclosure === 'FULL');
  const title =
    personTitle(full.map((x) => nameText(x.name))) ?? 'Restricted: held by another force';
  return h(
    'li',
    { class: 'result', attrs: { 'data-person': m.nationalPersonId } },
    h(
      'div',
      { class: 'result-head' },
      h('span', { class: 'rank', attrs: { 'aria-label': `Rank ${i + 1}` } }, String(i + 1)),
      h(
        'a',
        { class: 'result-name', attrs: { href: href('person', [m.nationalPersonId]) } },
        title,
      ),
      bandBadge(m.band),
      h('span', { class: 'score', attrs: { title: 'Match score (log2 odds)' } }, score(m.score)),
    ),
    flagChips(m.flags),
    h('ul', { class: 'holdings' }, ...m.holdings.map(holdingItem)),
  );
}

function holdingItem(x: Holding): HTMLElement {
  if (x.disclosure === 'HIT_ONLY') return h('li', { class: 'holding-line' }, hitOnlyLine(x));
  return h(
    'li',
    { class: 'holding-line' },
    h('span', { class: 'force' }, `${x.forceName} (${x.forceCode})`),
    ' ',
    nameText(x.name),
    x.dateOfBirth ? `, born ${x.dateOfBirth}` : '',
    x.nominalId ? h('span', { class: 'muted' }, ` · record ${x.nominalId}`) : null,
  );
}
