/**
 * The alert rules of the stack, as typed definitions (./groups/*) rendered to
 * Prometheus rule files for our Prometheus (the `prometheus-rules` ConfigMap,
 * `rule_files: /etc/prometheus/rules/*.yaml`) and, when switched on, to a
 * PrometheusRule for an Operator-managed Prometheus. Both carry the same groups.
 */
import { Construct } from 'constructs';
import { ComponentDefinition, MonitoringComponent, ProbedEndpoint } from '../core/component';
import { SERVICES } from './jobs';
import { toYaml } from '../synth/yaml';
import type { z } from 'zod';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { applicationRules } from './groups/application';
import { changeRules } from './groups/changes';
import { datastoreRules } from './groups/datastores';
import { infrastructureRules } from './groups/infrastructure';
import { monitoringRules } from './groups/monitoring';
import type { AlertRule, RuleGroupDef } from './model';
import { NativeGroup, nativeGroup, nativeUserGroup } from './render';
import { GroupId, GROUP_IDS, RulesValues, rulesValues } from './values';
import { ValuesError } from '../values/errors';
import { byteSize, mebibytes, MAX_OBJECT_CONTENT_BYTES, packBySize, partName } from '../values/validators/object-size';
import { parseSettings } from '../values/parsed';

export type { AlertRule, RuleGroupDef } from './model';
export type { NativeGroup, NativeRule } from './render';
export { ALERTS, ALERT_NAMES } from './names';
export type { AlertName } from './names';

/** Prometheus group name of each of our groups (also the rule file name). */
export const GROUP_NAMES: Readonly<Record<GroupId, string>> = {
  application: 'pynomaly-application',
  infrastructure: 'pynomaly-infrastructure',
  datastores: 'pynomaly-datastores',
  monitoring: 'pynomaly-monitoring',
  changes: 'pynomaly-changes',
};

/** File holding `rules.additionalGroups`. */
export const ADDITIONAL_RULES_FILE = 'additional-rules.yaml';

/** PrometheusRule object name and the output file it goes to (needs the CRD). */
export const PROMETHEUS_RULE = {
  name: 'pynomaly-rules',
  component: 'alerting-rules',
  path: 'prometheus-operator/prometheusrules',
  api: 'monitoring.coreos.com/v1',
} as const;

/**
 * What the rules are made of: their own values, and whether our Alertmanager
 * is deployed (its own health rules). Environment values fit as they are.
 */
export interface RuleInputs {
  readonly rules: RulesValues;
  readonly alertmanager: { readonly enabled: boolean };
  /** Kibana deployed and the blackbox exporter probing it: KibanaDown. @default both off */
  readonly kibana?: { readonly enabled: boolean };
  readonly blackboxExporter?: { readonly enabled: boolean };
  /** Our Elasticsearch takes snapshots: ElasticsearchSnapshotFailures. @default off */
  readonly elasticsearch?: { readonly enabled: boolean; readonly snapshots: { readonly enabled: boolean } };
}

function definitions(id: GroupId, values: RuleInputs): AlertRule[] {
  const v = values.rules;
  switch (id) {
    case 'application':
      return applicationRules(v);
    case 'infrastructure':
      return infrastructureRules(v);
    case 'datastores':
      return datastoreRules(v, {
        kibanaProbed: Boolean(values.kibana?.enabled && values.blackboxExporter?.enabled),
        snapshots: Boolean(values.elasticsearch?.enabled && values.elasticsearch.snapshots.enabled),
      });
    case 'monitoring':
      return monitoringRules(v, { alertmanagerDeployed: values.alertmanager.enabled });
    case 'changes':
      return changeRules();
  }
}

/** Our enabled groups, without disabled alerts; empty groups are left out. */
export function ruleGroups(values: RuleInputs): RuleGroupDef[] {
  const v: RulesValues = values.rules;
  if (!v.enabled) return [];
  const disabled = new Set<string>(v.disabled);
  return GROUP_IDS.filter((id) => v.groups[id].enabled)
    .map((id) => ({ id, name: GROUP_NAMES[id], rules: definitions(id, values).filter((r) => !disabled.has(r.name)) }))
    .filter((g) => g.rules.length > 0);
}

/** Every group in native format: ours, then `rules.additionalGroups`. */
export function nativeGroups(values: RuleInputs): NativeGroup[] {
  if (!values.rules.enabled) return [];
  const ours = ruleGroups(values).map((g) => nativeGroup(g, values.rules));
  const theirs = values.rules.additionalGroups.map((g) => nativeUserGroup(g, values.rules));
  const clash = theirs.find((g) => ours.some((o) => o.name === g.name));
  if (clash) throw new ValuesError(`rules.additionalGroups: group name ${clash.name} is already used by a built-in group`);
  return [...ours, ...theirs];
}

/**
 * Rule file name (`*.yaml`) -> content in Prometheus' native rule-file format:
 * one file per built-in group, plus `additional-rules.yaml` for user groups
 * (`additional-rules-2.yaml`, ... when they would not fit one ConfigMap).
 */
