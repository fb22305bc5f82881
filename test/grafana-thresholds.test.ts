/**
 * Panels that restate an alert's threshold take it from `rules.thresholds`,
 * the values the alert rules are built from: in every environment, and after
 * `--set`, a panel changes color at the number its alert compares against.
 * The expected numbers are read from the rendered alert rules (the
 * prometheus-rules ConfigMap of the same output), not from the values, so the
 * test compares the two outputs a user sees.
 */
import * as yaml from 'js-yaml';
import { GRAFANA } from '../lib/grafana/constants';
import { alertPanelThresholds } from '../lib/grafana/dashboards/alert-thresholds';
import { builtinDashboards } from '../lib/grafana/dashboards/index';
import { PROMETHEUS } from '../lib/prometheus/constants';
import { ALERTS } from '../lib/rules/names';
import { RuleThresholds } from '../lib/rules/values';
import { Manifest } from '../lib/synth/render';
import { ENVIRONMENTS, envObjects, findObject } from './support/stack';
import { valuesOf } from './support/values';

interface Step {
  value: number | null;
  color: string;
}

interface Panel {
  title: string;
  fieldConfig?: { defaults: { thresholds?: { steps: Step[] } } };
  panels?: Panel[];
}

interface Dashboard {
  uid: string;
  panels: Panel[];
}

type Severity = 'warning' | 'critical';

/** Where an alert fires: the number its expression compares against, by `alert/severity`. */
type AlertNumbers = ReadonlyMap<string, number>;

/** A step of a panel that restates an alert: its color, and where the alert fires. */
interface MirroredStep {
  readonly color: string;
  readonly alert: string;
  readonly severity: Severity;
  /** Counts: "more than N" is a step at N + 1. @default 0 */
  readonly plus?: number;
}

interface Mirror {
  readonly dashboard: string;
  readonly panel: string;
  /** Color below the first step: red where low is bad. @default green */
  readonly baseColor?: string;
  readonly steps: readonly MirroredStep[];
}

const SYSTEM = 'pynomaly-system-overview';
const DETECTION = 'pynomaly-anomaly-detection';
const INFRA = 'pynomaly-infrastructure';

const errorRate: MirroredStep[] = [
  { color: 'orange', alert: ALERTS.PynomalyHighErrorRate, severity: 'warning' },
  { color: 'red', alert: ALERTS.PynomalyHighErrorRate, severity: 'critical' },
];
const latency: MirroredStep = { color: 'red', alert: ALERTS.PynomalyHighResponseTime, severity: 'warning' };
/** Low is bad: red below the alert's threshold, which is the first step. */
const cacheHitRate: MirroredStep = { color: '', alert: ALERTS.PynomalyLowCacheHitRate, severity: 'warning' };

/** Every panel whose thresholds restate an alert. */
const MIRRORS: readonly Mirror[] = [
  { dashboard: SYSTEM, panel: 'Error ratio (5xx)', steps: errorRate },
  { dashboard: SYSTEM, panel: 'Error ratio', steps: errorRate },
  { dashboard: SYSTEM, panel: 'Latency p95', steps: [latency] },
  { dashboard: SYSTEM, panel: 'Latency percentiles', steps: [latency] },
  { dashboard: SYSTEM, panel: 'CPU', steps: [{ color: 'red', alert: ALERTS.PynomalyHighCpuUsage, severity: 'warning' }] },
  { dashboard: SYSTEM, panel: 'Cache hit ratio', baseColor: 'red', steps: [cacheHitRate] },
  { dashboard: DETECTION, panel: 'Detection failure ratio', steps: [{ color: 'red', alert: ALERTS.PynomalyHighDetectionFailureRate, severity: 'warning' }] },
  { dashboard: DETECTION, panel: 'Training failures (last hour)', steps: [{ color: 'red', alert: ALERTS.PynomalyTrainingFailures, severity: 'warning', plus: 1 }] },
  {
    dashboard: INFRA,
    panel: 'Memory of limit by container',
    steps: [
      { color: 'orange', alert: ALERTS.PynomalyHighMemoryUsage, severity: 'warning' },
      { color: 'red', alert: ALERTS.PynomalyHighMemoryUsage, severity: 'critical' },
    ],
  },
  { dashboard: INFRA, panel: 'CPU used by node', steps: [{ color: 'red', alert: ALERTS.HostHighCpuUsage, severity: 'warning' }] },
  {
    dashboard: INFRA,
    panel: 'Disk used by mount point',
    steps: [
      { color: 'orange', alert: ALERTS.HostHighDiskUsage, severity: 'warning' },
      { color: 'red', alert: ALERTS.HostHighDiskUsage, severity: 'critical' },
    ],
  },
  { dashboard: INFRA, panel: 'App cache hit ratio by cache', baseColor: 'red', steps: [cacheHitRate] },
  { dashboard: INFRA, panel: 'Pending tasks', steps: [{ color: 'red', alert: ALERTS.ElasticsearchHighPendingTasks, severity: 'warning', plus: 1 }] },
];

