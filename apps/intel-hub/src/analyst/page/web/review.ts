// Match review: the POSSIBLE pairs the engine declined to link, judged SAME / NOT_SAME / UNSURE
// with a rationale. Keyboard: j/k move, s/n/u choose, Enter submits (the rationale is
// required), Escape leaves the rationale. Supervisors approve the judgements that wait for them.
import { get, post } from './api.js';
import { button, field, h, input, fill } from './dom.js';
import { dateTime, humanise, nameText, score } from './format.js';
import { href } from './router.js';
import { refCode, refText } from './dossier.js';
import { compareRecords } from './record-rows.js';
import { moveIndex, reviewAction, VERDICT_LABELS } from './review-keys.js';
import { session } from './session.js';
import type { Decided, Judgement, Page, ReviewPair, Verdict } from './types.js';
import { bandBadge, errorBox, heading, loading } from './ui.js';

const VERDICTS: Verdict[] = ['SAME', 'NOT_SAME', 'UNSURE'];
const KEY_OF: Record<Verdict, string> = { SAME: 's', NOT_SAME: 'n', UNSURE: 'u' };

const itemsOf = <T>(r: T[] | Page<T> | { pairs: T[] } | { judgements: T[] }): T[] =>
  Array.isArray(r) ? r : 'items' in r ? r.items : 'pairs' in r ? r.pairs : r.judgements;

