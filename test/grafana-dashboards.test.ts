/**
 * The provisioned dashboards: stable uids, core panel types only, every
 * datasource they use provisioned, and every PromQL query (panels, template
 * variables, Jaeger's traces-to-metrics) parsed with Prometheus' own grammar
 * and checked against the metric catalog: metric names, label matchers,
 * grouping labels and job names. promtool checks the same queries.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { parser as PromqlParser } from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };
import * as yaml from 'js-yaml';
import { labelsOf, SERIES } from '../lib/catalog/index';
import { JOBS } from '../lib/catalog/jobs';
import { GRAFANA } from '../lib/grafana/constants';
import { DATASOURCE_UIDS } from '../lib/grafana/datasources';
import { Manifest } from '../lib/synth/render';
import { envObjects, findObject } from './support/stack';
import { describeWithTool, run } from './support/tools';
import { tempDir } from './support/values';

type Tree = Record<string, unknown>;

// The package is an ES module with a CommonJS build; type-check against its types, load the CommonJS build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: typeof PromqlParser };

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr?: string; query?: string; datasource?: { type: string; uid: string } }[];
  panels?: Panel[];
  gridPos: { x: number; y: number; w: number; h: number };
}

interface Variable {
  name: string;
  type: string;
  query?: string;
  datasource?: { type: string; uid: string };
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const objects: Manifest[] = envObjects('dev');

const dashboards: Dashboard[] = objects
  .filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(GRAFANA.dashboardConfigMapPrefix))
  .flatMap((o) => Object.values(o.data as Record<string, string>).map((json) => JSON.parse(json) as Dashboard));

const datasourcesFile = yaml.load((findObject(objects, 'ConfigMap', GRAFANA.datasourcesConfigMap).data as Record<string, string>)['datasources.yaml']) as {
  datasources: { uid: string; type: string; jsonData: Tree }[];
};
const provisionedUids = new Set(datasourcesFile.datasources.map((d) => d.uid));

/** Core (React) panels: no Angular plugin, nothing to install. */
const CORE_PANEL_TYPES = new Set(['row', 'timeseries', 'stat', 'gauge', 'bargauge', 'table', 'piechart', 'logs', 'text', 'heatmap', 'histogram']);

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every `{ type, uid }` datasource reference anywhere in a dashboard. */
function datasourceRefs(node: unknown): { type: string; uid: string }[] {
  if (Array.isArray(node)) return node.flatMap(datasourceRefs);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => {
    if (k === 'datasource' && typeof v === 'object' && v !== null && 'uid' in v) return [v as { type: string; uid: string }, ...datasourceRefs(v)];
    return datasourceRefs(v);
  });
}

// ---------------------------------------------------------------------------
// PromQL checks

/** Sample values for Grafana's variables, so that a query with them parses as PromQL. */
const SAMPLE_VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '30s',
  __range: '6h',
  __tags: `job="${JOBS.pynomalyApi}"`,
  namespace: 'monitoring',
  service: 'pynomaly-api',
  instance: '10.0.0.1:8000',
  detector_type: 'IsolationForest',
};

function substituteVariables(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = SAMPLE_VARIABLES[name];
    if (value === undefined) throw new Error(`no sample value for the Grafana variable $${name} in: ${expr}`);
    return value;
  });
}

interface SyntaxNode {
  type: { name: string; isError: boolean };
  from: number;
  to: number;
  parent: SyntaxNode | null;
  firstChild: SyntaxNode | null;
  nextSibling: SyntaxNode | null;
  getChild(type: string): SyntaxNode | null;
  getChildren(type: string): SyntaxNode[];
}

function descendants(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c, ...descendants(c));
  return out;
}

interface Selector {
  readonly metric: string | undefined;
  readonly matchers: readonly { label: string; op: string; value: string }[];
}

function selectorOf(node: SyntaxNode, text: string): Selector {
  const identifier = node.getChild('Identifier');
  const matchers = (node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []).map((m) => ({
    label: text.slice(m.getChild('LabelName')!.from, m.getChild('LabelName')!.to),
    op: text.slice(m.getChild('MatchOp')!.from, m.getChild('MatchOp')!.to),
    value: JSON.parse(text.slice(m.getChild('StringLiteral')!.from, m.getChild('StringLiteral')!.to)) as string,
  }));
  const byName = matchers.find((m) => m.label === '__name__' && m.op === '=');
  return { metric: identifier ? text.slice(identifier.from, identifier.to) : byName?.value, matchers };
}

