/**
 * The alert rules in-process (no tool needed): the label contract with the
 * Alertmanager, the values switches, user groups, the PrometheusRule, the
 * rule-file format, and that every emitted alert has promtool cases.
 */
import * as yaml from 'js-yaml';
import { ALERT_LABELS, CATEGORIES, SEVERITIES, TWIN_EQUAL_LABELS, WATCHDOG_ALERT } from '../lib/catalog/alerting';
import { PROMETHEUS } from '../lib/prometheus/constants';
import { alertCases } from '../lib/rules/cases';
import { ADDITIONAL_RULES_FILE, ALERTS, ALERT_NAMES, GROUP_NAMES, nativeGroups, PROMETHEUS_RULE, ruleFiles, ruleGroups } from '../lib/rules';
import type { AlertRule, NativeGroup } from '../lib/rules';
import { applicableCases, coverage, promtoolAlert } from '../lib/rules/testing';
import { expandTemplate, templateLabels } from '../lib/rules/template';
import { githubAnchor, runbookMarkdown } from '../lib/rules/runbook';
import { GROUP_IDS } from '../lib/rules/values';
import { ValuesError } from '../lib/values/load';
import { EXAMPLE_USER_GROUP as TEAM_RULES } from '../lib/rules/examples';
import { Values } from '../lib/values/schema';
import { ENVIRONMENTS, envObjects, findObject, synthFiles } from './support/stack';
import { switchedOff, valuesOf } from './support/values';

const allRules = (values: Values): AlertRule[] => ruleGroups(values).flatMap((g) => g.rules);
const parseFile = (content: string) => yaml.load(content) as { groups: NativeGroup[] };