/** Every threshold an alert of this stack takes from the values, set away from its default. */
const CUSTOM_THRESHOLDS = [
  'rules.thresholds.cacheHitRatePercent=70',
  'rules.thresholds.errorRate.warningPercent=5',
  'rules.thresholds.errorRate.criticalPercent=15',
  'rules.thresholds.latencyP95Seconds=3',
  'rules.thresholds.memory.warningPercent=60',
  'rules.thresholds.memory.criticalPercent=95',
  'rules.thresholds.appCpuPercent=95',
  'rules.thresholds.detectionFailurePercent=20',
  'rules.thresholds.trainingFailuresPerHour=0',
  'rules.thresholds.hostCpuPercent=90',
  'rules.thresholds.disk.warningPercent=70',
  'rules.thresholds.disk.criticalPercent=85',
  'rules.thresholds.elasticsearchPendingTasks=3',
];

function dashboardsOf(objects: readonly Manifest[]): Dashboard[] {
  return objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(GRAFANA.dashboardConfigMapPrefix))
    .flatMap((o) => Object.values(o.data as Record<string, string>).map((json) => JSON.parse(json) as Dashboard));
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

function panelOf(dashboards: readonly Dashboard[], uid: string, title: string): Panel {
  const dashboard = dashboards.find((d) => d.uid === uid);
  if (!dashboard) throw new Error(`no dashboard ${uid}`);
  const matches = allPanels(dashboard.panels).filter((p) => p.title === title);
  if (matches.length !== 1) throw new Error(`${matches.length} panels "${title}" in ${uid}`);
  return matches[0];
}

function stepsOf(panel: Panel): Step[] {
  const steps = panel.fieldConfig?.defaults.thresholds?.steps;
  if (!steps) throw new Error(`panel "${panel.title}" has no thresholds`);
  return steps;
}

/** The number each alert (and severity) compares against, from the rule files of the prometheus-rules ConfigMap. */
function alertNumbers(objects: readonly Manifest[]): AlertNumbers {
  const configMap = findObject(objects, 'ConfigMap', PROMETHEUS.rulesConfigMap);
  const out = new Map<string, number>();
  for (const file of Object.values(configMap.data as Record<string, string>)) {
    const parsed = yaml.load(file) as { groups: { rules: { alert?: string; expr: string; labels?: { severity?: string } }[] }[] };
    for (const rule of parsed.groups.flatMap((g) => g.rules)) {
      const comparison = /[<>]=?\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)\s*$/.exec(rule.expr);
      if (rule.alert && comparison) out.set(`${rule.alert}/${rule.labels?.severity}`, Number(comparison[1]));
    }
  }
  return out;
}

function alertNumber(numbers: AlertNumbers, step: MirroredStep): number {
  const key = `${step.alert}/${step.severity}`;
  const value = numbers.get(key);
  if (value === undefined) throw new Error(`no alert ${key} with a numeric threshold in the rules`);
  return value + (step.plus ?? 0);
}