/** What is wrong with a PromQL query: parse errors, unknown metrics, labels or jobs. Empty when fine. */
function promqlProblems(expr: string): string[] {
  const text = substituteVariables(expr);
  const tree = parser.parse(text);
  const top = tree.topNode as unknown as SyntaxNode;
  const nodes = descendants(top);
  const problems: string[] = [];
  for (const n of nodes) if (n.type.isError) problems.push(`syntax error at ${n.from}: ${JSON.stringify(text.slice(Math.max(0, n.from - 20), n.to + 20))}`);
  const jobs = new Set<string>(Object.values(JOBS));
  for (const n of nodes.filter((x) => x.type.name === 'VectorSelector')) {
    const sel = selectorOf(n, text);
    if (!sel.metric) {
      problems.push(`selector without a metric name: ${text.slice(n.from, n.to)}`);
      continue;
    }
    const labels = labelsOf(sel.metric);
    if (!labels) {
      problems.push(`metric ${sel.metric} is not in the catalog`);
      continue;
    }
    for (const m of sel.matchers) {
      if (m.label !== '__name__' && !labels.has(m.label)) problems.push(`${sel.metric} has no label ${m.label}`);
      if (m.label === 'job' && m.op === '=' && !jobs.has(m.value)) problems.push(`job "${m.value}" is not in lib/catalog/jobs.ts`);
      if (m.label === 'job' && m.op === '=~') for (const j of m.value.split('|')) if (!jobs.has(j)) problems.push(`job "${j}" is not in lib/catalog/jobs.ts`);
    }
  }
  // `sum by (x)`: x must be a label of some series aggregated (count_values and label_* create labels).
  for (const agg of nodes.filter((x) => x.type.name === 'AggregateExpr')) {
    const inner = descendants(agg);
    if (inner.some((x) => x.type.name === 'FunctionIdentifier' && /^label_/.test(text.slice(x.from, x.to)))) continue;
    if (inner.some((x) => x.type.name === 'CountValues')) continue;
    const available = new Set(
      inner.filter((x) => x.type.name === 'VectorSelector').flatMap((s) => [...(labelsOf(selectorOf(s, text).metric ?? '') ?? [])]),
    );
    const grouping = agg.getChild('AggregateModifier')?.getChild('GroupingLabels')?.getChildren('LabelName') ?? [];
    for (const g of grouping) {
      const label = text.slice(g.from, g.to);
      if (!available.has(label)) problems.push(`grouping by ${label}, which no aggregated series has, in ${text.slice(agg.from, agg.to).slice(0, 80)}`);
    }
  }
  return problems;
}

interface NamedQuery {
  readonly where: string;
  readonly expr: string;
}

/** `label_values(<selector>, <label>)` → the selector as a query, and the label it lists. */
function labelValuesQuery(query: string): { selector: string; label: string } {
  const m = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
  if (!m) throw new Error(`not a label_values query: ${query}`);
  return { selector: m[1], label: m[2] };
}

const panelQueries: NamedQuery[] = dashboards.flatMap((d) =>
  allPanels(d.panels).flatMap((p) =>
    (p.targets ?? []).filter((t) => (t.datasource ?? p.datasource)?.type === 'prometheus').map((t) => ({ where: `${d.uid} "${p.title}" ${t.refId}`, expr: t.expr! })),
  ),
);

const variableQueries: NamedQuery[] = dashboards.flatMap((d) =>
  d.templating.list.filter((v) => v.type === 'query' && v.datasource?.type === 'prometheus').map((v) => ({ where: `${d.uid} $${v.name}`, expr: v.query! })),
);

/** Provisioning files write a literal `$` as `$$`. */
const traceQueries: NamedQuery[] = datasourcesFile.datasources.flatMap((ds) =>
  ((ds.jsonData.tracesToMetrics as { queries?: { name: string; query: string }[] } | undefined)?.queries ?? []).map((q) => ({
    where: `${ds.uid} tracesToMetrics "${q.name}"`,
    expr: q.query.replace(/\$\$/g, '$'),
  })),
);

