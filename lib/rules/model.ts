/**
 * The typed shape of our alert rules. A rule names its metrics through the
 * catalog (`M.x`, see ./promql.ts), carries the label contract of
 * lib/catalog/alerting.ts, and is rendered to Prometheus' native rule format
 * by ./render.ts.
 */
import type { Category, Severity } from '../catalog/alerting';
import type { AlertName } from './names';
import type { GroupId } from './values';

export interface AlertRule {
  /** The alertname; warning/critical twins share it and differ in `severity`. */
  readonly name: AlertName;
  /** PromQL; its result series (and `$value`) are what the alert reports. */
  readonly expr: string;
  /** How long `expr` must hold before the alert fires; omitted: on the first evaluation. */
  readonly for?: string;
  readonly severity: Severity;
  readonly category: Category;
  /** The `service` label: a plain name, or a template such as `{{ $labels.job }}`. */
  readonly service: string;
  /** One line, may use `{{ $labels.x }}` and `{{ $value | humanize... }}` (see ./template.ts). */
  readonly summary: string;
  /** What happened, how bad it is, what to look at first. Same template subset. */
  readonly description: string;
  /** Threshold in words, for the runbook and reviews (e.g. `> 10 %`). */
  readonly threshold: string;
}

export interface RuleGroupDef {
  readonly id: GroupId;
  /** Prometheus group name; the rule file is `<name>.yaml`. */
  readonly name: string;
  readonly rules: readonly AlertRule[];
}
