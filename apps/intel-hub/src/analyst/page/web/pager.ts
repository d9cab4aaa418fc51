// Cursor-paged rows (incidents, alerts, audit entries): the first page, then "More …" while the
// server gives a next cursor.
import { button, fill, h } from './dom.js';
import type { Page } from './types.js';
import { errorBox, loading } from './ui.js';

export interface PagedRows<T> {
  body: HTMLElement;
  /** Where the loading line, "More …" button, "No …" or the error goes. */
  more: HTMLElement;
  /** What the rows are, plural: "incidents". */
  what: string;
  fetch: (cursor?: string) => Promise<Page<T>>;
  row: (item: T) => HTMLElement;
  /** An error the screen handles itself (true: handled). */
  onError?: (err: unknown) => boolean;
}

/** Loads from the start (rows cleared). */
export async function loadPaged<T>(p: PagedRows<T>): Promise<void> {
  fill(p.body);
  await loadFrom(p);
}

async function loadFrom<T>(p: PagedRows<T>, cursor?: string): Promise<void> {
  fill(p.more, loading(`Loading ${p.what}`));
  try {
    const page = await p.fetch(cursor);
    for (const item of page.items) p.body.append(p.row(item));
    const next = page.nextCursor ?? undefined;
    if (p.body.children.length === 0) fill(p.more, h('p', { class: 'empty' }, `No ${p.what}.`));
    else fill(p.more, next ? button(`More ${p.what}`, () => void loadFrom(p, next)) : null);
  } catch (err) {
    if (!p.onError?.(err)) fill(p.more, errorBox(err));
  }
}