export function ruleFiles(values: RuleInputs): Record<string, string> {
  if (!values.rules.enabled) return {};
  const files: Record<string, string> = {};
  for (const g of ruleGroups(values)) files[`${g.name}.yaml`] = toYaml({ groups: [nativeGroup(g, values.rules)] });
  const user = values.rules.additionalGroups.map((g, index) => ({ index, yaml: toYaml({ groups: [nativeUserGroup(g, values.rules)] }) }));
  if (user.length) {
    nativeGroups(values); // refuses a user group named like one of ours
    const parts = packBySize(user, (g) => byteSize(g.yaml), (g, bytes) => tooLargeGroup(values.rules, g.index, bytes));
    parts.forEach((part, i) => {
      // Each group rendered alone is `groups:\n- ...`: concatenating their items keeps one valid file.
      files[partName(ADDITIONAL_RULES_FILE.replace(/\.yaml$/, ''), i, '.yaml')] = `groups:\n${part.map((g) => g.yaml.replace(/^groups:\n/, '')).join('')}`;
    });
  }
  return files;
}

function tooLargeGroup(rules: RulesValues, index: number, bytes: number): ValuesError {
  const name = rules.additionalGroups[index].name;
  return new ValuesError(
    `rules.additionalGroups.${index}: rule group ${JSON.stringify(name)} is ${mebibytes(bytes)}, more than one Kubernetes object holds (${mebibytes(MAX_OBJECT_CONTENT_BYTES)}): split it into smaller groups`,
  );
}

/**
 * The alert rules of one environment: the rule files our Prometheus mounts
 * (`files`) and, when `rules.prometheusRule.enabled`, the same groups as a
 * PrometheusRule (prometheus-operator) whose `rules.prometheusRule.labels` let
 * an Operator's ruleSelector pick it up.
 */
export class AlertRules extends Construct {
  /** Rule file name (`*.yaml`) -> content, for Prometheus' rules ConfigMap. */
  public readonly files: Readonly<Record<string, string>>;
  /** The groups in Prometheus' native format (what the files and the PrometheusRule hold). */
  public readonly groups: readonly NativeGroup[];
  public readonly values: RulesValues;

  public constructor(scope: Construct, id: string, props: AlertRulesProps = {}) {
    super(scope, id);
    this.values = parseSettings(rulesValues, props.values);
    const kibanaProbed = { enabled: props.kibanaProbed ?? false };
    const elasticsearch = { enabled: props.snapshotsEnabled ?? false, snapshots: { enabled: props.snapshotsEnabled ?? false } };
    const inputs: RuleInputs = { rules: this.values, alertmanager: { enabled: props.alertmanagerDeployed ?? false }, kibana: kibanaProbed, blackboxExporter: kibanaProbed, elasticsearch };
    this.files = ruleFiles(inputs);
    this.groups = nativeGroups(inputs);
  }
}

export interface AlertRulesProps {
  /** Its values (`rules.*`); every key has its default (lib/rules/values.ts). @default {} */
  readonly values?: NonNullable<z.input<typeof rulesValues>>;
  /** Whether our Alertmanager runs (adds the rules about its own health). @default false */
  readonly alertmanagerDeployed?: boolean;
  /** Whether the blackbox exporter probes Kibana (adds KibanaDown). @default false */
  readonly kibanaProbed?: boolean;
  /** Whether our Elasticsearch takes snapshots (adds ElasticsearchSnapshotFailures). @default false */
  readonly snapshotsEnabled?: boolean;
}

/** The registry entry: rules have no pods; Prometheus reads their files. */
export const rulesComponent: ComponentDefinition<typeof rulesValues, 'rules'> = {
  key: 'rules',
  values: rulesValues,
  uses: ['alertmanager', 'blackboxExporter', 'elasticsearch'],
  // Switched off, it still holds the thresholds Grafana's dashboards restate (and no rule file).
  renderWhenDisabled: true,
  build(ctx) {
    const prober = ctx.component<MonitoringComponent & { endpoints: readonly ProbedEndpoint[] }>('blackboxExporter');
    const kibanaProbed = (prober?.endpoints ?? []).some((e) => e.service === SERVICES.kibana);
    const snapshotsEnabled = ctx.component<MonitoringComponent & { values: { snapshots: { enabled: boolean } } }>('elasticsearch')?.values.snapshots.enabled ?? false;
    const rules = new AlertRules(ctx.scope, 'rules', { values: ctx.values, alertmanagerDeployed: ctx.component('alertmanager') !== undefined, kibanaProbed, snapshotsEnabled });
    if (ctx.values.prometheusRule.enabled && rules.groups.length > 0) {
      const identity = ctx.identity(PROMETHEUS_RULE.name, PROMETHEUS_RULE.component, ctx.projectVersion);
      const chart = ctx.chart(PROMETHEUS_RULE.path, identity, { requiresApi: PROMETHEUS_RULE.api, helmCondition: 'rules.prometheusRule.enabled' });
      prometheusRule(chart, ctx.values, rules.groups);
    }
    return rules;
  },
};

function prometheusRule(chart: Construct, v: RulesValues, groups: readonly NativeGroup[]): void {
  // As many PrometheusRules as the groups need to stay under the object size limit (one for our own).
  const ours = groups.length - v.additionalGroups.length;
  const parts = packBySize(
    groups.map((g, i) => ({ g, i })),
    ({ g }) => byteSize(JSON.stringify(g)),
    ({ i }, bytes) => tooLargeGroup(v, i - ours, bytes),
  );
  parts.forEach((part, i) => {
    new PrometheusRule(chart, partName('rules', i), {
      metadata: { name: partName(PROMETHEUS_RULE.name, i), labels: v.prometheusRule.labels },
      spec: {
        groups: part.map(({ g }) => ({
          name: g.name,
          ...(g.interval ? { interval: g.interval } : {}),
          rules: g.rules.map((r) => ({ ...r, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })),
        })),
      },
    });
  });
}
