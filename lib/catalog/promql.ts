/**
 * Small builders that keep PromQL readable while every metric name comes from
 * the catalog: `sel(M.up, { job: JOBS.prometheus })` is `up{job="prometheus"}`.
 * One module for the alert rules and the dashboards. Anything more is plain
 * template strings: the tests parse every expression and check each metric
 * and label against the catalog.
 */
import type { MetricName } from './index';

/** A series name: a catalog metric, or a histogram/summary child of one. */
export type SeriesName = MetricName | `${MetricName}_bucket` | `${MetricName}_sum` | `${MetricName}_count`;

export type Matcher = { readonly op: '=' | '!=' | '=~' | '!~'; readonly value: string };
export type Matchers = Readonly<Record<string, string | Matcher>>;

export const re = (value: string): Matcher => ({ op: '=~', value });
export const notRe = (value: string): Matcher => ({ op: '!~', value });
export const not = (value: string): Matcher => ({ op: '!=', value });

/** A PromQL string literal (double quotes; JSON escaping is valid PromQL escaping). */
export function str(value: string): string {
  return JSON.stringify(value);
}

/**
 * `{a="b", c=~"d"}`: matchers in the order given. A Grafana template variable
 * (`$x`) is a regex match (multi-value; All is `.*`).
 */
export function matchers(m: Matchers): string {
  const parts = Object.entries(m).map(([label, matcher]) => {
    const { op, value } = typeof matcher === 'string' ? { op: matcher.startsWith('$') ? '=~' : '=', value: matcher } : matcher;
    return `${label}${op}${str(value)}`;
  });
  return `{${parts.join(', ')}}`;
}

/** `metric{a="b", c=~"d"}` (the bare metric without matchers). */
export function sel(metric: SeriesName, m: Matchers = {}): string {
  return Object.keys(m).length ? `${metric}${matchers(m)}` : metric;
}

/** `sum by (a, b) (expr)` and friends. */
export function by(op: 'sum' | 'max' | 'min' | 'avg' | 'count', labels: readonly string[], expr: string): string {
  return `${op} by (${labels.join(', ')}) (${expr})`;
}

export function rate(selector: string, window: string): string {
  return `rate(${selector}[${window}])`;
}

export function increase(selector: string, window: string): string {
  return `increase(${selector}[${window}])`;
}

/** Alternation regex of exact values (`a|b`), escaped. */
export function oneOf(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** A threshold as PromQL prints it (no float noise from percent / 100). */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** A percent threshold as the ratio the expression compares against. */
export function ratio(percent: number): string {
  return num(percent / 100);
}

export function maxOverTime(selector: string, window: string): string {
  return `max_over_time(${selector}[${window}])`;
}