/** What is wrong with a mirrored panel's thresholds against the alerts. Empty when they agree. */
function mirrorProblems(mirror: Mirror, dashboards: readonly Dashboard[], numbers: AlertNumbers): string[] {
  const steps = stepsOf(panelOf(dashboards, mirror.dashboard, mirror.panel));
  const where = `${mirror.dashboard} "${mirror.panel}"`;
  const problems: string[] = [];
  const base = mirror.baseColor ?? 'green';
  if (steps[0].value !== null || steps[0].color !== base) problems.push(`${where}: base step ${JSON.stringify(steps[0])}, expected ${base}`);
  const values = steps.slice(1).map((s) => s.value as number);
  if (values.some((v, i) => i > 0 && v <= values[i - 1])) problems.push(`${where}: steps not ascending: ${values.join(', ')}`);
  for (const m of mirror.steps) {
    const expected = alertNumber(numbers, m);
    // A step without a color is where a low-is-bad panel leaves its base color: its first step.
    const actual = m.color ? steps.find((s) => s.color === m.color)?.value : steps[1]?.value;
    if (actual !== expected) problems.push(`${where}: ${m.color || 'first'} step at ${actual}, but ${m.alert} (${m.severity}) fires at ${expected}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------

describe.each(ENVIRONMENTS.map((env) => [env]))('%s: panels that restate an alert', (env) => {
  const objects = envObjects(env);
  const dashboards = dashboardsOf(objects);
  const numbers = alertNumbers(objects);

  test.each(MIRRORS.map((m) => [`${m.dashboard} "${m.panel}"`, m]))('%s changes color where its alert fires', (_name, mirror) => {
    expect(mirrorProblems(mirror, dashboards, numbers)).toEqual([]);
  });
});

describe('--set rules.thresholds.* moves the panels with the alerts', () => {
  const defaults = envObjects('dev');
  const custom = envObjects('dev', { sets: CUSTOM_THRESHOLDS });
  const customDashboards = dashboardsOf(custom);
  const customNumbers = alertNumbers(custom);

  test('the alerts did move (the sets took effect)', () => {
    expect(customNumbers.get(`${ALERTS.PynomalyLowCacheHitRate}/warning`)).toBe(0.7);
    expect(customNumbers.get(`${ALERTS.PynomalyHighErrorRate}/warning`)).toBe(0.05);
    expect(customNumbers.get(`${ALERTS.PynomalyHighErrorRate}/critical`)).toBe(0.15);
  });

  test.each(MIRRORS.map((m) => [`${m.dashboard} "${m.panel}"`, m]))('%s follows', (_name, mirror) => {
    expect(mirrorProblems(mirror, customDashboards, customNumbers)).toEqual([]);
  });

  test('cacheHitRatePercent=70: the cache hit ratio panels are red below 70 %', () => {
    for (const title of ['Cache hit ratio', 'App cache hit ratio by cache']) {
      const uid = title === 'Cache hit ratio' ? SYSTEM : INFRA;
      expect([title, stepsOf(panelOf(customDashboards, uid, title))]).toEqual([
        title,
        [
          { value: null, color: 'red' },
          { value: 0.7, color: 'orange' },
          { value: 0.8, color: 'green' },
        ],
      ]);
    }
  });

  test('errorRate 5 % / 15 %: both error ratio panels are orange from 5 % and red from 15 %', () => {
    for (const title of ['Error ratio (5xx)', 'Error ratio']) {
      expect([title, stepsOf(panelOf(customDashboards, SYSTEM, title))]).toEqual([
        title,
        [
          { value: null, color: 'green' },
          { value: 0.05, color: 'orange' },
          { value: 0.15, color: 'red' },
        ],
      ]);
    }
  });

  test('exactly the mirrored panels change: every wired panel is checked above, no other panel moves', () => {
    const thresholdsOf = (dashboards: readonly Dashboard[]) => placedPanels(dashboards).map(([name, p]) => [name, JSON.stringify(p.fieldConfig?.defaults.thresholds)]);
    const before = thresholdsOf(dashboardsOf(defaults));
    const after = thresholdsOf(customDashboards);
    expect(after.map(([name]) => name)).toEqual(before.map(([name]) => name));
    const moved = after.filter(([, t], i) => t !== before[i][1]).map(([name]) => name);
    expect(moved.sort()).toEqual(MIRRORS.map((m) => `${m.dashboard} "${m.panel}"`).sort());
  });
});

/** Every panel with its dashboard, in order (titles repeat, e.g. a row and a stat both called "Nodes"). */
function placedPanels(dashboards: readonly Dashboard[]): [string, Panel][] {
  return dashboards.flatMap((d) => allPanels(d.panels).map((p): [string, Panel] => [`${d.uid} "${p.title}"`, p]));
}

describe('the threshold mapping', () => {
  const defaults = valuesOf('dev').rules.thresholds;

  test('a cache hit rate alert at or above the healthy level goes from red straight to green (steps stay ascending)', () => {
    const t: RuleThresholds = { ...defaults, cacheHitRatePercent: 90 };
    expect(alertPanelThresholds(t).cacheHitRatio).toEqual({ baseColor: 'red', thresholds: [[0.9, 'green']] });
  });

  test('a count limit of 0 leaves a panel with no failures green', () => {
    const t: RuleThresholds = { ...defaults, trainingFailuresPerHour: 0, elasticsearchPendingTasks: 0 };
    expect(alertPanelThresholds(t).trainingFailures.thresholds).toEqual([[1, 'red']]);
    expect(alertPanelThresholds(t).elasticsearchPendingTasks.thresholds).toEqual([[1, 'red']]);
  });

  test('percents become the ratios the rules compare against, without float noise', () => {
    // 12.3 / 100 is 0.12300000000000001 in floating point.
    const t: RuleThresholds = { ...defaults, errorRate: { warningPercent: 12.3, criticalPercent: 33.3 } };
    expect(alertPanelThresholds(t).errorRatio.thresholds).toEqual([
      [0.123, 'orange'],
      [0.333, 'red'],
    ]);
  });
});

describe('the cache of built dashboards', () => {
  test('values differing only in thresholds never share dashboards; equal values do', () => {
    const plain = builtinDashboards(valuesOf('dev'));
    const other = builtinDashboards(valuesOf('dev', ['rules.thresholds.cacheHitRatePercent=70']));
    const json = (files: typeof plain) => files.find((f) => f.uid === SYSTEM)!.json;
    expect(json(other)).not.toEqual(json(plain));
    expect(json(other)).toContain('"value": 0.7');
    expect(builtinDashboards(valuesOf('dev'))).toBe(plain);
  });
});