export async function renderReview(main: HTMLElement): Promise<() => void> {
  const list = h('ol', { class: 'queue', attrs: { 'aria-label': 'Pairs to review' } });
  const detail = h('section', {
    class: 'pair',
    attrs: { 'aria-live': 'polite', 'aria-label': 'Selected pair' },
  });
  const approvals = h('section', {
    class: 'card',
    attrs: { 'aria-labelledby': 'approvals-title' },
  });
  const status = h('div', { class: 'review-status', attrs: { role: 'status' } });
  fill(
    main,
    heading('Match review'),
    h(
      'p',
      { class: 'keys-help' },
      'Keys: ',
      h('kbd', {}, 'j'),
      '/',
      h('kbd', {}, 'k'),
      ' next/previous pair, ',
      h('kbd', {}, 's'),
      ' same, ',
      h('kbd', {}, 'n'),
      ' not the same, ',
      h('kbd', {}, 'u'),
      ' unsure, then the rationale and ',
      h('kbd', {}, 'Enter'),
      ' to submit; ',
      h('kbd', {}, 'Esc'),
      ' leaves the rationale.',
    ),
    status,
    h('div', { class: 'review-layout' }, h('div', { class: 'queue-wrap' }, list), detail),
    session.hasRole('supervisor') ? approvals : null,
  );
  let pairs: ReviewPair[] = [];
  let index = -1;
  let verdict: Verdict | undefined;
  let rationale: HTMLInputElement | undefined;
  let submitting = false;

  const select = (i: number) => {
    index = i;
    verdict = undefined;
    [...list.children].forEach((li, j) => {
      li.classList.toggle('selected', j === i);
      li.setAttribute('aria-selected', String(j === i));
    });
    list.children[i]?.scrollIntoView({ block: 'nearest' });
    renderDetail();
  };

  const setVerdict = (v: Verdict) => {
    verdict = v;
    detail
      .querySelectorAll<HTMLInputElement>('input[name="verdict"]')
      .forEach((r) => (r.checked = r.value === v));
    rationale?.focus();
  };

  const submit = async () => {
    const pair = pairs[index];
    if (!pair || submitting) return;
    const err = detail.querySelector<HTMLElement>('.pair-error');
    if (!verdict) {
      err?.replaceChildren(errorBox(new Error('Choose a verdict first: s, n or u')));
      return;
    }
    const text = rationale?.value.trim() ?? '';
    if (!text) {
      err?.replaceChildren(errorBox(new Error('Give a rationale: what makes you sure?')));
      rationale?.focus();
      return;
    }
    submitting = true;
    try {
      const j = await post<Decided>('/review/judgements', {
        pairId: pair.pairId,
        verdict,
        rationale: text,
      });
      fill(
        status,
        h(
          'p',
          { class: 'ok' },
          `${VERDICT_LABELS[verdict]}: judgement ${j.judgementId} `,
          j.status === 'PENDING_APPROVAL'
            ? `waits for a supervisor\u2019s approval (${(j.approvalReasons ?? []).map(humanise).join(', ')}).`
            : 'is in force.',
          pair.a.nationalPersonId && verdict === 'SAME'
            ? h(
                'a',
                { attrs: { href: href('person', [pair.a.nationalPersonId]) } },
                ' Open the person',
              )
            : null,
        ),
      );
      pairs.splice(index, 1);
      list.children[index]?.remove();
      select(moveIndex(index, 0, pairs.length));
      if (session.hasRole('supervisor')) void renderApprovals(approvals);
    } catch (e) {
      err?.replaceChildren(errorBox(e));
    } finally {
      submitting = false;
    }
  };

  const renderDetail = () => {
    const pair = pairs[index];
    rationale = undefined;
    if (!pair) {
      fill(
        detail,
        h('p', { class: 'empty' }, pairs.length === 0 ? 'Nothing to review.' : 'Select a pair.'),
      );
      return;
    }
    rationale = input('rationale', {
      required: true,
      maxlength: 1000,
      placeholder: 'What decides it (shared identifier, different date of birth, ...)',
    });
    const radios = h(
      'fieldset',
      { class: 'verdicts' },
      h('legend', {}, 'Verdict'),
      ...VERDICTS.map((v) =>
        h(
          'label',
          { class: `verdict verdict-${v.toLowerCase()}` },
          h('input', {
            attrs: { type: 'radio', name: 'verdict', value: v },
            on: { change: () => setVerdict(v) },
          }),
          ` ${VERDICT_LABELS[v]} `,
          h('kbd', {}, KEY_OF[v]),
        ),
      ),
    );
    fill(
      detail,
      h(
        'div',
        { class: 'pair-head' },
        h('h2', {}, 'Pair ', h('code', {}, pair.pairId)),
        pair.band ? bandBadge(pair.band) : null,
        pair.score !== undefined
          ? h('span', { class: 'score' }, ` score ${score(pair.score)}`)
          : null,
        pair.a.nominalId && pair.b.nominalId
          ? h(
              'a',
              {
                class: 'button small',
                attrs: { href: href('explain', [], { a: refText(pair.a), b: refText(pair.b) }) },
              },
              'Full explanation',
            )
          : null,
      ),
      comparison(pair),
      h(
        'form',
        {
          class: 'judge-form',
          on: {
            submit: (e) => {
              e.preventDefault();
              void submit();
            },
          },
        },
        radios,
        field('Rationale', rationale),
        h(
          'div',
          { class: 'form-actions' },
          h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Submit judgement'),
        ),
        h('div', { class: 'pair-error' }),
      ),
    );
  };

  const onKey = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement | null;
    const inText =
      !!t &&
      (t.tagName === 'TEXTAREA' ||
        (t.tagName === 'INPUT' && (t as HTMLInputElement).type !== 'radio') ||
        t.isContentEditable);
    if (t?.closest('.justify-form, dialog')) return;
    const a = reviewAction({
      key: e.key,
      ctrlKey: e.ctrlKey,
      metaKey: e.metaKey,
      altKey: e.altKey,
      shiftKey: e.shiftKey,
      inText,
    });
    switch (a.kind) {
      case 'move':
        e.preventDefault();
        select(moveIndex(index, a.by, pairs.length));
        break;
      case 'verdict':
        e.preventDefault();
        setVerdict(a.verdict);
        break;
      case 'submit':
        if (t?.closest('.pair') || !inText) {
          e.preventDefault();
          void submit();
        }
        break;
      case 'leave-text':
        (t as HTMLElement).blur();
        list.focus();
        break;
      case 'none':
        break;
    }
  };
  document.addEventListener('keydown', onKey);

  list.setAttribute('tabindex', '0');
  list.setAttribute('role', 'listbox');
  fill(detail, loading('Loading the queue'));
  try {
    pairs = itemsOf(
      await get<ReviewPair[] | Page<ReviewPair> | { pairs: ReviewPair[] }>('/review/queue', {
        query: { limit: 50 },
      }),
    );
    for (const [i, p] of pairs.entries()) {
      list.append(
        h(
          'li',
          {
            attrs: {
              role: 'option',
              'aria-selected': 'false',
              'data-pair': p.pairId,
              'data-records': `${refText(p.a)} ${refText(p.b)}`,
            },
            on: { click: () => select(i) },
          },
          h('span', { class: 'pair-names' }, `${who(p.a)} ↔ ${who(p.b)}`),
          h('span', { class: 'pair-ids' }, refCode(p.a), ' ↔ ', refCode(p.b)),
          ' ',
          p.band ? bandBadge(p.band) : null,
          p.score !== undefined ? h('span', { class: 'score' }, ` ${score(p.score)}`) : null,
        ),
      );
    }
    select(pairs.length > 0 ? 0 : -1);
    list.focus();
  } catch (err) {
    fill(detail, errorBox(err));
  }
  if (session.hasRole('supervisor')) void renderApprovals(approvals);
  return () => document.removeEventListener('keydown', onKey);
}

