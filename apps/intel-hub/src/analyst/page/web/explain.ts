// The explanation of a link: the waterfall of match weights (prior, each field's level and
// weight with its term-frequency adjustment, the running total, the thresholds), and the two
// records side by side with their differences marked. Another force's C record: only who holds
// something and whom to contact.
import { get } from './api.js';
import { h, svg, fill } from './dom.js';
import { bandLabel, fieldName, score, signed } from './format.js';
import type { ExplainedRecord, Explanation, FullExplanation } from './types.js';
import { bandBadge, errorBox, heading, hitOnlyLine, loading } from './ui.js';
import { scaleX, ticks, waterfallModel, type WaterfallModel } from './waterfall-model.js';

export async function renderExplanation(main: HTMLElement, a: string, b: string): Promise<void> {
  const title = heading('Why these records are linked');
  fill(main, title, h('p', {}, h('code', {}, a), ' and ', h('code', {}, b)), loading('Explaining'));
  let e: Explanation;
  try {
    e = await get<Explanation>('/explanations', { query: { a, b } });
  } catch (err) {
    fill(main, title, errorBox(err));
    return;
  }
  if (e.disclosure === 'HIT_ONLY') {
    fill(
      main,
      title,
      h(
        'p',
        { class: 'notice' },
        'One of these records is held under handling code C by another force: its content and its match weights are not shown. Ask the holder.',
      ),
      ...e.hitOnly.map((x) => hitOnlyLine(x)),
    );
    return;
  }
  const model = waterfallModel(e);
  fill(
    main,
    title,
    h(
      'p',
      { class: 'explain-summary' },
      'Total ',
      h('strong', {}, score(model.total)),
      ' ',
      bandBadge(e.band),
      ` — possible from ${score(e.thresholds.possible)}, linked from ${score(e.thresholds.link)}`,
      e.thresholds.certain !== undefined ? `, certain from ${score(e.thresholds.certain)}` : '',
      e.probability !== undefined ? ` · probability ${(e.probability * 100).toFixed(1)}%` : '',
    ),
    h(
      'p',
      { class: 'muted' },
      e.link
        ? `The hub links these records (score ${score(e.link.score)}, ${bandLabel(e.link.band)}).`
        : 'The hub holds no link between these records.',
      e.namesOnly ? ' Only names could be compared.' : '',
    ),
    h(
      'section',
      { class: 'card', attrs: { 'aria-labelledby': 'wf-title' } },
      h('h2', { id: 'wf-title' }, 'Match weights'),
      waterfallChart(model, e),
      stepsTable(model),
    ),
    sideBySide(e.records.a, e.records.b, new Set(e.differences)),
  );
}

const W = 1100;
const LABEL_W = 250;
const VALUE_W = 80;
const ROW_H = 28;
/** Room above the rows for the thresholds' labels, below them for the axis. */
const TOP = 24;
const BOTTOM = 26;

