/**
 * From typed rules to Prometheus' native rule-file format (what
 * `rule_files:` loads and `promtool check rules` reads). Only fields Prometheus
 * 2.42 already knows are emitted (alert, expr, for, labels, annotations), so
 * the Debian promtool and the 3.x server we deploy both accept the files.
 */
import { ALERT_LABELS } from '../catalog/alerting';
import type { AlertRule, RuleGroupDef } from './model';
import type { RulesValues, UserRuleGroup } from './values';

export interface NativeRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface NativeGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly NativeRule[];
}

/** `<base>#<alertname in lower case>`: one runbook page, one anchor per alert. */
export function runbookUrl(baseUrl: string, alertName: string): string {
  return `${baseUrl.replace(/#.*$/, '')}#${alertName.toLowerCase()}`;
}

/** The labels an alert rule sets (the alert contract of lib/catalog/alerting.ts). */
export function ruleLabels(rule: AlertRule): Record<string, string> {
  return {
    [ALERT_LABELS.severity]: rule.severity,
    [ALERT_LABELS.category]: rule.category,
    [ALERT_LABELS.service]: rule.service,
  };
}

export function ruleAnnotations(rule: AlertRule, v: RulesValues): Record<string, string> {
  return { summary: rule.summary, description: rule.description, runbook_url: runbookUrl(v.runbookBaseUrl, rule.name) };
}

export function nativeRule(rule: AlertRule, v: RulesValues): NativeRule {
  return {
    alert: rule.name,
    expr: rule.expr,
    ...(rule.for ? { for: rule.for } : {}),
    labels: ruleLabels(rule),
    annotations: ruleAnnotations(rule, v),
  };
}

export function nativeGroup(group: RuleGroupDef, v: RulesValues): NativeGroup {
  return { name: group.name, rules: group.rules.map((r) => nativeRule(r, v)) };
}

/** A user group as given, with a runbook_url added to alerts that have none. */
export function nativeUserGroup(group: UserRuleGroup, v: RulesValues): NativeGroup {
  return {
    name: group.name,
    ...(group.interval ? { interval: group.interval } : {}),
    rules: group.rules.map((r): NativeRule => {
      if (!r.alert) return { record: r.record, expr: r.expr, ...(r.labels ? { labels: r.labels } : {}) };
      return {
        alert: r.alert,
        expr: r.expr,
        ...(r.for ? { for: r.for } : {}),
        ...(r.labels ? { labels: r.labels } : {}),
        annotations: { runbook_url: runbookUrl(v.runbookBaseUrl, r.alert), ...r.annotations },
      };
    }),
  };
}