describe.each(ENVIRONMENTS)('rules of %s', (env) => {
  const values = valuesOf(env);
  const rules = allRules(values);

  test('ship every group and every alert by default', () => {
    expect(ruleGroups(values).map((g) => g.id)).toEqual([...GROUP_IDS]);
    // ElasticsearchSnapshotFailures exists only where snapshots are on (prod): its promtool cases run there.
    const expected = ALERT_NAMES.filter((n) => n !== 'ElasticsearchSnapshotFailures' || values.elasticsearch.snapshots.enabled);
    expect(new Set(rules.map((r) => r.name))).toEqual(new Set(expected));
    expect(Object.keys(ruleFiles(values)).sort()).toEqual(Object.values(GROUP_NAMES).map((n) => `${n}.yaml`).sort());
  });

  test('every alert carries severity, category, service and summary, description, runbook_url', () => {
    for (const group of nativeGroups(values)) {
      for (const r of group.rules) {
        const where = `${group.name}/${r.alert}`;
        expect([where, SEVERITIES.includes(r.labels?.[ALERT_LABELS.severity] as never)]).toEqual([where, true]);
        expect([where, CATEGORIES.includes(r.labels?.[ALERT_LABELS.category] as never)]).toEqual([where, true]);
        expect(r.labels?.[ALERT_LABELS.service]).toMatch(/^[a-z{]/);
        expect(r.annotations?.summary).toBeTruthy();
        expect(r.annotations?.description).toBeTruthy();
        expect(r.annotations?.runbook_url).toBe(`${values.rules.runbookBaseUrl}#${r.alert!.toLowerCase()}`);
      }
    }
  });

  test('only fields Prometheus 2.42 knows (no keep_firing_for, limit, query_offset)', () => {
    for (const content of Object.values(ruleFiles(values))) {
      for (const group of parseFile(content).groups) {
        expect(Object.keys(group).every((k) => ['name', 'interval', 'rules'].includes(k))).toBe(true);
        for (const r of group.rules) expect(Object.keys(r).every((k) => ['alert', 'record', 'expr', 'for', 'labels', 'annotations'].includes(k))).toBe(true);
      }
    }
  });

  test('warning/critical twins share the alertname, category and service and differ in severity', () => {
    const byName = new Map<string, AlertRule[]>();
    for (const r of rules) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    const twins = [...byName.values()].filter((rs) => rs.length > 1 && rs.some((r) => r.severity === 'warning'));
    expect(twins.map((rs) => rs[0].name).sort()).toEqual(
      [ALERTS.PynomalyHighErrorRate, ALERTS.PynomalyHighMemoryUsage, ALERTS.HostHighDiskUsage, ALERTS.ElasticsearchClusterNotHealthy, ALERTS.ElasticsearchDiskWatermark].sort(),
    );
    for (const pair of twins) {
      expect(pair.map((r) => r.severity).sort()).toEqual(['critical', 'warning']);
      expect(new Set(pair.map((r) => r.category)).size).toBe(1);
      expect(new Set(pair.map((r) => r.service)).size).toBe(1);
    }
    // No two rules any alert could be confused with (ServiceDown differs per category).
    const keys = rules.map((r) => `${r.name}/${r.severity}/${r.category}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('where both twins fire, the critical one mutes the warning under TWIN_EQUAL_LABELS', () => {
    const both = alertCases(values).filter((c) => c.expect.some((e) => e.severity === 'critical') && c.expect.some((e) => e.severity === 'warning'));
    expect(both.length).toBeGreaterThanOrEqual(3);
    for (const c of both) {
      const labels = (severity: string) => {
        const e = c.expect.find((x) => x.severity === severity)!;
        const l: Record<string, string> = { ...promtoolAlert(c, e, rules, values.rules).exp_labels, alertname: c.alert };
        return TWIN_EQUAL_LABELS.map((k) => l[k] ?? '');
      };
      expect([c.title, labels('critical')]).toEqual([c.title, labels('warning')]);
    }
  });

  test('the Watchdog always fires, with a severity the Alertmanager routes by alertname', () => {
    const watchdog = rules.filter((r) => r.name === WATCHDOG_ALERT);
    expect(watchdog).toHaveLength(1);
    expect(watchdog[0]).toMatchObject({ expr: 'vector(1)', severity: 'info', category: 'monitoring' });
    expect(watchdog[0].for).toBeUndefined();
  });

  test('every emitted alert has a firing and a silent promtool case (a new alert without cases fails here)', () => {
    const cases = applicableCases(alertCases(values), rules);
    const missing = coverage(cases, rules)
      .filter((c) => c.firing === 0 || (c.silent === 0 && c.rule.name !== WATCHDOG_ALERT))
      .map((c) => `${c.rule.name}/${c.rule.severity}/${c.rule.category}: ${c.firing} firing, ${c.silent} silent`);
    expect(missing).toEqual([]);
  });

  test('annotations and templated labels use only the template subset and labels the cases provide', () => {
    const cases = applicableCases(alertCases(values), rules);
    for (const c of cases) for (const e of c.expect) expect(() => promtoolAlert(c, e, rules, values.rules)).not.toThrow();
    for (const r of rules) {
      for (const text of [r.summary, r.description, r.service]) expect(() => expandTemplate(text, Object.fromEntries(templateLabels(text).map((l) => [l, 'x'])), 1)).not.toThrow();
    }
  });

  test('no rule relies on external labels (cluster, environment), which rules and promtool never see', () => {
    for (const r of rules) {
      expect([r.name, /\benvironment\b/.test(r.expr)]).toEqual([r.name, false]);
      // `cluster` may only be read as the Elasticsearch exporter's own label, moved to es_cluster.
      expect([r.name, /\bcluster\b/.test(r.expr.replace(/"cluster"/g, ''))]).toEqual([r.name, false]);
      for (const text of [r.summary, r.description, r.service]) {
        expect(text).not.toContain('$externalLabels');
        expect(templateLabels(text).filter((l) => l === 'cluster' || l === 'environment')).toEqual([]);
      }
    }
  });

  test('the runbook page has a section for every alert, at the runbook_url anchor', () => {
    const page = runbookMarkdown(values);
    const anchors = [...page.matchAll(/^## (.+)$/gm)].map((m) => githubAnchor(m[1]));
    for (const group of nativeGroups(values)) for (const r of group.rules) expect(anchors).toContain(r.annotations!.runbook_url!.split('#')[1]);
    expect(anchors).toHaveLength(new Set(rules.map((r) => r.name)).size);
  });

  test('the prometheus-rules ConfigMap holds exactly these rule files', () => {
    const objects = envObjects(env);
    const configMap = findObject(objects, 'ConfigMap', PROMETHEUS.rulesConfigMap) as unknown as { data: Record<string, string> };
    expect(configMap.data).toEqual(ruleFiles(values));
  });
});

describe('values switches', () => {
  test('rules.enabled=false emits no rule file', () => {
    expect(ruleFiles(valuesOf('dev', ['rules.enabled=false']))).toEqual({});
  });

  test('a group can be switched off', () => {
    const values = valuesOf('dev', ['rules.groups.datastores.enabled=false']);
    expect(Object.keys(ruleFiles(values))).not.toContain(`${GROUP_NAMES.datastores}.yaml`);
    expect(allRules(values).map((r) => r.name)).not.toContain(ALERTS.RedisDown);
    expect(allRules(values).map((r) => r.name)).toContain(ALERTS.PynomalyHighErrorRate);
  });

  test('single alerts (both twins) can be disabled', () => {
    const values = valuesOf('dev', ['rules.disabled={PynomalyHighErrorRate,Watchdog}']);
    const names = allRules(values).map((r) => r.name);
    expect(names).not.toContain(ALERTS.PynomalyHighErrorRate);
    expect(names).not.toContain(ALERTS.Watchdog);
    expect(names).toContain(ALERTS.PynomalyHighResponseTime);
    expect(Object.values(ruleFiles(values)).join('\n')).not.toContain('PynomalyHighErrorRate');
  });

  test('an unknown alert name in rules.disabled is an error, not a silent no-op', () => {
    expect(() => valuesOf('dev', ['rules.disabled={PynomalyHighErorRate}'])).toThrow(ValuesError);
  });

  test('thresholds reach the expressions and the descriptions', () => {
    const values = valuesOf('dev', ['rules.thresholds.errorRate.warningPercent=12,rules.thresholds.errorRate.criticalPercent=30,rules.thresholds.latencyP95Seconds=3']);
    const errorRate = allRules(values).filter((r) => r.name === ALERTS.PynomalyHighErrorRate);
    expect(errorRate.map((r) => r.expr.split('\n').pop())).toEqual(['> 0.12', '> 0.3']);
    expect(errorRate[0].description).toContain('above 12 %');
    expect(allRules(values).find((r) => r.name === ALERTS.PynomalyHighResponseTime)!.expr).toMatch(/> 3$/);
  });

  test('a warning threshold above its critical one is refused', () => {
    expect(() => valuesOf('dev', ['rules.thresholds.memory.warningPercent=95'])).toThrow(/warning threshold/);
  });

  test('the runbook base URL comes from values', () => {
    const values = valuesOf('dev', ['rules.runbookBaseUrl=https://wiki.example.org/runbooks']);
    const group = parseFile(ruleFiles(values)[`${GROUP_NAMES.monitoring}.yaml`]).groups[0];
    expect(group.rules.find((r) => r.alert === 'Watchdog')!.annotations!.runbook_url).toBe('https://wiki.example.org/runbooks#watchdog');
  });

  test('without our Alertmanager, "connected to no Alertmanager" is not an alert', () => {
    const names = allRules(valuesOf('dev', switchedOff('alertmanager'))).map((r) => r.name);
    expect(names).not.toContain(ALERTS.PrometheusNotConnectedToAlertmanagers);
    expect(names).toContain(ALERTS.Watchdog);
  });
});

describe('user rule groups (rules.additionalGroups)', () => {
  test('are emitted in their own file, with a runbook_url added', () => {
    const values = valuesOf('dev', [], { rules: { additionalGroups: [TEAM_RULES] } });
    const file = parseFile(ruleFiles(values)[ADDITIONAL_RULES_FILE]);
    expect(file.groups.map((g) => g.name)).toEqual(['team-rules']);
    expect(file.groups[0].rules[0]).toEqual(TEAM_RULES.rules[0]);
    expect(file.groups[0].rules[1]).toEqual({
      ...TEAM_RULES.rules[1],
      annotations: { runbook_url: `${values.rules.runbookBaseUrl}#pynomalynotraffic`, ...TEAM_RULES.rules[1].annotations },
    });
  });

  const invalid: [string, unknown, RegExp][] = [
    ['an empty expr', { name: 'g', rules: [{ record: 'a:b', expr: '  ' }] }, /expr must not be empty/],
    ['a malformed for', { name: 'g', rules: [{ ...TEAM_RULES.rules[1], for: '5 minutes' }] }, /Prometheus duration/],
    ['both alert and record', { name: 'g', rules: [{ ...TEAM_RULES.rules[1], record: 'a:b' }] }, /exactly one of alert or record/],
    ['an alert without category', { name: 'g', rules: [{ ...TEAM_RULES.rules[1], labels: { severity: 'warning', service: 's' } }] }, /labels.category/],
    ['an unknown severity', { name: 'g', rules: [{ ...TEAM_RULES.rules[1], labels: { severity: 'page', category: 'application', service: 's' } }] }, /labels.severity/],
    ['a non-string label value', { name: 'g', rules: [{ ...TEAM_RULES.rules[1], labels: { severity: 'warning', category: 'application', service: 's', team: 3 } }] }, /labels/],
    ['an invalid label name', { name: 'g', rules: [{ record: 'a:b', expr: 'up', labels: { 'my-label': 'x' } }] }, /labels\.my-label/],
    ['a recording rule with annotations', { name: 'g', rules: [{ record: 'a:b', expr: 'up', annotations: { summary: 's' } }] }, /only apply to alerts/],
    ['a group without rules', { name: 'g', rules: [] }, /at least one rule/],
    ['an unknown field (keep_firing_for)', { name: 'g', rules: [{ ...TEAM_RULES.rules[1], keep_firing_for: '5m' }] }, /keep_firing_for/],
  ];
  test.each(invalid)('refuse %s', (_what, group, message) => {
    expect(() => valuesOf('dev', [], { rules: { additionalGroups: [group] } })).toThrow(message);
  });

  test('refuse two groups with one name, or a name of ours', () => {
    expect(() => valuesOf('dev', [], { rules: { additionalGroups: [TEAM_RULES, TEAM_RULES] } })).toThrow(/defined twice/);
    expect(() => ruleFiles(valuesOf('dev', [], { rules: { additionalGroups: [{ ...TEAM_RULES, name: GROUP_NAMES.application }] } }))).toThrow(/already used/);
  });
});

