// The justification bar: purpose, reason and operation reference open a consultation
// (POST /consultations); its id then goes with every read as X-Consultation-Id. Shown at the top
// with its expiry. Without one, the hub refuses reads (428) and the bar says so.
import { post } from './api.js';
import { button, field, h, input, select, fill } from './dom.js';
import { PURPOSE_LABELS, dateTime, remaining, timeOfDay } from './format.js';
import { session } from './session.js';
import { PURPOSE_CODES, type Consultation, type Justification, type PurposeCode } from './types.js';
import { errorBox, shortId } from './ui.js';

let bar: HTMLElement | undefined;
let editing = false;
let timer: number | undefined;

export const purposeOptions = PURPOSE_CODES.map((c) => [c, PURPOSE_LABELS[c]] as const);

/** Purpose, reason and operation reference fields (also used by the export dialog). */
export function justificationFields(prefix: string): {
  fields: HTMLElement[];
  read: () => Justification;
  reason: HTMLInputElement;
} {
  const purpose = select(`${prefix}purpose`, purposeOptions, { required: true });
  purpose.value = 'PREVENTING_OFFENCES';
  const reason = input(`${prefix}reason`, {
    required: true,
    maxlength: 500,
    placeholder: 'Why you need to look, in words an auditor will understand',
  });
  const opRef = input(`${prefix}operation-ref`, { maxlength: 64, placeholder: 'e.g. OP-HARBOUR' });
  return {
    fields: [
      field('Purpose', purpose),
      field('Reason', reason),
      field('Operation ref (optional)', opRef),
    ],
    read: () => ({
      purposeCode: purpose.value as PurposeCode,
      reason: reason.value.trim(),
      ...(opRef.value.trim() && { operationRef: opRef.value.trim() }),
    }),
    reason,
  };
}

export function mountJustificationBar(el: HTMLElement): void {
  bar = el;
  session.onChange(render);
  render();
  if (timer === undefined) timer = window.setInterval(render, 30_000);
}

/** A read was refused for want of a justification: open the form and point at it. */
export function justificationNeeded(): void {
  editing = true;
  render();
  bar?.classList.add('attention');
  bar?.querySelector<HTMLInputElement>('input[name="j-reason"]')?.focus();
}

/** What the bar shows now: a form being typed into is never rebuilt under the user. */
let shown = '';

function render(): void {
  if (!bar) return;
  const me = session.me;
  if (!me) {
    bar.hidden = true;
    shown = '';
    return;
  }
  bar.hidden = false;
  const c = session.consultation;
  if (c && !editing) {
    // The countdown is redrawn every 30 s; nothing to type into here.
    shown = `active:${c.consultationId}`;
    bar.classList.remove('attention', 'unjustified');
    fill(bar, activeView(c));
    return;
  }
  const form = `form:${me.sub}:${c?.consultationId ?? ''}:${session.expiredConsultation?.consultationId ?? ''}`;
  if (shown === form) return;
  shown = form;
  bar.classList.add('unjustified');
  fill(bar, formView(c));
}

function activeView(c: Consultation): HTMLElement {
  return h(
    'div',
    { class: 'justified', attrs: { role: 'status', 'aria-live': 'polite' } },
    h('span', { class: 'justified-label' }, 'Justified'),
    h('span', { class: 'justified-purpose' }, PURPOSE_LABELS[c.purposeCode] ?? c.purposeCode),
    h('span', { class: 'justified-reason' }, c.reason),
    c.operationRef ? h('span', { class: 'justified-op' }, c.operationRef) : null,
    h('span', { class: 'justified-id' }, 'Consultation ', shortId(c.consultationId)),
    h(
      'span',
      { class: 'justified-expiry' },
      'until ',
      h(
        'time',
        { attrs: { datetime: c.expiresAt, title: dateTime(c.expiresAt) } },
        timeOfDay(c.expiresAt),
      ),
      ` (${remaining(c.expiresAt)})`,
    ),
    button('New justification', () => {
      editing = true;
      render();
      bar?.querySelector<HTMLInputElement>('input[name="j-reason"]')?.focus();
    }),
  );
}

function formView(current: Consultation | undefined): HTMLElement {
  const { fields, read } = justificationFields('j-');
  const err = h('div', { class: 'bar-error', attrs: { 'aria-live': 'assertive' } });
  const expired = session.expiredConsultation;
  const form = h(
    'form',
    {
      class: 'justify-form',
      attrs: { 'aria-label': 'Justification' },
      on: {
        submit: (e) => {
          e.preventDefault();
          fill(err);
          void post<Consultation>('/consultations', read())
            .then((c) => {
              editing = false;
              shown = '';
              session.setConsultation(c);
            })
            .catch((x: unknown) => fill(err, errorBox(x)));
        },
      },
    },
    h(
      'p',
      { class: 'justify-lead' },
      expired
        ? `Your justification expired at ${dateTime(expired.expiresAt)}. Reads are refused until you justify again.`
        : 'Reads are refused until you say why you are looking. Every read is recorded against this justification.',
    ),
    h(
      'div',
      { class: 'justify-fields' },
      ...fields,
      h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Justify'),
    ),
    current
      ? button('Keep the current one', () => {
          editing = false;
          render();
        })
      : null,
    err,
  );
  return form;
}