function waterfallChart(m: WaterfallModel, e: FullExplanation): SVGSVGElement {
  const plotW = W - LABEL_W - VALUE_W;
  const x = scaleX(m, plotW);
  const rowsEnd = TOP + m.rows.length * ROW_H;
  const height = rowsEnd + BOTTOM;
  const chart = svg('svg', {
    class: 'waterfall',
    viewBox: `0 0 ${W} ${height}`,
    width: W,
    height,
    role: 'img',
    'aria-label': `Waterfall: prior ${score(m.rows[0]?.to)}, total ${score(m.total)}, ${bandLabel(e.band)}`,
  });
  const plot = svg('g', { transform: `translate(${LABEL_W},0)` });
  chart.append(plot);
  for (const t of ticks(m)) {
    plot.append(
      svg('line', {
        x1: x(t),
        x2: x(t),
        y1: TOP,
        y2: rowsEnd + 4,
        class: t === 0 ? 'axis zero' : 'axis',
      }),
      svg('text', { x: x(t), y: rowsEnd + 18, class: 'tick', 'text-anchor': 'middle' }, String(t)),
    );
  }
  if (m.thresholds) {
    const lines: [string, number][] = [
      ['possible', m.thresholds.possible],
      ['link', m.thresholds.link],
    ];
    if (m.thresholds.certain !== undefined) lines.push(['certain', m.thresholds.certain]);
    for (const [name, v] of lines) {
      plot.append(
        svg('line', {
          x1: x(v),
          x2: x(v),
          y1: TOP - 6,
          y2: rowsEnd + 4,
          class: `threshold threshold-${name}`,
        }),
        svg(
          'text',
          { x: x(v) + 3, y: TOP - 10, class: `threshold-label threshold-${name}` },
          `${name} ${score(v)}`,
        ),
      );
    }
  }
  m.rows.forEach((r, i) => {
    const y = TOP + i * ROW_H;
    const x0 = x(Math.min(r.from, r.to));
    const w = Math.max(1.5, Math.abs(x(r.to) - x(r.from)));
    const cls = r.kind === 'field' ? (r.weight >= 0 ? 'bar up' : 'bar down') : `bar ${r.kind}`;
    chart.append(
      svg(
        'text',
        {
          x: LABEL_W - 8,
          y: y + ROW_H / 2 + 4,
          'text-anchor': 'end',
          class: r.kind === 'field' ? 'row-label' : 'row-label strong',
        },
        r.kind === 'field' ? `${fieldName(r.label)}${r.level ? ` · ${r.level}` : ''}` : r.label,
      ),
      svg(
        'text',
        { x: W - 4, y: y + ROW_H / 2 + 4, 'text-anchor': 'end', class: 'row-value' },
        r.kind === 'field' ? signed(r.weight) : score(r.to),
      ),
    );
    plot.append(
      svg('rect', {
        x: x0,
        y: y + 5,
        width: w,
        height: ROW_H - 10,
        rx: 2,
        class: cls,
        'data-field': r.label,
      }),
    );
    const next = m.rows[i + 1];
    if (next && next.kind === 'field') {
      plot.append(
        svg('line', {
          x1: x(r.to),
          x2: x(r.to),
          y1: y + ROW_H - 5,
          y2: y + ROW_H + 5,
          class: 'connector',
        }),
      );
    }
  });
  return chart;
}

function stepsTable(m: WaterfallModel): HTMLElement {
  return h(
    'table',
    { class: 'table steps' },
    h(
      'caption',
      {},
      'Per field: the comparison level reached, its weight, the term-frequency adjustment, and the running total',
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Field', 'Level', 'Weight', 'TF adj.', 'Running'].map((t) =>
          h('th', { attrs: { scope: 'col' } }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...m.rows.map((r) =>
        h(
          'tr',
          { class: `step-${r.kind}` },
          h('th', { attrs: { scope: 'row' } }, r.kind === 'field' ? fieldName(r.label) : r.label),
          h('td', {}, r.level ?? ''),
          h('td', { class: 'num' }, r.kind === 'field' ? signed(r.weight) : score(r.weight)),
          h('td', { class: 'num' }, r.tfAdjustment ? signed(r.tfAdjustment) : ''),
          h('td', { class: 'num' }, score(r.to)),
        ),
      ),
    ),
  );
}

function sideBySide(a: ExplainedRecord, b: ExplainedRecord, differences: Set<string>): HTMLElement {
  const keys = [...new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])];
  const th = (t: string) => h('th', { attrs: { scope: 'col' } }, t);
  return h(
    'section',
    { class: 'card', attrs: { 'aria-labelledby': 'ab-title' } },
    h('h2', { id: 'ab-title' }, 'Records side by side'),
    h(
      'table',
      { class: 'table compare' },
      h(
        'caption',
        {},
        'The values compared, as the engine normalised them; fields that differ are marked ≠',
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          th('Field'),
          th(`A: ${a.forceCode}/${a.nominalId}`),
          th(`B: ${b.forceCode}/${b.nominalId}`),
        ),
      ),
      h(
        'tbody',
        {},
        ...keys.map((k) => {
          const diff = differences.has(k);
          return h(
            'tr',
            { class: diff ? 'diff' : '', attrs: { 'data-field': k } },
            h(
              'th',
              { attrs: { scope: 'row' } },
              fieldName(k),
              diff
                ? h(
                    'span',
                    { class: 'diff-mark', attrs: { 'aria-label': 'differs', title: 'differs' } },
                    ' ≠',
                  )
                : null,
            ),
            h('td', {}, (a.fields[k] ?? []).join('; ')),
            h('td', {}, (b.fields[k] ?? []).join('; ')),
          );
        }),
      ),
    ),
  );
}
