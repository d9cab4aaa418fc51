import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// deploy/monitoring's alert rules and dashboard speak of metrics the services export and point
// to runbook sections that exist: a renamed metric or a moved procedure fails here, not during
// an incident. (`npm run check:monitoring` runs promtool's own checks and rule tests.)
const ROOT = join(__dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(e.name))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}

/** Every metric a service registers (prom-client `name: '…', help: …`), with histogram series. */
function exported(): Set<string> {
  const names = new Set(['up']);
  for (const text of [...sources('apps'), ...sources('libs')])
    for (const m of text.matchAll(/name: '([a-z_]+)',\s*help:/g)) names.add(m[1]!);
  for (const n of [...names])
    for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${n}${suffix}`);
  return names;
}

const PROMQL_WORDS = new Set(['histogram_quantile', 'label_replace', 'label_join']);

/** The metric names a PromQL expression reads (identifiers with an underscore, not functions). */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '{}') // label matchers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  return [...bare.matchAll(/\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b/g)]
    .map((m) => m[1]!)
    .filter((w) => !PROMQL_WORDS.has(w));
}

function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ /g, '-');
}

const rules = read('deploy/monitoring/alert-rules.yaml');
const ruleExprs = [...rules.matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]!);
const dashboard = JSON.parse(read('deploy/monitoring/grafana-dashboard.json')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};

describe('monitoring kit', () => {
  const metrics = exported();

  it('finds the services’ metrics (the scan itself works)', () => {
    for (const known of [
      'hub_consumer_lag',
      'outbox_oldest_pending_age_seconds',
      'hub_query_seconds',
    ])
      expect(metrics).toContain(known);
  });

  it('alerts only on metrics the services export', () => {
    expect(ruleExprs.length).toBeGreaterThan(10);
    const unknown = ruleExprs.flatMap(metricsIn).filter((m) => !metrics.has(m));
    expect(unknown).toEqual([]);
  });

  it('charts only metrics the services export, every panel with a query', () => {
    const exprs = dashboard.panels.flatMap((p) => {
      expect(p.targets.length).toBeGreaterThan(0);
      return p.targets.map((t) => t.expr);
    });
    expect(exprs.flatMap(metricsIn).filter((m) => !metrics.has(m))).toEqual([]);
  });

  it('links every alert to a runbook section that exists', () => {
    const anchors = new Set(
      [...read('docs/runbook.md').matchAll(/^#{2,3} (.+)$/gm)].map((m) => slug(m[1]!)),
    );
    const alerts = [...rules.matchAll(/^\s+- alert: (\w+)$/gm)].map((m) => m[1]!);
    const links = [...rules.matchAll(/runbook_url: docs\/runbook\.md#([\w-]+)$/gm)].map(
      (m) => m[1]!,
    );
    expect(links).toHaveLength(alerts.length);
    expect(links.filter((a) => !anchors.has(a))).toEqual([]);
  });

  it('gives every alert a severity the pager understands', () => {
    const severities = [...rules.matchAll(/^\s+severity: (\S+)$/gm)].map((m) => m[1]!);
    expect(severities.length).toBe([...rules.matchAll(/- alert: /g)].length);
    expect(severities.filter((s) => s !== 'page' && s !== 'ticket')).toEqual([]);
  });
});