describe('PrometheusRule', () => {
  test('is emitted by default into the CRD subfolder only, and can be switched off', () => {
    const paths = [...synthFiles({ envs: ['dev'] }).keys()].filter((p) => p.includes('prometheusrules'));
    expect(paths).toEqual([`dev/${PROMETHEUS_RULE.path}.yaml`, `helm/dev/templates/${PROMETHEUS_RULE.path}.yaml`]);
    const off = synthFiles({ envs: ['dev'], sets: ['rules.prometheusRule.enabled=false'] });
    expect([...off.keys()].some((p) => p.includes('prometheusrules'))).toBe(false);
  });

  test('when enabled: in the CRD subfolder, with the ruleSelector labels and the same groups', () => {
    const sets = ['rules.prometheusRule.enabled=true,rules.prometheusRule.labels.release=kube-prometheus-stack'];
    const files = synthFiles({ envs: ['staging'], sets });
    expect(files.has(`staging/${PROMETHEUS_RULE.path}.yaml`)).toBe(true);
    const objects = envObjects('staging', { sets, includeSubfolders: true });
    const rule = findObject(objects, 'PrometheusRule', PROMETHEUS_RULE.name) as unknown as {
      apiVersion: string;
      metadata: { labels: Record<string, string>; namespace: string };
      spec: { groups: unknown };
    };
    expect(rule.apiVersion).toBe(PROMETHEUS_RULE.api);
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(rule.metadata.labels['app.kubernetes.io/name']).toBe(PROMETHEUS_RULE.name);
    expect(rule.spec.groups).toEqual(JSON.parse(JSON.stringify(nativeGroups(valuesOf('staging', sets)))));
    // Not part of what `kubectl apply -f dist/<env>/` reads without the CRD.
    expect(envObjects('staging', { sets }).some((o) => o.kind === 'PrometheusRule')).toBe(false);
  });
});
