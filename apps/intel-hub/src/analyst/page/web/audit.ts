// The audit viewer (auditors): who consulted a person, what a user consulted, over a period;
// and a check of the hash chain over a range of entries.
import { ApiError, get, post } from './api.js';
import { field, h, input, fill } from './dom.js';
import { PURPOSE_LABELS, humanise, stripPrefix } from './format.js';
import type { AuditEntry, AuditVerification, Page, PurposeCode } from './types.js';
import { errorBox, heading, loading, shortId, when } from './ui.js';
import { loadPaged } from './pager.js';

/** A date-time-local value (no zone) as ISO 8601 in UTC, or undefined. */
export function localToIso(v: string): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function renderAudit(main: HTMLElement): void {
  const person = input('a-person', { placeholder: 'national person id' });
  const user = input('a-user', { placeholder: 'analyst:analyst.36' });
  const from = input('a-from', { type: 'datetime-local' });
  const to = input('a-to', { type: 'datetime-local' });
  const body = h('tbody', {});
  const more = h('div', { class: 'more' });
  const results = h(
    'section',
    { class: 'card', attrs: { 'aria-labelledby': 'entries-title' } },
    h('h2', { id: 'entries-title' }, 'Entries'),
    h(
      'table',
      { class: 'table audit' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[
            '#',
            'When',
            'Who',
            'Force',
            'Action',
            'Purpose',
            'Reason',
            'Consultation',
            'Outcome',
          ].map((t) => h('th', { attrs: { scope: 'col' } }, t)),
        ),
      ),
      body,
    ),
    more,
  );
  let query: Record<string, string | undefined> = {};
  const pager = {
    body,
    more,
    what: 'entries',
    fetch: (cursor?: string) =>
      get<Page<AuditEntry>>('/audit/entries', { query: { ...query, cursor } }),
    row: entryRow,
    onError: (err: unknown) => {
      // Refused the screen itself (not an auditor): the problem replaces the screen.
      if (!(err instanceof ApiError && (err.status === 401 || err.status === 403))) return false;
      fill(main, heading('Audit'), errorBox(err));
      return true;
    },
  };
  const filter = h(
    'form',
    {
      class: 'audit-form',
      attrs: { 'aria-label': 'Audit filter' },
      on: {
        submit: (e) => {
          e.preventDefault();
          query = {
            person: person.value.trim() || undefined,
            user: user.value.trim() || undefined,
            from: localToIso(from.value),
            to: localToIso(to.value),
          };
          void loadPaged(pager);
        },
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Who consulted, what, when'),
      field('Person', person),
      field('User', user, 'analyst:<sub>, or a calling system’s name'),
      field('From', from),
      field('To', to),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Show entries'),
    ),
  );
  const fromSeq = input('v-from', { type: 'number', min: 1, required: true });
  const toSeq = input('v-to', { type: 'number', min: 1, required: true });
  const verdict = h('div', { attrs: { 'aria-live': 'polite' } });
  const verify = h(
    'form',
    {
      class: 'verify-form',
      attrs: { 'aria-label': 'Verify the audit chain' },
      on: {
        submit: (e) => {
          e.preventDefault();
          fill(verdict, loading('Verifying'));
          void post<AuditVerification>('/audit/verify', {
            fromSeq: Number(fromSeq.value),
            toSeq: Number(toSeq.value),
          })
            .then((v) => fill(verdict, verification(v)))
            .catch((err: unknown) => fill(verdict, errorBox(err)));
        },
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Verify the hash chain'),
      field('From entry', fromSeq),
      field('To entry', toSeq),
    ),
    h('div', { class: 'form-actions' }, h('button', { attrs: { type: 'submit' } }, 'Verify')),
    verdict,
  );
  fill(main, heading('Audit'), h('div', { class: 'audit-forms' }, filter, verify), results);
  void loadPaged(pager);
}

function entryRow(e: AuditEntry): HTMLElement {
  const purpose = e.purposeCode ? stripPrefix(e.purposeCode, 'PURPOSE_CODE_') : '';
  const c = e.caller;
  const who =
    c.kind === 'analyst'
      ? [
          c.displayName ?? c.sub ?? '',
          c.sub ? h('span', { class: 'muted' }, ` ${c.sub}`) : null,
          c.roles?.length ? h('span', { class: 'muted' }, ` · ${c.roles.join(', ')}`) : null,
        ]
      : [c.name ?? (c.kind === 'system' ? 'a force system' : 'unidentified')];
  const refused = e.outcome.status === 'refused';
  return h(
    'tr',
    { class: refused ? 'refused' : '', attrs: { 'data-seq': e.seq } },
    h('td', { class: 'num' }, e.seq),
    h('td', { class: 'when' }, when(e.at)),
    h('td', {}, ...who),
    h('td', { class: 'force' }, `${c.forceName} (${c.force})`),
    h('td', {}, h('code', {}, e.action)),
    h('td', {}, PURPOSE_LABELS[purpose as PurposeCode] ?? purpose),
    h(
      'td',
      {},
      e.reason ?? '',
      e.operationRef ? h('span', { class: 'muted' }, ` ${e.operationRef}`) : null,
    ),
    h('td', {}, c.consultationId ? shortId(c.consultationId) : ''),
    h(
      'td',
      {},
      refused
        ? `Refused${e.outcome.code ? ` (${e.outcome.code})` : ''}`
        : humanise(e.outcome.status),
      e.outcome.fields?.length
        ? h('span', { class: 'muted' }, ` ${e.outcome.fields.join(', ')}`)
        : null,
      e.persons.length > 0
        ? h('div', { class: 'muted' }, 'persons ', ...e.persons.map((p) => shortId(p)))
        : null,
      e.withheld.length > 0
        ? h(
            'div',
            {
              class: 'muted withheld',
              attrs: { title: `Not shown to this view: ${e.withheld.join(', ')}` },
            },
            `${e.withheld.length} field${e.withheld.length === 1 ? '' : 's'} withheld`,
          )
        : null,
    ),
  );
}

function verification(v: AuditVerification): HTMLElement {
  if (v.ok) {
    return h(
      'p',
      { class: 'ok', attrs: { role: 'status' } },
      `Entries ${v.fromSeq} to ${v.toSeq} verify (${v.rows} checked; the head is at ${v.headSeq})${v.truncated ? '; the range was cut at the bound' : ''}.`,
    );
  }
  return h(
    'div',
    { class: 'problem', attrs: { role: 'alert' } },
    h('strong', {}, 'The chain does not verify'),
    v.firstBadSeq !== null ? h('p', {}, `First bad entry: ${v.firstBadSeq}`) : null,
    h('ul', {}, ...v.problems.map((p) => h('li', {}, `${p.seq}: ${p.problem}`))),
  );
}
