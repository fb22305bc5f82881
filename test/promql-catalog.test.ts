/**
 * Every PromQL expression we emit parses (lezer-promql, no error node) and
 * names only metrics and labels the catalog declares; no rule names a
 * pynomaly_* metric or label the application does not define.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyntaxNode } from '@lezer/common' with { 'resolution-mode': 'import' };
import type { parser as PromqlParser } from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };
import { labelsOf, METRICS, MetricDef, SERIES, TARGET_LABELS } from '../lib/catalog';
import { nativeGroups } from '../lib/rules';
import { alertCases } from '../lib/rules/cases';
import { EXAMPLE_USER_GROUP } from '../lib/rules/examples';
import { ENVIRONMENTS, ROOT } from './support/stack';
import { testWithFile } from './support/tools';
import { valuesOf } from './support/values';

// The package is ESM-typed; its CommonJS build is what jest loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: typeof PromqlParser };

// ---------------------------------------------------------------------------------------
// A small analyser over lezer-promql's syntax tree.

interface Selector {
  readonly metric?: string;
  readonly labels: readonly string[];
}

interface Analysis {
  /** Syntax errors (lezer's error nodes, ⚠). */
  readonly errors: readonly string[];
  readonly selectors: readonly Selector[];
  /** Problems found against the catalog. */
  readonly problems: readonly string[];
}

