// Building the page's DOM. Text always goes in as text nodes (append/textContent): names,
// usernames and reasons come from offenders and officers, never markup. No innerHTML anywhere
// (eslint forbids it in this folder).

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  /** Plain attributes (aria-*, role, type, name, for, data-*, ...). Never event handlers. */
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
  text?: string;
}

const SAFE_URL = /^(#|\/|https?:|blob:)/i;

function setAttr(el: Element, name: string, value: string | number | boolean | undefined): void {
  if (value === undefined || value === false) return;
  if (/^on/i.test(name)) throw new Error(`event handler attribute ${name} refused`);
  const v = value === true ? '' : String(value);
  if ((name === 'href' || name === 'src' || name === 'action') && !SAFE_URL.test(v)) {
    throw new Error(`unsafe URL in ${name}`);
  }
  el.setAttribute(name, v);
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.id) el.id = props.id;
  for (const [k, v] of Object.entries(props.attrs ?? {})) setAttr(el, k, v);
  for (const [k, fn] of Object.entries(props.on ?? {})) {
    if (fn) el.addEventListener(k, fn as EventListener);
  }
  if (props.text !== undefined) el.textContent = props.text;
  append(el, ...children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) setAttr(el, k, v);
  append(el, ...children);
  return el;
}

export function append(parent: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.append(typeof c === 'number' ? String(c) : c);
  }
}

export function clear(el: Element): void {
  el.replaceChildren();
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the page`);
  return el as T;
}

/** A labelled form control (label text, then the control). */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLElement {
  if (!control.id) control.id = `f-${control.name || Math.random().toString(36).slice(2)}`;
  const hintEl = hint ? h('small', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h(
    'div',
    { class: 'field' },
    h('label', { attrs: { for: control.id } }, label),
    control,
    hintEl,
  );
}

export function input(
  name: string,
  attrs: Record<string, string | number | boolean | undefined> = {},
): HTMLInputElement {
  return h('input', {
    attrs: { name, id: `f-${name}`, type: 'text', autocomplete: 'off', ...attrs },
  });
}

export function select(
  name: string,
  options: readonly (readonly [value: string, label: string])[],
  attrs: Record<string, string | number | boolean | undefined> = {},
): HTMLSelectElement {
  return h(
    'select',
    { attrs: { name, id: `f-${name}`, ...attrs } },
    ...options.map(([value, label]) => h('option', { attrs: { value } }, label)),
  );
}

export function button(
  label: string,
  onClick: ((e: MouseEvent) => void) | null,
  attrs: Record<string, string | number | boolean | undefined> = {},
  cls = '',
): HTMLButtonElement {
  return h(
    'button',
    { class: cls, attrs: { type: 'button', ...attrs }, on: onClick ? { click: onClick } : {} },
    label,
  );
}

/** A definition list from label/value pairs; empty values are left out. */
export function dl(pairs: readonly (readonly [string, Child | Child[]])[]): HTMLDListElement {
  const list = h('dl', { class: 'facts' });
  for (const [k, v] of pairs) {
    const values = Array.isArray(v) ? v : [v];
    if (values.every((x) => x === null || x === undefined || x === '' || x === false)) continue;
    list.append(h('dt', {}, k), h('dd', {}, ...values));
  }
  return list;
}

/** Replace el's content with children (null/undefined/false left out). */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}
