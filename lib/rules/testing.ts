/**
 * A typed builder of `promtool test rules` unit tests. Each alert has cases
 * (./groups/*.cases.ts) computed from the configured thresholds: input series
 * in promtool's `values` notation, an evaluation time, and the exact alerts
 * expected then (labels and expanded annotations, from the rule definitions
 * and ./template.ts). An empty `expect` asserts the alert stays silent.
 */
import type { Category, Severity } from '../catalog/alerting';
import { toYaml } from '../synth/yaml';
import type { AlertRule } from './model';
import type { AlertName } from './names';
import { num, sel, SeriesName } from '../catalog/promql';
import { ruleAnnotations, ruleLabels } from './render';
import { expandTemplate } from './template';
import type { RulesValues } from './values';

export type Labels = Readonly<Record<string, string>>;

export interface InputSeries {
  /** `metric{label="value", ...}` */
  readonly series: string;
  /** promtool expanding notation, e.g. `0+10x20`, `1+0x4 0+0x10`, `_x5 3+0x10`. */
  readonly values: string;
}

export interface ExpectedAlert {
  readonly severity: Severity;
  /** Only where alertname and severity do not single out one rule (ServiceDown has one per category). */
  readonly category?: Category;
  /** Labels of the expression's result series (what the alert reports), without the rule's labels. */
  readonly labels: Labels;
  /** `$value` at the evaluation time, rendered into the expected annotations. */
  readonly value: number;
}

export interface AlertCase {
  readonly alert: AlertName;
  /** What the case shows, e.g. `26 % errors fire the warning and the critical twin`. */
  readonly title: string;
  readonly input: readonly InputSeries[];
  /** Evaluation time in minutes after the first sample (samples are 1 minute apart). */
  readonly at: number;
  /** Every alert firing at `at`; empty: the alert is silent. */
  readonly expect: readonly ExpectedAlert[];
}

/** Samples are one minute apart in every case; rules are evaluated every minute. */
export const CASE_INTERVAL = '1m';

/** An input series name with exact labels, named through the catalog. */
export function series(metric: SeriesName, labels: Labels): string {
  return sel(metric, labels);
}

/** A counter growing by `perMinute` every minute for `minutes` minutes, from 0. */
export function counter(perMinute: number, minutes: number): string {
  return `0+${num(perMinute)}x${minutes}`;
}

/** A constant gauge for `minutes` minutes. */
export function gauge(value: number, minutes: number): string {
  return `${num(value)}+0x${minutes}`;
}

/** `before` for `minutes`, then `after` for `afterMinutes`. */
export function step(before: number, minutes: number, after: number, afterMinutes: number): string {
  return `${num(before)}+0x${minutes - 1} ${num(after)}+0x${afterMinutes}`;
}

export function fires(severity: Severity, labels: Labels, value: number, category?: Category): ExpectedAlert {
  return { severity, labels, value, ...(category ? { category } : {}) };
}

/**
 * Points just above and just below a threshold `t`, kept inside (lo, hi) so a
 * case for a twin's critical threshold stays above its warning one.
 */
export function around(t: number, lo: number, hi: number): { above: number; below: number } {
  const d = Math.min(1, (t - lo) / 2, (hi - t) / 2);
  return { above: Number((t + d).toPrecision(12)), below: Number((t - d).toPrecision(12)) };
}

export function nudgeTwin(t: { warningPercent: number; criticalPercent: number }): {
  aboveCritical: number;
  belowCritical: number;
  belowWarning: number;
} {
  const critical = around(t.criticalPercent, t.warningPercent, 100);
  const warning = around(t.warningPercent, 0, t.criticalPercent);
  return { aboveCritical: critical.above, belowCritical: critical.below, belowWarning: warning.below };
}

/** The one rule an expected alert refers to. */
export function ruleFor(rules: readonly AlertRule[], alert: AlertName, e: Pick<ExpectedAlert, 'severity' | 'category'>): AlertRule | undefined {
  const found = rules.filter((r) => r.name === alert && r.severity === e.severity && (!e.category || r.category === e.category));
  if (found.length > 1) throw new Error(`${alert}/${e.severity}: ${found.length} rules match; give the expected alert a category`);
  return found[0];
}

/** Cases whose alerts are all emitted (others test disabled rules and are left out). */
export function applicableCases(cases: readonly AlertCase[], rules: readonly AlertRule[]): AlertCase[] {
  return cases.filter((c) => rules.some((r) => r.name === c.alert) && c.expect.every((e) => ruleFor(rules, c.alert, e)));
}

interface PromtoolAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

/** What promtool must see for one expected alert: the rule's labels win over the series'. */
export function promtoolAlert(c: AlertCase, e: ExpectedAlert, rules: readonly AlertRule[], v: RulesValues): PromtoolAlert {
  const rule = ruleFor(rules, c.alert, e);
  if (!rule) throw new Error(`${c.alert}/${e.severity}: no such rule`);
  const labels: Record<string, string> = { ...e.labels };
  for (const [k, text] of Object.entries(ruleLabels(rule))) labels[k] = expandTemplate(text, e.labels, e.value);
  const annotations: Record<string, string> = {};
  for (const [k, text] of Object.entries(ruleAnnotations(rule, v))) annotations[k] = expandTemplate(text, e.labels, e.value);
  return { exp_labels: labels, exp_annotations: annotations };
}

/** A promtool test file running `cases` against `ruleFiles` (paths relative to the test file). */
export function promtoolTestFile(cases: readonly AlertCase[], rules: readonly AlertRule[], v: RulesValues, ruleFiles: readonly string[]): string {
  return toYaml({
    rule_files: ruleFiles,
    evaluation_interval: CASE_INTERVAL,
    tests: cases.map((c) => ({
      name: `${c.alert}: ${c.title}`,
      interval: CASE_INTERVAL,
      input_series: c.input.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: [
        {
          eval_time: `${c.at}m`,
          alertname: c.alert,
          exp_alerts: c.expect.map((e) => promtoolAlert(c, e, rules, v)),
        },
      ],
    })),
  });
}

/** Per rule (alertname, severity, category): does some case see it fire, and some case see it silent? */
export interface RuleCoverage {
  readonly rule: AlertRule;
  readonly firing: number;
  readonly silent: number;
}

export function coverage(cases: readonly AlertCase[], rules: readonly AlertRule[]): RuleCoverage[] {
  return rules.map((rule) => {
    const own = cases.filter((c) => c.alert === rule.name);
    const expectsRule = (c: AlertCase) => c.expect.some((e) => ruleFor(rules, c.alert, e) === rule);
    return { rule, firing: own.filter(expectsRule).length, silent: own.filter((c) => !expectsRule(c)).length };
  });
}

/** The labels an aggregation keeps (`by (keys)`), from a series' labels. */
export function pick(labels: Labels, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => k in labels).map((k) => [k, labels[k]]));
}