const unquote = (literal: string): string => JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1).replace(/"/g, '\\"')}"` : literal.startsWith('`') ? JSON.stringify(literal.slice(1, -1)) : literal);

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function descendants(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const walk = (n: SyntaxNode) => {
    if (n.name === name) out.push(n);
    for (const c of children(n)) walk(c);
  };
  walk(node);
  return out;
}

/** The metric and matcher labels of one VectorSelector (`__name__="x"` and `{"x"}` count as the metric). */
function selectorOf(node: SyntaxNode, text: (n: SyntaxNode) => string): Selector {
  let metric = children(node).find((c) => c.name === 'Identifier');
  let name = metric ? text(metric) : undefined;
  const labels: string[] = [];
  for (const matcher of descendants(node, 'UnquotedLabelMatcher').concat(descendants(node, 'QuotedLabelMatcher'))) {
    const labelNode = children(matcher).find((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName');
    if (!labelNode) continue;
    const label = labelNode.name === 'LabelName' ? text(labelNode) : unquote(text(labelNode.firstChild!));
    const value = children(matcher).filter((c) => c.name === 'StringLiteral').pop();
    const op = children(matcher).find((c) => c.name === 'MatchOp');
    if (label === '__name__' && value && op && text(op) === '=') name = unquote(text(value));
    else labels.push(label);
  }
  // `{"metric_name"}`: a quoted name alone.
  for (const q of children(children(node).find((c) => c.name === 'LabelMatchers') ?? node).filter((c) => c.name === 'QuotedLabelName')) {
    name = unquote(text(q.firstChild!));
    metric = q;
  }
  return { metric: name, labels };
}

/** Labels a function creates: label_replace(v, "dst", ...) and label_join(v, "dst", ...). */
function producedLabels(node: SyntaxNode, text: (n: SyntaxNode) => string): { produced: string[]; read: string[] } {
  const produced: string[] = [];
  const read: string[] = [];
  for (const call of descendants(node, 'FunctionCall')) {
    const fn = text(children(call).find((c) => c.name === 'FunctionIdentifier')!);
    const args = children(children(call).find((c) => c.name === 'FunctionCallBody')!).filter((c) => c.name === 'StringLiteral');
    if (fn === 'label_replace' && args.length === 4) {
      produced.push(unquote(text(args[0])));
      read.push(unquote(text(args[2])));
    }
    if (fn === 'label_join' && args.length >= 2) {
      produced.push(unquote(text(args[0])));
      read.push(...args.slice(2).map((a) => unquote(text(a))));
    }
  }
  return { produced, read };
}

/** Parses `expr` and checks it against the catalog (or another source of metric facts). */
export function analyse(expr: string, known: (series: string) => ReadonlySet<string> | undefined = labelsOf): Analysis {
  const tree = parser.parse(expr);
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const errors: string[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(`syntax error at ${n.from}: ${JSON.stringify(expr.slice(Math.max(0, n.from - 20), n.to + 20))}`);
    },
  });
  const root = tree.topNode;
  const selectors = descendants(root, 'VectorSelector').map((n) => selectorOf(n, text));
  const problems: string[] = [];
  for (const s of selectors) {
    if (!s.metric) {
      problems.push('a selector without metric name');
      continue;
    }
    const labels = known(s.metric);
    if (!labels) {
      problems.push(`unknown metric ${s.metric}`);
      continue;
    }
    for (const l of s.labels) if (!labels.has(l)) problems.push(`${s.metric} has no label ${l}`);
  }
  // by/without/on/ignoring/group_x labels: known to some metric below that node, or made by label_replace there.
  for (const grouping of descendants(root, 'GroupingLabels')) {
    const scope = grouping.parent?.parent ?? root; // AggregateModifier -> AggregateExpr, MatchingModifierClause -> BinaryExpr
    const below = descendants(scope, 'VectorSelector').map((n) => selectorOf(n, text));
    const { produced } = producedLabels(scope, text);
    const available = new Set<string>(produced);
    for (const s of below) for (const l of (s.metric && known(s.metric)) || []) available.add(l);
    for (const labelNode of children(grouping)) {
      const label = labelNode.name === 'LabelName' ? text(labelNode) : labelNode.name === 'QuotedLabelName' ? unquote(text(labelNode.firstChild!)) : undefined;
      if (label && !available.has(label)) problems.push(`grouping label ${label} is on no metric of ${JSON.stringify(text(scope).slice(0, 80))}`);
    }
  }
  // Labels label_replace/label_join read must exist too.
  const { read } = producedLabels(root, text);
  const everyLabel = new Set<string>(selectors.flatMap((s) => [...((s.metric && known(s.metric)) || [])]));
  for (const l of read) if (!everyLabel.has(l)) problems.push(`label_replace reads ${l}, which no selected metric has`);
  return { errors, selectors, problems };
}

// ---------------------------------------------------------------------------------------

/** Every expression we emit for `env`, plus the documented user group. */
function expressions(env: string): { where: string; expr: string }[] {
  const values = { ...valuesOf(env) };
  const withExample = { ...values, rules: { ...values.rules, additionalGroups: [EXAMPLE_USER_GROUP] } };
  return nativeGroups(withExample).flatMap((g) => g.rules.map((r) => ({ where: `${env}/${g.name}/${r.alert ?? r.record}`, expr: r.expr })));
}

/** Recording rules a user group defines, so alerts on them are not "unknown metrics". */
const EXAMPLE_RECORDED = new Map(EXAMPLE_USER_GROUP.rules.filter((r) => 'record' in r && r.record).map((r) => [(r as { record: string }).record, new Set<string>(['namespace', 'job'])]));
const catalogOrRecorded = (series: string) => labelsOf(series) ?? EXAMPLE_RECORDED.get(series);

describe('the analyser (negative controls: each must be caught)', () => {
  test.each([
    ['pynomaly_memory_limit_bytes > 0', /unknown metric pynomaly_memory_limit_bytes/],
    ['sum(rate(pynomaly_training_jobs_total[5m]))', /unknown metric pynomaly_training_jobs_total/],
    ['pynomaly_http_requests_total{status="500"}', /has no label status/],
    ['sum by (status) (rate(pynomaly_http_requests_total[5m]))', /grouping label status/],
    ['up / on (pod_name) group_left () pynomaly_db_connections_active', /grouping label pod_name/],
    ['{__name__="pynomaly_pending_tasks"} > 100', /unknown metric pynomaly_pending_tasks/],
    ['{"pynomaly_database_connections_active"} == 0', /unknown metric pynomaly_database_connections_active/],
    ['label_replace(up, "x", "$1", "nolabel", "(.*)")', /reads nolabel/],
  ])('%s', (expr, problem) => {
    const a = analyse(expr);
    expect(a.errors).toEqual([]);
    expect(a.problems.join('\n')).toMatch(problem);
  });

  test('a syntax error is an error node', () => {
    expect(analyse('sum by (job (rate(up[5m]))').errors.length).toBeGreaterThan(0);
    expect(analyse('rate(up[5m]) >').errors.length).toBeGreaterThan(0);
  });

  test('labels made by label_replace may be grouped on', () => {
    const a = analyse('max by (es_cluster) (label_replace(elasticsearch_cluster_health_status, "es_cluster", "$1", "cluster", "(.*)"))');
    expect(a.problems).toEqual([]);
  });
});

describe.each(ENVIRONMENTS)('expressions of %s', (env) => {
  const all = expressions(env);

  test('there are expressions to check', () => {
    expect(all.length).toBeGreaterThan(30);
  });

  test('every expression parses (no error node)', () => {
    const failing = all.map(({ where, expr }) => ({ where, errors: analyse(expr).errors })).filter((r) => r.errors.length);
    expect(failing).toEqual([]);
  });

  test('every metric and label is in the catalog', () => {
    const failing = all.map(({ where, expr }) => ({ where, problems: analyse(expr, catalogOrRecorded).problems })).filter((r) => r.problems.length);
    expect(failing).toEqual([]);
  });

  test('every metric name comes from the catalog (no hidden selector)', () => {
    for (const { expr } of all) for (const s of analyse(expr, catalogOrRecorded).selectors) expect(SERIES.has(s.metric!) || EXAMPLE_RECORDED.has(s.metric!)).toBe(true);
  });

  test('promtool case input series name catalog metrics and labels', () => {
    const failing = alertCases(valuesOf(env))
      .flatMap((c) => c.input.map((s) => ({ where: `${c.alert}: ${c.title}`, ...analyse(s.series) })))
      .filter((r) => r.errors.length || r.problems.length)
      .map((r) => `${r.where}: ${[...r.errors, ...r.problems].join('; ')}`);
    expect(failing).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// The application's own metrics, as its MetricsCollector defines them (the facts file,
// ../shared/pynomaly-monitoring-facts.md): independent of the catalog, so a wrong catalog
// entry cannot hide a rule querying something the app never exports.

const APP_METRICS: Readonly<Record<string, readonly string[]>> = {
  pynomaly_http_requests_total: ['method', 'endpoint', 'status_code'],
  pynomaly_detections_total: ['detector_type', 'dataset_name'],
  pynomaly_model_training_total: ['detector_type', 'algorithm'],
  pynomaly_errors_total: ['error_type', 'component'],
  pynomaly_cache_hits_total: ['cache_type'],
  pynomaly_cache_misses_total: ['cache_type'],
  pynomaly_stream_messages_processed_total: ['stream_id'],
  pynomaly_http_request_duration_seconds: ['method', 'endpoint'],
  pynomaly_detection_duration_seconds: ['detector_type'],
  pynomaly_anomalies_found: ['detector_type'],
  pynomaly_training_duration_seconds: ['detector_type', 'algorithm'],
  pynomaly_db_query_duration_seconds: ['operation'],
  pynomaly_stream_processing_latency_seconds: ['stream_id'],
  pynomaly_active_users: [],
  pynomaly_active_detectors: [],
  pynomaly_memory_usage_bytes: [],
  pynomaly_cpu_usage_percent: [],
  pynomaly_db_connections_active: [],
};
const APP_HISTOGRAMS = new Set([
  'pynomaly_http_request_duration_seconds',
  'pynomaly_detection_duration_seconds',
  'pynomaly_anomalies_found',
  'pynomaly_training_duration_seconds',
  'pynomaly_db_query_duration_seconds',
  'pynomaly_stream_processing_latency_seconds',
]);

/** Labels of a pynomaly_* series according to the facts; other series: the catalog. */
function appFacts(series: string): ReadonlySet<string> | undefined {
  if (!series.startsWith('pynomaly_')) return labelsOf(series) ?? EXAMPLE_RECORDED.get(series);
  const child = /^(.*)_(bucket|sum|count)$/.exec(series);
  const base = child && APP_HISTOGRAMS.has(child[1]) ? child[1] : series;
  const labels = APP_METRICS[base];
  if (!labels) return undefined;
  return new Set([...labels, ...TARGET_LABELS, ...(series.endsWith('_bucket') ? ['le'] : [])]);
}

describe('pynomaly_* metrics and labels are those the app defines', () => {
  // The shared facts sit beside the repository (../shared), in every checkout and worktree of it.
  const FACTS = join(ROOT, '..', 'shared', 'pynomaly-monitoring-facts.md');
  testWithFile('the list above matches the facts file', FACTS, (path) => {
    const facts = readFileSync(path, 'utf8');
    const section = facts.slice(facts.indexOf('## Metrics the application defines'), facts.indexOf('## Alerting intent'));
    const named = new Map<string, string[]>();
    for (const m of section.matchAll(/`(pynomaly_[a-z_]+)(?:\{([^}]*)\})?`/g)) named.set(m[1], m[2] ? m[2].split(',') : []);
    expect(Object.fromEntries(named)).toEqual(APP_METRICS);
  });

  test('the catalog agrees with the app on every pynomaly_* metric', () => {
    for (const [name, labels] of Object.entries(APP_METRICS)) {
      const def = (METRICS as Record<string, MetricDef>)[name];
      expect([name, def?.labels]).toEqual([name, labels]);
      expect([name, def?.type === 'histogram']).toEqual([name, APP_HISTOGRAMS.has(name)]);
    }
  });

  test.each(ENVIRONMENTS)('no rule of %s names a pynomaly_* metric or label the app does not define', (env) => {
    const failing = expressions(env)
      .map(({ where, expr }) => ({ where, problems: analyse(expr, appFacts).problems }))
      .filter((r) => r.problems.length);
    expect(failing).toEqual([]);
    const text = expressions(env).map((e) => e.expr).join('\n');
    for (const wrong of ['pynomaly_memory_limit_bytes', 'pynomaly_training_jobs_total', 'pynomaly_database_connections_active', 'pynomaly_pending_tasks']) {
      expect(text).not.toContain(wrong);
    }
    expect(text).not.toMatch(/[{,]\s*status\s*[=!]/);
  });

  test('the facts check catches what the original did wrong', () => {
    expect(analyse('pynomaly_memory_limit_bytes', appFacts).problems).toEqual(['unknown metric pynomaly_memory_limit_bytes']);
    expect(analyse('rate(pynomaly_http_requests_total{status=~"5.."}[5m])', appFacts).problems).toEqual(['pynomaly_http_requests_total has no label status']);
  });
});