/** A record in the queue: its first name and its force. */
const who = (r: ReviewPair['a']) => `${nameText(r.names?.[0]) || 'no name'} (${r.forceCode})`;

function comparison(p: ReviewPair): HTMLElement {
  const th = (t: string) => h('th', { attrs: { scope: 'col' } }, t);
  const person = (r: ReviewPair['a']) =>
    r.nationalPersonId
      ? h('a', { attrs: { href: href('person', [r.nationalPersonId]) } }, 'its person now')
      : 'no person yet';
  return h(
    'table',
    { class: 'table compare' },
    h('caption', {}, 'Fields that differ are marked ≠'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        th('Field'),
        h(
          'th',
          { attrs: { scope: 'col' } },
          `A: ${p.a.forceName} (${p.a.forceCode}) `,
          person(p.a),
        ),
        h(
          'th',
          { attrs: { scope: 'col' } },
          `B: ${p.b.forceName} (${p.b.forceCode}) `,
          person(p.b),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...compareRecords(p.a, p.b).map((r) =>
        h(
          'tr',
          { class: r.differs ? 'diff' : '' },
          h(
            'th',
            { attrs: { scope: 'row' } },
            r.label,
            r.differs
              ? h(
                  'span',
                  { class: 'diff-mark', attrs: { title: 'differs', 'aria-label': 'differs' } },
                  ' ≠',
                )
              : null,
          ),
          h('td', {}, r.a),
          h('td', {}, r.b),
        ),
      ),
    ),
  );
}

async function renderApprovals(section: HTMLElement): Promise<void> {
  fill(section, h('h2', { id: 'approvals-title' }, 'Waiting for your approval'), loading());
  try {
    const items = itemsOf(
      await get<Judgement[] | Page<Judgement> | { judgements: Judgement[] }>('/review/judgements', {
        query: { status: 'PENDING_APPROVAL' },
      }),
    );
    const rows = items.map((j) => {
      const out = h('span', { class: 'approval-result' });
      return h(
        'li',
        { attrs: { 'data-judgement': j.judgementId } },
        h('strong', {}, VERDICT_LABELS[j.verdict]),
        ` ${refText(j.a)} ↔ ${refText(j.b)} by ${j.judgedBy.name} (${j.judgedBy.sub}) on ${dateTime(j.judgedAt)}`,
        j.approvalReasons.length > 0
          ? h('span', { class: 'muted' }, ` — ${j.approvalReasons.map(humanise).join(', ')}`)
          : null,
        h('q', {}, j.rationale),
        ' ',
        button('Approve', (e) => {
          (e.currentTarget as HTMLButtonElement).disabled = true;
          void post<Decided>(`/review/judgements/${encodeURIComponent(j.judgementId)}/approve`)
            .then((r) => fill(out, h('span', { class: 'ok' }, ` Approved: ${humanise(r.status)}`)))
            .catch((err: unknown) => fill(out, errorBox(err)));
        }),
        ' ',
        rejectForm(j, out),
        out,
      );
    });
    fill(
      section,
      h('h2', { id: 'approvals-title' }, 'Waiting for your approval'),
      rows.length === 0
        ? h('p', { class: 'empty' }, 'Nothing waits for approval.')
        : h('ul', { class: 'approvals' }, ...rows),
    );
  } catch (err) {
    fill(section, h('h2', { id: 'approvals-title' }, 'Waiting for your approval'), errorBox(err));
  }
}

/** Turning a pending judgement down takes a rationale of its own; the pair is queued again. */
function rejectForm(j: Judgement, out: HTMLElement): HTMLElement {
  const why = input(`reject-${j.judgementId}`, {
    placeholder: 'why not (required)',
    maxlength: 1000,
    'aria-label': 'Why you turn it down',
  });
  return h(
    'form',
    {
      class: 'reject-form',
      on: {
        submit: (e) => {
          e.preventDefault();
          if (!why.value.trim()) {
            fill(out, errorBox(new Error('Say why you turn it down')));
            return;
          }
          void post<Decided>(`/review/judgements/${encodeURIComponent(j.judgementId)}/reject`, {
            rationale: why.value.trim(),
          })
            .then((r) =>
              fill(out, h('span', { class: 'ok' }, ` Turned down: ${humanise(r.status)}`)),
            )
            .catch((err: unknown) => fill(out, errorBox(err)));
        },
      },
    },
    why,
    h('button', { attrs: { type: 'submit' } }, 'Reject'),
  );
}