// ---------------------------------------------------------------------------

describe('the dashboards', () => {
  test('are the five Pynomaly dashboards, with stable unique uids', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual([
      'pynomaly-anomaly-detection',
      'pynomaly-infrastructure',
      'pynomaly-logs',
      'pynomaly-monitoring-stack',
      'pynomaly-system-overview',
    ]);
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
  });

  test('use core panel types only (no deprecated Angular plugin)', () => {
    const types = new Set(dashboards.flatMap((d) => allPanels(d.panels).map((p) => p.type)));
    for (const t of types) expect([t, CORE_PANEL_TYPES.has(t)]).toEqual([t, true]);
    expect(types.has('grafana-piechart-panel') || types.has('grafana-worldmap-panel')).toBe(false);
  });

  test('are top-level models, not wrapped in {"dashboard": ...}', () => {
    for (const d of dashboards) expect([d.uid, 'dashboard' in d, Array.isArray(d.panels), typeof d.title]).toEqual([d.uid, false, true, 'string']);
  });

  test('every datasource a panel, query or variable uses is provisioned', () => {
    for (const d of dashboards) {
      const refs = datasourceRefs(d);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect([d.uid, ref.uid, provisionedUids.has(ref.uid)]).toEqual([d.uid, ref.uid, true]);
      for (const ref of refs) expect([d.uid, ref.uid, datasourcesFile.datasources.find((ds) => ds.uid === ref.uid)!.type]).toEqual([d.uid, ref.uid, ref.type]);
    }
  });

  test('Grafana 13: every datasource reference is a {type, uid} object (references by name or numeric id are legacy; the id APIs are off by default)', () => {
    const walk = (node: unknown, path: string): string[] => {
      if (Array.isArray(node)) return node.flatMap((n, i) => walk(n, `${path}[${i}]`));
      if (typeof node !== 'object' || node === null) return [];
      return Object.entries(node).flatMap(([k, v]) => {
        const here = `${path}.${k}`;
        const bad = (k === 'datasource' && (typeof v === 'string' || typeof v === 'number')) || k === 'datasourceId' ? [here] : [];
        return [...bad, ...walk(v, here)];
      });
    };
    for (const d of dashboards) expect([d.uid, walk(d, d.uid)]).toEqual([d.uid, []]);
  });

  test('Grafana 13: no query uses the Grafana database metrics it deprecated (grafana_database_conn_*, go_sql_stats_*)', () => {
    const exprs = [...panelQueries, ...variableQueries, ...traceQueries].map((q) => q.expr);
    expect(exprs.length).toBeGreaterThan(0);
    expect(exprs.filter((e) => /grafana_database_conn_|go_sql_stats_/.test(e))).toEqual([]);
    expect(SERIES.size).toBeGreaterThan(0);
    expect([...SERIES.keys()].filter((m) => /^(grafana_database_conn_|go_sql_stats_)/.test(m))).toEqual([]);
  });

  test('panels and queries are numbered; panels fit the 24-column grid without overlapping', () => {
    for (const d of dashboards) {
      const panels = allPanels(d.panels);
      expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
      for (const p of panels) {
        expect([d.uid, p.title, p.gridPos.x + p.gridPos.w <= 24]).toEqual([d.uid, p.title, true]);
        const refIds = (p.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
      }
      for (const [i, a] of panels.entries()) {
        for (const b of panels.slice(i + 1)) {
          const overlap = a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
          expect([d.uid, a.title, b.title, overlap]).toEqual([d.uid, a.title, b.title, false]);
        }
      }
    }
  });

  test('Prometheus dashboards filter by namespace, service and instance', () => {
    for (const d of dashboards.filter((x) => x.templating.list.some((v) => v.datasource?.uid === DATASOURCE_UIDS.prometheus))) {
      expect([d.uid, d.templating.list.map((v) => v.name).slice(0, 3)]).toEqual([d.uid, ['namespace', 'service', 'instance']]);
    }
    const overview = dashboards.find((d) => d.uid === 'pynomaly-system-overview')!;
    const exprs = allPanels(overview.panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
    expect(exprs.every((e) => e.includes('namespace=~"$namespace"') && e.includes('instance=~"$instance"'))).toBe(true);
  });

  test('the Logs dashboard queries Elasticsearch on @timestamp', () => {
    const logs = dashboards.find((d) => d.uid === 'pynomaly-logs')!;
    const targets = allPanels(logs.panels).flatMap((p) => (p.targets ?? []) as unknown as { timeField: string; datasource: { uid: string } }[]);
    expect(targets.length).toBeGreaterThan(5);
    for (const t of targets) expect([t.datasource.uid, t.timeField]).toEqual([DATASOURCE_UIDS.elasticsearch, '@timestamp']);
    expect(allPanels(logs.panels).some((p) => p.type === 'logs')).toBe(true);
  });
});

describe('PromQL of the dashboards and datasources', () => {
  test('there are queries to check', () => {
    expect(panelQueries.length).toBeGreaterThan(100);
    expect(variableQueries.length).toBeGreaterThanOrEqual(12);
    expect(traceQueries.length).toBe(3);
  });

  test('the checker catches what it should (unknown metric, wrong label, typo, unknown job, bad grouping)', () => {
    expect(promqlProblems('rate(pynomaly_memory_limit_bytes[5m])')).toEqual(['metric pynomaly_memory_limit_bytes is not in the catalog']);
    expect(promqlProblems('sum(rate(pynomaly_http_requests_total{status="500"}[$__rate_interval]))')).toEqual(['pynomaly_http_requests_total has no label status']);
    expect(promqlProblems('sum(rate(pynomaly_http_requests_total[5m])')[0]).toMatch(/syntax error/);
    expect(promqlProblems('up{job="pynomaly"}')).toEqual(['job "pynomaly" is not in lib/catalog/jobs.ts']);
    expect(promqlProblems('sum by (status) (pynomaly_http_requests_total)')[0]).toMatch(/grouping by status/);
    expect(promqlProblems('sum by (status_code) (rate(pynomaly_http_requests_total{namespace=~"$namespace"}[$__rate_interval]))')).toEqual([]);
  });

  test.each(panelQueries.map((q) => [q.where, q.expr]))('%s', (_where, expr) => {
    expect(promqlProblems(expr)).toEqual([]);
  });

  test.each(variableQueries.map((q) => [q.where, q.expr]))('variable %s', (_where, query) => {
    const { selector, label } = labelValuesQuery(query);
    expect(promqlProblems(selector)).toEqual([]);
    const metric = /^(\w+)/.exec(selector)![1];
    expect([metric, label, labelsOf(metric)?.has(label)]).toEqual([metric, label, true]);
  });

  test.each(traceQueries.map((q) => [q.where, q.expr]))('%s', (_where, expr) => {
    expect(promqlProblems(expr)).toEqual([]);
  });

  test('every metric the application exports has a panel', () => {
    const named = new Set(
      [...panelQueries, ...traceQueries].flatMap((q) => [...substituteVariables(q.expr).matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => SERIES.has(w))),
    );
    const appMetrics = [...SERIES.values()].filter((d) => d.source === 'pynomaly').map((d) => d.name);
    const unused = [...new Set(appMetrics)].filter((m) => ![...named].some((n) => n === m || n.startsWith(`${m}_`)));
    // Every metric the application exports has a panel.
    expect(unused).toEqual([]);
  });
});

describeWithTool('promtool', 'dashboard PromQL accepted by Prometheus', (bin) => {
  test('promtool check rules accepts every query as a recording rule', () => {
    const exprs = [...panelQueries, ...traceQueries].map((q) => substituteVariables(q.expr));
    const rules = { groups: [{ name: 'grafana-dashboards', rules: exprs.map((expr, i) => ({ record: `grafana_dashboard_query_${i}`, expr })) }] };
    const dir = tempDir('grafana-promtool-');
    const file = join(dir, 'dashboards.rules.yaml');
    writeFileSync(file, yaml.dump(rules, { lineWidth: -1 }));
    const result = run(bin, ['check', 'rules', file]);
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(result.status).toBe(0);
  });
});
