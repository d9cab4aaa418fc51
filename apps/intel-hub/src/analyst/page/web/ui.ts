// Pieces every screen uses: the problem box, the status line, badges and the hit-only line.
import { ApiError } from './api.js';
import { bandClass, bandLabel, dateTime, flagLabel } from './format.js';
import { h, type Child, fill } from './dom.js';
import type { Problem } from './problem.js';
import type { Flag } from './types.js';

/** The problem box: title, detail, the fields named and any per-field messages. */
export function problemBox(p: Problem): HTMLElement {
  return h(
    'div',
    { class: 'problem', attrs: { role: 'alert', 'data-status': p.status } },
    h('strong', { class: 'problem-title' }, p.title),
    p.detail ? h('p', { class: 'problem-detail' }, p.detail) : null,
    p.fields.length > 0
      ? h(
          'p',
          { class: 'problem-fields' },
          'Field: ',
          ...p.fields.flatMap((f, i) => [i ? ', ' : '', h('code', {}, f)]),
        )
      : null,
    p.errors.length > 0
      ? h(
          'ul',
          { class: 'problem-errors' },
          ...p.errors.map((e) =>
            h('li', {}, e.field ? h('code', {}, e.field) : null, e.field ? ': ' : '', e.detail),
          ),
        )
      : null,
    p.retryAfterSeconds !== undefined ? h('p', {}, `Try again in ${p.retryAfterSeconds} s.`) : null,
    p.correlationId
      ? h('p', { class: 'problem-ref muted' }, 'Reference ', h('code', {}, p.correlationId))
      : null,
  );
}

/** Any error as a problem box (network failures and bugs included). */
export function errorBox(err: unknown): HTMLElement {
  if (err instanceof ApiError) return problemBox(err.problem);
  const message = err instanceof Error ? err.message : String(err);
  return problemBox({
    status: 0,
    title: 'Something went wrong in the page',
    detail: message,
    fields: [],
    errors: [],
  });
}

/** Replace `slot`'s content with the error, and say it to screen readers. */
export function showError(slot: HTMLElement, err: unknown): void {
  fill(slot, errorBox(err));
}

export function loading(what = 'Loading'): HTMLElement {
  return h('p', { class: 'loading', attrs: { role: 'status' } }, `${what}…`);
}

export function bandBadge(band: string | null | undefined): HTMLElement {
  return h('span', { class: bandClass(band) }, bandLabel(band));
}

export function flagChips(flags: Flag[] | undefined): HTMLElement {
  const list = h('ul', { class: 'chips', attrs: { 'aria-label': 'Flags' } });
  for (const f of flags ?? []) {
    list.append(
      h(
        'li',
        {
          class: `chip flag flag-${f.type.toLowerCase().replace(/^flag_type_/, '')}`,
          attrs: { title: f.reason ?? '' },
        },
        flagLabel(f.type),
      ),
    );
  }
  return list;
}

/** "held by Norfolk Constabulary (36) — contact ...": all another force's C record gives. */
export function hitOnlyLine(holder: {
  forceCode: string;
  forceName?: string;
  contact?: string;
}): HTMLElement {
  return h(
    'p',
    { class: 'hit-only' },
    h('span', { class: 'hit-only-badge' }, 'Hit only'),
    ' ',
    `held by ${holder.forceName ?? 'force'} (${holder.forceCode})`,
    holder.contact ? ` — contact ${holder.contact}` : '',
  );
}

export function when(iso: string | undefined | null): Child {
  if (!iso) return null;
  return h('time', { attrs: { datetime: iso } }, dateTime(iso));
}

/** A long id (UUID) shortened on screen, whole in its title and data-id. */
export function shortId(id: string, length = 8): HTMLElement {
  return h(
    'code',
    { class: 'short-id', attrs: { title: id, 'data-id': id } },
    id.length > length + 1 ? `${id.slice(0, length)}…` : id,
  );
}

export function heading(text: string, ...extra: Child[]): HTMLHeadingElement {
  return h('h1', { attrs: { tabindex: -1 } }, text, ...extra);
}
