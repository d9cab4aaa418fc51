// Exports (i2 ANX, CSV) are a consultation of their own: the dialog asks for its own purpose
// and reason every time, then downloads the streamed file.
import { download } from './api.js';
import { button, field, h, select, fill } from './dom.js';
import { justificationFields } from './justify.js';
import { errorBox, loading } from './ui.js';

export function openExportDialog(format: 'anx' | 'csv', personId: string): void {
  document.getElementById('export-dialog')?.remove();
  const { fields, read, reason } = justificationFields('x-');
  const depth = select('x-depth', [
    ['1', 'Depth 1: the person and what it holds'],
    ['2', 'Depth 2: and the persons linked to it'],
  ]);
  const status = h('div', { attrs: { 'aria-live': 'polite' } });
  const label = format === 'anx' ? 'i2 Analyst\u2019s Notebook chart (ANX)' : 'CSV';
  const dialog = h('dialog', {
    id: 'export-dialog',
    class: 'dialog',
    attrs: { 'aria-labelledby': 'export-title' },
  });
  const form = h(
    'form',
    {
      on: {
        submit: (e) => {
          e.preventDefault();
          fill(status, loading('Exporting'));
          void download('/exports', {
            format,
            nationalPersonId: personId,
            depth: Number(depth.value),
            justification: read(),
          })
            .then(({ blob, filename }) => {
              const url = URL.createObjectURL(blob);
              const a = h('a', { attrs: { href: url, download: filename } });
              document.body.append(a);
              a.click();
              a.remove();
              setTimeout(() => URL.revokeObjectURL(url), 10_000);
              fill(
                status,
                h(
                  'p',
                  { class: 'ok', attrs: { role: 'status' } },
                  `Exported ${filename}; the export is recorded in the audit with its own reason.`,
                ),
              );
            })
            .catch((err: unknown) => fill(status, errorBox(err)));
        },
      },
    },
    h('h2', { id: 'export-title' }, `Export: ${label}`),
    h(
      'p',
      {},
      'An export is a consultation of its own: say why this file is needed. It is recorded in the audit.',
    ),
    ...fields,
    field('Depth', depth),
    status,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Export'),
      button('Close', () => dialog.close()),
    ),
  );
  dialog.append(form);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  reason.focus();
}
