// The alerts inbox for the user's force, with acknowledgement.
import { get, post } from './api.js';
import { button, h, fill } from './dom.js';
import { flagLabel, humanise, stripPrefix } from './format.js';
import { href } from './router.js';
import type { Acknowledgement, Alert, Page } from './types.js';
import { errorBox, heading, when } from './ui.js';
import { loadPaged } from './pager.js';

export async function renderAlerts(main: HTMLElement): Promise<void> {
  const onlyNew = h('input', {
    attrs: { type: 'checkbox', id: 'only-unacknowledged', checked: true },
  });
  const body = h('tbody', {});
  const more = h('div', { class: 'more' });
  fill(
    main,
    heading('Alerts'),
    h(
      'p',
      { class: 'filters' },
      h(
        'label',
        { attrs: { for: 'only-unacknowledged' } },
        onlyNew,
        ' Only alerts not yet acknowledged',
      ),
    ),
    h(
      'table',
      { class: 'table alerts' },
      h('caption', { class: 'visually-hidden' }, 'Alerts for your force'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Raised', 'Alert', 'Person', 'Flags', 'Acknowledged'].map((t) =>
            h('th', { attrs: { scope: 'col' } }, t),
          ),
        ),
      ),
      body,
    ),
    more,
  );
  const pager = {
    body,
    more,
    what: 'alerts',
    fetch: (cursor?: string) =>
      get<Page<Alert>>('/alerts', {
        query: { cursor, unacknowledged: onlyNew.checked ? true : undefined },
      }),
    row: alertRow,
  };
  onlyNew.addEventListener('change', () => void loadPaged(pager));
  await loadPaged(pager);
}

function alertRow(a: Alert): HTMLElement {
  const ack = h('td', {});
  const showAcked = (x: NonNullable<Alert['acknowledged']>) =>
    fill(ack, h('span', { class: 'ok' }, 'Acknowledged '), when(x.at), ` by ${x.name} (${x.sub})`);
  if (a.acknowledged) showAcked(a.acknowledged);
  else
    ack.append(
      button(
        'Acknowledge',
        (e) => {
          const b = e.currentTarget as HTMLButtonElement;
          b.disabled = true;
          void post<Acknowledgement>(`/alerts/${encodeURIComponent(a.alertId)}/acknowledge`)
            .then((r) => {
              if (r.alert.acknowledged) showAcked(r.alert.acknowledged);
            })
            .catch((err: unknown) => {
              b.disabled = false;
              ack.append(errorBox(err));
            });
        },
        { 'data-alert': a.alertId },
      ),
    );
  return h(
    'tr',
    { attrs: { 'data-alert-row': a.alertId }, class: a.acknowledged ? 'acknowledged' : 'new' },
    h('td', {}, when(a.raisedAt)),
    h(
      'td',
      {},
      humanise(stripPrefix(a.alertType, 'ALERT_TYPE_')),
      a.immediateRiskToChild
        ? h('strong', { class: 'risk' }, ' · immediate risk to a child')
        : null,
      a.priority === 'IMMEDIATE' && a.acknowledgeBy && !a.acknowledged
        ? h('strong', { class: 'risk' }, ' · acknowledge by ', when(a.acknowledgeBy))
        : null,
      a.summary ? h('p', { class: 'muted' }, a.summary) : null,
    ),
    h('td', {}, h('a', { attrs: { href: href('person', [a.nationalPersonId]) } }, 'Dossier')),
    h('td', {}, a.flags.map(flagLabel).join(', ')),
    ack,
  );
}
